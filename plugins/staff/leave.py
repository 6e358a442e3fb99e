"""请假: a request from one half day to another, counted in working half days on the center's
calendar, routed by its length. A window's staff go to their window leader first; then the office
reviews; a leave of one day or less is approved by the supervision office, a longer one by the
center's leadership. Nobody decides their own leave. A step whose post falls vacant while a request
waits at it is decided by the next post up (:mod:`.approvers`), who is told (:mod:`.acting`). On
approval the person's open cases move to their AB岗 partner (and other plugins move theirs through
the ``staff_hand_over`` hook).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from tortoise.transactions import in_transaction

from core.api import (
    Actor, Center, Forbidden, GovHall, NotFound, User, UserError, UserErrorsException, Window, acall,
    calendar_for, hand_over_open_cases, WorkCalendar,
)
from core.api import now as clock_now

from .approvers import POST_LABELS, STEPS, Vacancies, deciding_post, holds, post_vacant, waiting_label
from .models import HALVES, LEAVE_KINDS, StaffRecord, LeaveRequest
from .register import is_overseer, record_of, staff_center
MAX_DAYS = 366
MIN_YEAR, MAX_YEAR = 2000, 2100  # the years the attendance sheets and standings take


def half_days(calendar: WorkCalendar, start: date, start_half: str, end: date, end_half: str) -> list[tuple[date, str]]:
    """The working half days from ``start``/``start_half`` to ``end``/``end_half``, both included."""
    out: list[tuple[date, str]] = []
    day = start
    while day <= end:
        if calendar.is_workday(day):
            for half in HALVES:
                if (day, half) >= (start, start_half) and (day, half) <= (end, end_half):
                    out.append((day, half))
        day += timedelta(days=1)
    return out


def route_for(record: StaffRecord, days: float) -> list[str]:
    """The approval steps: window leader (for a window's staff), office, then supervision for up to
    one day or leadership beyond."""
    steps = ["window"] if record.position == "window_staff" and record.window_id else []  # type: ignore[attr-defined]
    return [*steps, "office", "supervision" if days <= 1 else "leadership"]


@dataclass
class LeaveInput:
    kind: str
    start: date
    end: date
    start_half: str = "am"
    end_half: str = "pm"
    reason: str = ""


async def request_leave(actor: Actor, center_code: str, data: LeaveInput) -> LeaveRequest:
    center = await staff_center(center_code)
    user = actor.require_login()
    record = await record_of(center, user.id)
    if record is None:
        raise Forbidden("您不在本中心人员名册中，不能在此请假")
    errors: list[UserError] = []
    if data.kind not in LEAVE_KINDS:
        errors.append(UserError("unknown_kind", f"请假类别应为：{'、'.join(LEAVE_KINDS.values())}", "/kind"))
    for name, half in (("startHalf", data.start_half), ("endHalf", data.end_half)):
        if half not in HALVES:
            errors.append(UserError("unknown_half", "半天应为 am（上午）或 pm（下午）", f"/{name}"))
    if (data.end, data.end_half) < (data.start, data.start_half):
        errors.append(UserError("order", "结束时间不能早于开始时间", "/end"))
    elif (data.end - data.start).days > MAX_DAYS:
        errors.append(UserError("range", "一次请假不能超过一年", "/end"))
    elif not (MIN_YEAR <= data.start.year and data.end.year <= MAX_YEAR):  # 9999-12-31 has no next day to count to
        errors.append(UserError("range", f"请假日期应在{MIN_YEAR}年至{MAX_YEAR}年之间", "/start"))
    if record.partner_id is None:  # type: ignore[attr-defined]
        errors.append(UserError("no_partner", "请先在人员名册中确定AB岗顶岗人员，方可请假", None))
    units: list[tuple[date, str]] = []
    if not errors:
        units = half_days(
            calendar=await calendar_for(center),
            start=data.start,
            start_half=data.start_half,
            end=data.end,
            end_half=data.end_half,
        )
        if not units:
            errors.append(UserError("no_working_day", "所请时间内没有工作日", "/start"))
    if not errors and await _overlaps(center, user, units):
        errors.append(UserError("overlap", "与本人已有的请假时间重叠", "/start"))
    if errors:
        raise UserErrorsException(errors)
    days = len(units) / 2
    route = route_for(record, days)
    vacant = await _vacant_steps(center, record, route)
    if vacant:
        raise UserErrorsException(vacant)
    return await LeaveRequest.create(
        center=center, user=user, kind=data.kind, start=data.start, start_half=data.start_half, end=data.end,
        end_half=data.end_half, days=days, reason=data.reason.strip()[:500], route=route,
        created_at=clock_now(),
    )


async def _vacant_steps(center: Center, record: StaffRecord, route: list[str]) -> list[UserError]:
    """The steps of ``route`` nobody but the person asking could decide (``no_approver``): a new
    request is refused then, naming the post to register, so the register is put right before anyone
    relies on it. (A request already waiting when its post falls vacant goes up instead, see
    :mod:`.approvers`.)"""
    errors: list[UserError] = []
    for step in route:
        if not await post_vacant(center, step, record):
            continue
        whom = (f"本人所在窗口（{(await Window.get(id=record.window_id)).name}）的窗口负责人"  # type: ignore[attr-defined]
                if step == "window" else POST_LABELS[step] + "人员")
        errors.append(UserError("no_approver", f"人员名册中没有{whom}，请假单的“{STEPS[step]}”环节无人审批："
                                               "请先请管理员在人员名册中登记后再请假", None))
    return errors


async def _overlaps(center: Center, user: User, units: list[tuple[date, str]]) -> bool:
    wanted = set(units)
    rows = await LeaveRequest.filter(center_id=center.id, user_id=user.id, status__in=("pending", "approved"),
                                     start__lte=units[-1][0], end__gte=units[0][0])
    calendar = await calendar_for(center)
    return any(
        wanted
        & set(half_days(calendar=calendar, start=r.start, start_half=r.start_half, end=r.end, end_half=r.end_half))
        for r in rows
    )


async def may_decide(actor: Actor, center: Center, leave: LeaveRequest, vacancies: Vacancies | None = None) -> bool:
    """Whether the actor may decide the pending request's current step now: they hold the post
    that decides it (:func:`.approvers.deciding_post`: the step's own, or the next one up while it
    is vacant), and it is not their own leave."""
    if leave.status != "pending" or actor.user is None:
        return False
    return await holds(actor, center, leave, await deciding_post(center, leave, vacancies))


async def load_leave(leave_id: int | str) -> LeaveRequest:
    try:
        key = int(leave_id)
    except (TypeError, ValueError):
        raise NotFound("请假单不存在")
    leave = await LeaveRequest.get_or_none(id=key).select_related("center", "user")
    if leave is None:
        raise NotFound("请假单不存在")
    return leave


async def decide_leave(govhall: GovHall, actor: Actor, leave_id: int | str, approve: bool, comment: str = "") -> LeaveRequest:
    user = actor.require_login()
    leave = await load_leave(leave_id)
    center = await staff_center(leave.center.code)
    if leave.user_id == user.id:  # type: ignore[attr-defined]
        raise UserErrorsException.single("own_leave", "不能审批本人的请假", None)
    if leave.status != "pending":
        raise UserErrorsException.single("not_pending", f"该请假单{'已批准' if leave.status == 'approved' else '已结束'}，不能再审批", None)
    step = leave.route[leave.step]
    post = await deciding_post(center, leave)
    if not await holds(actor, center, leave, post):
        raise Forbidden(f"当前环节为“{waiting_label(step, post)}”，您不能审批")
    if not approve and not comment.strip():
        raise UserErrorsException.single("required", "不同意时请写明理由", "/comment")
    decision = {"step": step, "by": user.username, "name": user.display_name or user.username, "approve": approve,
                "comment": comment.strip()[:500], "at": clock_now().isoformat()}
    if post != step:  # decided for a vacant post: the post that did, on the record
        decision["post"] = post
    async with in_transaction():  # approved and handed over, or neither
        claimed = await LeaveRequest.filter(id=leave.id, status="pending", step=leave.step).update(
            step=leave.step + 1, decisions=[*leave.decisions, decision], acting_post_told=None,  # a new step: told anew
            status="refused" if not approve else ("approved" if leave.step + 1 == len(leave.route) else "pending"))
        if not claimed:
            raise UserErrorsException.single("conflict", "该请假单刚被他人处理，请刷新后重试", None)
        leave = await load_leave(leave.id)
        if leave.status == "approved":
            await hand_over(govhall, actor, center, leave)
    return leave


async def hand_over(govhall: GovHall, actor: Actor, center: Center, leave: LeaveRequest) -> None:
    """The approved leave's hand-over to the AB岗 partner: the core moves the open cases, other
    plugins move their own work (``staff_hand_over``)."""
    record = await record_of(center, leave.user_id)  # type: ignore[attr-defined]
    if record is None or record.partner_id is None:  # type: ignore[attr-defined]
        return
    partner = await User.get(id=record.partner_id)  # type: ignore[attr-defined]
    reason = f"{LEAVE_KINDS[leave.kind]}{leave.start.isoformat()}至{leave.end.isoformat()}，工作移交AB岗顶岗人员{partner.display_name or partner.username}"
    moved = await hand_over_open_cases(
        govhall=govhall, actor=actor, center=center, person=leave.user, partner=partner, reason=reason
    )
    await acall(govhall.hub.for_center(center).staff_hand_over, center=center, person=leave.user, partner=partner,
                start=leave.start, end=leave.end)
    await LeaveRequest.filter(id=leave.id).update(handed_over=len(moved))
    leave.handed_over = len(moved)


async def cancel_leave(actor: Actor, leave_id: int | str) -> LeaveRequest:
    user = actor.require_login()
    leave = await load_leave(leave_id)
    await staff_center(leave.center.code)
    if leave.user_id != user.id:  # type: ignore[attr-defined]
        raise Forbidden("只能撤回本人的请假")
    if not await LeaveRequest.filter(id=leave.id, status="pending").update(status="cancelled"):
        raise UserErrorsException.single("not_pending", "只有审批中的请假可以撤回", None)
    return await load_leave(leave.id)


async def list_leave(actor: Actor, center_code: str, status: str | None = None) -> list[LeaveRequest]:
    """Overseers see every request; others their own and those waiting for them."""
    center = await staff_center(center_code)
    user = actor.require_login()
    query = LeaveRequest.filter(center_id=center.id)
    if status:
        query = query.filter(status=status)
    rows = await query.select_related("center", "user").order_by("-start", "-id").limit(500)
    if await is_overseer(actor, center):
        return rows
    vacancies = Vacancies(center)
    return [r for r in rows if r.user_id == user.id  # type: ignore[attr-defined]
            or await may_decide(actor, center, r, vacancies)]


async def approved_halves(center: Center, start: date, end: date, user_ids: Iterable[int] | None = None
                          ) -> dict[int, dict[tuple[date, str], str]]:
    """Approved leave between two days: ``{user id: {(day, half): kind}}``."""
    query = LeaveRequest.filter(center_id=center.id, status="approved", start__lte=end, end__gte=start)
    if user_ids is not None:
        query = query.filter(user_id__in=list(user_ids))
    calendar = await calendar_for(center)
    out: dict[int, dict[tuple[date, str], str]] = {}
    for r in await query:
        for unit in half_days(
            calendar=calendar,
            start=max(r.start, start),
            start_half=r.start_half if r.start >= start else "am",
            end=min(r.end, end),
            end_half=r.end_half if r.end <= end else "pm",
        ):
            out.setdefault(r.user_id, {})[unit] = r.kind  # type: ignore[attr-defined]
    return out
