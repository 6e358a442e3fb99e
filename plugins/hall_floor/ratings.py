"""评价器: the tablet at a window. After a case or a ticket is served the applicant taps 非常满意 …
非常不满意. A case's rating is the case's one rating (the core's, by its applicant) with channel
现场 recorded here with the window and the staff member; a bad rating (不满意, 非常不满意) needs a
reason from a fixed list and opens a rectification task (整改) due in 15 working days (好差评:
差评 are rectified within 15 working days), closed by its follow-up (回访).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from core.api import (
    RATING_LEVELS,
    Actor,
    Case,
    NotFound,
    Rating,
    User,
    UserError,
    UserErrorsException,
    calendar_for,
    cn_date,
    local_today,
    now,
    record_rating,
    typed_case_number,
)
from core.api import now as clock_now

from .events import announce
from .floor import BAD_REASONS, floor_center, window
from .models import OnSiteRating, Rectification, Ticket

RECTIFY_WORKING_DAYS = 15
DUPLICATE = UserError("duplicate", "该办件（排队号）已评价过", "/case")


async def _target(center: Any, case_id: Any, ticket_id: Any) -> tuple[Case | None, Ticket | None]:
    ticket = None
    if ticket_id:
        ticket = await Ticket.get_or_none(id=int(ticket_id), center=center) if str(ticket_id).isdigit() else None
        if ticket is None:
            raise NotFound("排队号不存在")
        if ticket.status != "done":
            raise UserErrorsException.single("not_served", f"{ticket.number}尚未办结，办结后才能评价", "/ticket")
        case_id = case_id or ticket.case_id  # type: ignore[attr-defined]
    case = None
    if case_id:
        case = await Case.get_or_none(id=int(case_id), center=center) if str(case_id).isdigit() else None
        if case is None:
            raise NotFound("办件不存在")
    if case is None and ticket is None:
        raise UserErrorsException.single("required", "请选择要评价的办件或排队号", "/case")
    return case, ticket


async def rate_on_site(
    govhall: Any, actor: Actor, center_code: str, window_code: str, level: int, case_id: Any = None, ticket_id: Any = None,
    reason: str = "",
) -> OnSiteRating:
    """Record the tablet's rating; all-or-nothing (the core's rating, this record, the task)."""
    center = await floor_center(center_code)
    clerk = actor.require(center.id, "clerk", "head")
    await window(center, window_code)
    case, ticket = await _target(center, case_id, ticket_id)
    errors = []
    if level not in RATING_LEVELS:
        errors.append(UserError("range", "评价等级应为1至5：5 非常满意 … 1 非常不满意", "/level"))
    elif level <= 2 and reason not in BAD_REASONS:
        errors.append(UserError("reason", f"请选择不满意的原因：{'、'.join(BAD_REASONS)}", "/reason"))
    if case is not None and case.completed_at is None:
        errors.append(UserError("not_completed", "办件办结后才能评价", "/case"))
    # a case has one rating: on site, or its applicant's online one (then the tablet has nothing to ask)
    if (case is not None and (await OnSiteRating.exists(case_id=case.id) or await Rating.exists(case_id=case.id))
            or ticket is not None and await OnSiteRating.exists(ticket_id=ticket.id)):
        errors.append(DUPLICATE)
    if errors:
        raise UserErrorsException(errors)
    staff_id = ticket.called_by_id if ticket is not None and ticket.called_by_id else clerk.id  # type: ignore[attr-defined]
    today = local_today()
    due = (await calendar_for(center)).add_working_days(today, RECTIFY_WORKING_DAYS).due if level <= 2 else None
    try:
        async with in_transaction():
            if case is not None:
                applicant = await User.get(id=case.applicant_id)  # type: ignore[attr-defined]
                await record_rating(case, level, reason if level <= 2 else "", applicant, reason_given=True, channel="on_site")
            row = await OnSiteRating.create(
                center=center, window_code=window_code, staff_id=staff_id, case=case, ticket=ticket, level=level,
                reason=reason if level <= 2 else "", at=now(),  # the product's clock, as the waits of the same figures
            )
            task = None
            if due is not None:
                task = await Rectification.create(center=center, rating=row, reason=reason, opened_on=today, due=due)
    except IntegrityError:
        raise UserErrorsException([DUPLICATE]) from None
    if task is not None:
        await announce(govhall, center, "hall_rectification_opened", rectification=task, rating=row)
    return await load_rating(row.id)


async def ratings_without_case(center: Any, since: datetime, until: datetime) -> list[dict[str, Any]]:
    """The tablet's ratings given in ``[since, until)`` of queue numbers served without a case (咨询), as
    the assessment's ``assessment_window_ratings`` takes them: for the window and the clerk who served.
    A case's rating is the core's and counts there already."""
    rows = await OnSiteRating.filter(center_id=center.id, case_id__isnull=True, at__gte=since, at__lt=until) \
        .select_related("ticket").order_by("at", "id")
    return [{"window": r.window_code, "staff": r.staff_id, "level": r.level,  # type: ignore[attr-defined]
             "label": f"{cn_date(r.ticket.day)}排队号{r.ticket.number}" if r.ticket else "现场评价"} for r in rows]


async def load_rating(rating_id: int) -> OnSiteRating:
    return await OnSiteRating.get(id=rating_id).select_related("case", "ticket", "staff")


async def rating_of_case(actor: Actor, center_code: str, case_id: Any) -> OnSiteRating | None:
    center = await floor_center(center_code)
    actor.require(center.id, "clerk", "head", "supervisor", "admin")
    # the supervisor knows the case by its number (LZ-20261129-000005), a client by its ID
    key = str(case_id).strip()
    case = None
    if key.isdigit():
        case = await Case.get_or_none(id=int(key), center_id=center.id) if int(key) < 2**31 else None
    elif key:
        case = await Case.get_or_none(number=typed_case_number(key), center_id=center.id)
    found = await OnSiteRating.get_or_none(center=center, case_id=case.id) if case is not None else None
    return await load_rating(found.id) if found else None


async def list_rectifications(actor: Actor, center_code: str, status: str | None = None) -> list[Rectification]:
    center = await floor_center(center_code)
    actor.require(center.id, "supervisor", "head", "admin")
    query = Rectification.filter(center=center)
    if status:
        query = query.filter(status=status)
    return list(await query.order_by("due", "id").select_related("rating", "rating__case", "rating__ticket", "rating__staff"))


async def _rectification(actor: Actor, rectification_id: Any) -> Rectification:
    found = await Rectification.get_or_none(id=int(rectification_id)) if str(rectification_id).isdigit() else None
    if found is None:
        raise NotFound("整改任务不存在")
    center = await found.center
    await floor_center(center.code)
    actor.require(center.id, "supervisor", "head")
    return found


async def rectify(actor: Actor, rectification_id: Any, measures: str) -> Rectification:
    """The supervisor records what was changed (整改措施)."""
    found = await _rectification(actor, rectification_id)
    if not 4 <= len(measures.strip()) <= 2000:
        raise UserErrorsException.single("required", "请填写整改措施（4至2000字）", "/measures")
    if not await Rectification.filter(id=found.id, status="open").update(status="rectified", measures=measures.strip()):
        raise UserErrorsException.single("state", "该整改任务已整改", "/rectification")
    return (await list_for_ids([found.id]))[0]


async def follow_up(actor: Actor, rectification_id: Any, note: str, satisfied: bool) -> Rectification:
    """回访: what the applicant said when called back; closes the task."""
    found = await _rectification(actor, rectification_id)
    user = actor.require_login()
    if not 4 <= len(note.strip()) <= 2000:
        raise UserErrorsException.single("required", "请填写回访记录（4至2000字）", "/note")
    if not await Rectification.filter(id=found.id, status="rectified").update(
        status="closed", follow_up=note.strip(), follow_up_satisfied=satisfied, followed_by_id=user.id,
        followed_at=clock_now(),
    ):
        raise UserErrorsException.single("state", "整改完成后才能回访（已回访的不能重复回访）", "/rectification")
    return (await list_for_ids([found.id]))[0]


async def list_for_ids(ids: list[int]) -> list[Rectification]:
    return list(await Rectification.filter(id__in=ids).select_related("rating", "rating__case", "rating__ticket", "rating__staff"))
