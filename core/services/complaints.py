"""投诉: a core service every center has, with or without an assessment plugin.

A complaint (口头、电话、书面、网上、12345热线、意见箱) is taken at the front desk or by the supervision
office, or filed online by the applicant about their own case. It names a case, a department, a window
and/or a person. It must be answered within the center's time limit (``settings.complaints.answerDays``
working days, default 5, on the center's calendar). The supervision office assigns it to someone,
escalates complex ones to the center's leadership (上报主任室), the handler replies (a written or online
complaint needs a written reply; an anonymous 12345 transfer or box note has nobody to reply to, and its
result is recorded for 公示 instead, which anyone reads without signing in during the 公示期,
``settings.complaints.publicityDays`` days, default 90: :func:`published_results`), anyone handling it
adds follow-up notes, and the supervision office decides, once and for good, whether it is
substantiated (属实/不属实).

Nobody handles a complaint about themselves: the person complained against (or anyone posted to the
department it names) cannot be assigned it, reply to it or verify it.

The approval center's rule 一次投诉查实通报，二次投诉查实下岗: the first substantiated complaint against a person
records a notice (通报); the second and later flag them for removal from the window (下岗), for the
center's decision (recorded by :mod:`core.services.complaint_removal`). Each is a step of the complaint
and a message to the center's supervisors and heads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any

from tortoise.transactions import in_transaction

from core.services.accounts import STAFF_ROLES, Actor
from core.services.cases import is_owner, load_visible_case, mask_identity, mask_mobile
from core.services.centers import get_center
from core.services import clock
from core.services.documents.kinds import cn_date
from core.plumbing.errors import Forbidden, NotFound, UserError, UserErrorsException, one_of
from core.services.outbox import events as outbox_events
from core.services.parties import account_name
from core.services.progress import typed_case_number
from core.services.notifications import send_internal
from core.plumbing.models import Case, Center, Complaint, ComplaintStep, Department, RoleAssignment, User, Window

CHANNELS: dict[str, str] = {
    "oral": "当面", "phone": "电话", "written": "书面", "online": "网上", "hotline": "12345热线", "box": "意见箱",
}
WRITTEN_CHANNELS = ("written", "online", "hotline", "box")
NAMED_CHANNELS = ("written",)
"""A letter (书面投诉) is answered by letter: it is taken only with who wrote it and where the answer goes
(an online complaint is its applicant's; a 12345 transfer or a note from the box may come unsigned)."""
UNSIGNED_CHANNELS = ("hotline", "box")
"""A 12345 transfer or a note from the box may come unsigned: taken without a complainant (or with
``ANONYMOUS`` typed), it is recorded as 匿名. A written reply has nobody to go to, so none is asked:
its handling ends with the result recorded for 公示 (the ``published`` step) instead."""
ANONYMOUS = "匿名"
INTAKE_ROLES = ("clerk", "supervisor", "head", "admin")
HANDLING_ROLES = ("supervisor", "head", "admin")
VERIFY_ROLES = ("supervisor",)
READ_ROLES = ("clerk", "supervisor", "head", "admin")
DEFAULT_ANSWER_DAYS = 5
DEFAULT_PUBLICITY_DAYS = 90
MAX_PUBLICITY_DAYS = 365
MAX_TEXT = 2000
RELATED = ("case", "department", "window", "staff", "assignee", "received_by", "verified_by")
ACTIONS = {
    "filed": "登记", "assigned": "分派", "escalated": "上报主任室", "replied": "答复", "published": "处理结果公示",
    "note": "跟踪处理",
    "verified": "核查", "notice": "通报", "removal": "建议下岗", "removed": "确认下岗", "retained": "不予下岗",
}
CONSEQUENCES = {"notice": "通报", "removal": "下岗（待中心决定）", "removed": "已确认下岗", "retained": "不予下岗"}


@dataclass(frozen=True)
class ComplaintInput:
    channel: str
    text: str
    case: str | None = None
    department: str | None = None
    window: str | None = None
    staff: str | None = None
    complainant: str = ""


@dataclass(frozen=True)
class Consequence:
    """A person's substantiated complaints in a center and what the approval center's rules makes of them."""

    staff: User
    count: int
    consequence: str
    complaint_ids: tuple[int, ...]


def answer_days(center: Center) -> int:
    """The center's time limit to answer a complaint, in working days."""
    value = ((center.settings or {}).get("complaints") or {}).get("answerDays", DEFAULT_ANSWER_DAYS)
    return value if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 60 else DEFAULT_ANSWER_DAYS


def publicity_days(center: Center) -> int:
    """How long an anonymous complaint's result stays published (公示期), in calendar days counting the
    day it was recorded: ``settings.complaints.publicityDays``, default 90."""
    value = ((center.settings or {}).get("complaints") or {}).get("publicityDays", DEFAULT_PUBLICITY_DAYS)
    ok = isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_PUBLICITY_DAYS
    return value if ok else DEFAULT_PUBLICITY_DAYS


def is_anonymous(row: Complaint) -> bool:
    """An unsigned 12345 transfer or box note (``UNSIGNED_CHANNELS``): nobody to reply to."""
    return row.channel in UNSIGNED_CHANNELS and (row.complainant or "").strip() in ("", ANONYMOUS)


def needs_written_reply(row: Complaint) -> bool:
    """书面投诉必须书面答复: a written, online, 12345 or box complaint, unless it is anonymous."""
    return row.channel in WRITTEN_CHANNELS and not is_anonymous(row)


def _reply_missing(row: Complaint, otherwise: str) -> str:
    """What to ask for when the reply (or, for an anonymous complaint, the result) is left empty."""
    if is_anonymous(row):
        return "匿名投诉无需书面答复，请填写处理结果，记录并公示"
    return "书面投诉须书面答复，请填写答复内容" if needs_written_reply(row) else otherwise


def stage(row: Complaint) -> str:
    """filed → assigned → escalated → replied → verified (the furthest reached)."""
    if row.verified_at is not None:
        return "verified"
    if row.replied_at is not None:
        return "replied"
    if row.escalated_at is not None:
        return "escalated"
    return "assigned" if row.assignee_id else "filed"  # type: ignore[attr-defined]


def is_overdue(row: Complaint, today: date | None = None) -> bool:
    """Not answered and past its time limit."""
    return row.replied_at is None and row.due_on is not None and (today or clock.local_today()) > row.due_on


async def load_complaint(key: Any) -> Complaint:
    try:
        number = int(key)
    except (TypeError, ValueError):
        number = 0
    row = await Complaint.get_or_none(id=number).select_related("center", *RELATED) if 0 < number < 2**31 else None
    if row is None:
        raise NotFound("投诉不存在")
    return row


async def _step(row: Complaint, actor: Actor | None, action: str, text: str = "") -> None:
    await ComplaintStep.create(complaint_id=row.id, actor=actor.user if actor else None, action=action, text=text,
                               at=clock.now())


async def _case_of(actor: Actor, center: Center, key: str | None) -> Case | None:
    """The case a complaint names: by its ID (a client, the case's page) or, as the complainant and
    the hall's staff know it, by its number (LZ-20261129-000003) in this center."""
    key = (key or "").strip()
    if not key:
        return None
    if not key.isdigit():
        found = await Case.get_or_none(number=typed_case_number(key), center_id=center.id)
        if found is None:
            raise UserErrorsException.single("unknown_case", f"本中心没有办件“{key}”，请核对办件编号", "/case")
        key = str(found.id)
    case = await load_visible_case(actor, key)
    if case.center_id != center.id:  # type: ignore[attr-defined]
        raise UserErrorsException.single("wrong_center", "该办件不属于本中心", "/case")
    return case


async def _center_staff(center: Center, given: str, path: str) -> User:
    """The member of the center's staff ``given`` names: their account, or their name as the
    complainant gives it (陈敏, or the whole display name 陈敏（连州综合窗口）) when one person has it."""
    given = given.strip()
    user = await User.get_or_none(username=given)
    if user is not None and await RoleAssignment.exists(user_id=user.id, center_id=center.id, role__in=sorted(STAFF_ROLES)):
        return user
    rows = await RoleAssignment.filter(center_id=center.id, role__in=sorted(STAFF_ROLES)).select_related("user") if given else []
    named = {r.user.id: r.user for r in rows if given in (r.user.display_name, account_name(r.user.display_name))}
    if len(named) > 1:
        accounts = "、".join(f"{u.display_name}：{u.username}" for u in sorted(named.values(), key=lambda u: u.username))
        raise UserErrorsException.single("ambiguous_staff", f"本中心有{len(named)}位工作人员名为“{given}”（{accounts}），请填写其账号", path)
    if not named:
        raise UserErrorsException.single("unknown_staff", f"本中心没有工作人员“{given}”，请填写其姓名或账号", path)
    return next(iter(named.values()))


async def _targets(center: Center, given: ComplaintInput) -> tuple[dict[str, int | None], list[UserError]]:
    """The department, window and staff member named by code, each checked against the center."""
    errors: list[UserError] = []
    found: dict[str, int | None] = {"department_id": None, "window_id": None, "staff_id": None}
    if given.department:
        row = await Department.get_or_none(center_id=center.id, code=given.department)
        found["department_id"] = row.id if row else None
        if row is None:
            errors.append(UserError("unknown_department", f"本中心没有部门“{given.department}”", "/department"))
    if given.window:
        window = await Window.get_or_none(center_id=center.id, code=given.window)
        found["window_id"] = window.id if window else None
        if window is None:
            errors.append(UserError("unknown_window", f"本中心没有窗口“{given.window}”", "/window"))
        elif not found["department_id"] and window.department_id:  # type: ignore[attr-defined]
            found["department_id"] = window.department_id  # type: ignore[attr-defined]
    if given.staff:
        try:
            found["staff_id"] = (await _center_staff(center, given.staff, "/staff")).id
        except UserErrorsException as exc:
            errors.extend(exc.errors)
    return found, errors


def _concerns(actor: Actor, row: Complaint) -> bool:
    """True when the complaint is about the actor: against them, or the window or department they are
    posted to."""
    user = actor.user
    if user is None:
        return False
    if row.staff_id == user.id:  # type: ignore[attr-defined]
        return True
    center = row.center_id  # type: ignore[attr-defined]
    if row.window_id and any(g.center_id == center and g.window_id == row.window_id for g in actor.grants):  # type: ignore[attr-defined]
        return True
    department = row.department_id  # type: ignore[attr-defined]
    return department is not None and department in actor.departments_for(center, *STAFF_ROLES)


def _not_about_self(actor: Actor, row: Complaint, what: str) -> None:
    if _concerns(actor, row):
        raise Forbidden(f"投诉涉及本人或本人所在部门，不能由本人{what}")


async def file_complaint(actor: Actor, center_code: str, given: ComplaintInput) -> Complaint:
    """Record a complaint. The front desk, supervisors, heads and administrators take any; the
    applicant (or agent) of a case files a written complaint about it online. A letter names its
    complainant and where to send the written reply (``NAMED_CHANNELS``)."""
    center = await get_center(center_code)
    user = actor.require_login()
    staff = actor.has(center.id, *INTAKE_ROLES)
    errors: list[UserError] = []
    try:
        case = await _case_of(actor, center, given.case)
    except UserErrorsException as exc:
        if not staff:
            raise
        case = None  # a mistyped number is named with every other problem of the form, not alone
        errors.extend(exc.errors)
    if not staff and (case is None or not is_owner(actor, case)):
        raise Forbidden("只有综合窗口、督查科、首席代表、管理员或办件的申请人可以登记投诉")
    channel = given.channel if staff else "online"
    if channel not in CHANNELS:
        errors.append(UserError("channel", f"投诉渠道应为：{one_of(CHANNELS)}", "/channel"))
    text = given.text.strip()
    if not text or len(text) > MAX_TEXT:
        errors.append(UserError("required", f"请填写投诉内容（{MAX_TEXT}字以内）", "/text"))
    complainant = (given.complainant or "").strip()
    unsigned = complainant in ("", ANONYMOUS)
    if len(complainant) > 64:
        errors.append(UserError("too_long", "投诉人及联系方式不能超过64字", "/complainant"))
    elif channel in NAMED_CHANNELS and unsigned:
        errors.append(UserError("required", "书面投诉须书面答复，请填写投诉人姓名及通讯地址或联系电话", "/complainant"))
    targets, problems = await _targets(center, given) if staff else ({}, [])
    errors += problems
    if errors:
        raise UserErrorsException(errors)
    if case is not None and not targets.get("department_id"):
        targets["department_id"] = case.department_id  # type: ignore[attr-defined]
    if not staff:
        complainant = complainant or user.display_name or user.username
    elif channel in UNSIGNED_CHANNELS and unsigned:
        complainant = ANONYMOUS
    calendar = await clock.calendar_for(center)
    due = calendar.add_working_days(clock.local_today(), answer_days(center)).due
    async with in_transaction():  # the complaint, its first step and its outbox event commit together
        row = await Complaint.create(
            center_id=center.id, case=case, channel=channel, text=text, complainant=complainant, received_by=user,
            due_on=due, created_at=clock.now(), **targets,
        )
        filed = (f"{CHANNELS[channel]}匿名投诉，无需书面答复，处理结果公示期限{cn_date(due)}" if is_anonymous(row)
                 else f"{CHANNELS[channel]}投诉，答复期限{cn_date(due)}")
        await _step(row, actor, "filed", filed)
        await outbox_events.publish("complaint.filed", center=center, payload=event_payload(row, case),
                                    subject=case.number if case else "")
    return await load_complaint(row.id)


def event_payload(complaint: Complaint, case: Case | None) -> dict[str, Any]:
    """The outbox payload of ``complaint.filed`` / ``complaint.published`` / ``complaint.verified``
    (docs/exchange.md; ``reply``: the reply, or an anonymous complaint's published result). ``anonymous``
    and ``writtenReply`` tell the platforms above (12345) that an unsigned complaint has nobody to answer
    in writing: its result is published (公示) instead. The complainant never leaves the hall."""
    return {
        "complaint": {
            "id": complaint.id, "channel": complaint.channel, "text": complaint.text, "verified": complaint.verified,
            "reply": complaint.reply, "at": complaint.created_at.isoformat() if complaint.created_at else None,
            "anonymous": is_anonymous(complaint), "writtenReply": needs_written_reply(complaint),
        },
        "case": {"id": case.id, "number": case.number} if case is not None else None,
    }


async def _handled(actor: Actor, key: Any, roles: tuple[str, ...] = HANDLING_ROLES) -> Complaint:
    row = await load_complaint(key)
    actor.require(row.center_id, *roles)  # type: ignore[attr-defined]
    return row


def _open(row: Complaint) -> None:
    if row.verified_at is not None:
        raise UserErrorsException.single("state", "该投诉已核查办结，不能再更改", None)


async def _still_open(row: Complaint, **changes: Any) -> None:
    """Write ``changes`` only while the complaint is not verified: a finding made since ``row`` was
    read (by another supervisor, at the same moment) is final, and the change is refused."""
    if not await Complaint.filter(id=row.id, verified_at__isnull=True).update(**changes):
        raise UserErrorsException.single("state", "该投诉已由他人核查办结，不能再更改", None)


def _text(value: str | None, message: str, path: str) -> str:
    text = (value or "").strip()
    if not text or len(text) > MAX_TEXT:
        raise UserErrorsException.single("required", f"{message}（{MAX_TEXT}字以内）", path)
    return text


async def assign_complaint(actor: Actor, key: Any, assignee: str) -> Complaint:
    """The supervision office (or the head) gives the complaint to a member of staff to handle."""
    row = await _handled(actor, key)
    _open(row)
    person = await _center_staff(row.center, (assignee or "").strip(), "/assignee")
    if person.id == row.staff_id or (  # type: ignore[attr-defined]
        row.department_id and await RoleAssignment.exists(  # type: ignore[attr-defined]
            user_id=person.id, center_id=row.center_id, department_id=row.department_id)):  # type: ignore[attr-defined]
        raise UserErrorsException.single("self", "不能把投诉分派给被投诉人或被投诉部门的人员办理", "/assignee")
    row.assignee = person
    async with in_transaction():
        await _still_open(row, assignee_id=person.id)
        await _step(row, actor, "assigned", f"分派给{person.display_name or person.username}")
    return await load_complaint(row.id)


async def escalate_complaint(actor: Actor, key: Any, note: str) -> Complaint:
    """上报主任室: a complex complaint (or one over two departments) goes to the center's leadership,
    who are told by an internal message; the time limit stands."""
    row = await _handled(actor, key, ("supervisor", "admin"))
    _open(row)
    text = _text(note, "请写明上报事由", "/note")
    if row.escalated_at is not None:
        raise UserErrorsException.single("state", "该投诉已上报主任室", None)
    row.escalated_at = clock.now()
    async with in_transaction():
        # one conditional update claims the escalation: of two supervisors escalating at once, one wins
        if not await Complaint.filter(id=row.id, escalated_at__isnull=True, verified_at__isnull=True).update(
                escalated_at=row.escalated_at):
            raise UserErrorsException.single("state", "该投诉已由他人上报主任室或已核查办结", None)
        await _step(row, actor, "escalated", text)
        await _notify(row, ("head", "admin"), f"【投诉上报】第{row.id}号投诉已上报主任室：{text}")
    return await load_complaint(row.id)


async def reply_complaint(actor: Actor, key: Any, reply: str) -> Complaint:
    """The answer to the complainant: by its handler, a supervisor, head or administrator; a written
    or online complaint gets a written reply (书面投诉必须书面答复). An anonymous one (``is_anonymous``)
    has nobody to answer: ``reply`` is its result, recorded for 公示 (step ``published``)."""
    row = await load_complaint(key)
    user = actor.require_login()
    if row.assignee_id != user.id:  # type: ignore[attr-defined]
        actor.require(row.center_id, *HANDLING_ROLES)  # type: ignore[attr-defined]
    _not_about_self(actor, row, "答复")
    _open(row)
    row.reply = _text(reply, _reply_missing(row, "请填写答复内容"), "/reply")
    row.replied_at = clock.now()
    async with in_transaction():  # the reply, its step and (公示) its outbox event commit together
        await _still_open(row, reply=row.reply, replied_at=row.replied_at)
        await _replied(row, actor)
    return await load_complaint(row.id)


def _reply_step(row: Complaint) -> str:
    """The step the reply is: ``replied``, or ``published`` (the result of an anonymous complaint)."""
    return "published" if is_anonymous(row) else "replied"


async def _replied(row: Complaint, actor: Actor) -> None:
    """Record the reply's step and tell the complainant; an anonymous complaint's result, shown to the
    public from now on, goes to the platforms above (12345) at once (``complaint.published``): they
    need not wait for the supervision office's finding."""
    step = _reply_step(row)
    await _step(row, actor, step, row.reply)
    await _tell_complainant(row)
    if step == "published":
        await outbox_events.publish("complaint.published", center=row.center_id, payload=event_payload(row, row.case),  # type: ignore[attr-defined]
                                    subject=row.case.number if row.case else "")


async def note_complaint(actor: Actor, key: Any, text: str) -> Complaint:
    """A follow-up note (跟踪处理): what was done, what the complainant was told."""
    row = await load_complaint(key)
    user = actor.require_login()
    if row.assignee_id != user.id:  # type: ignore[attr-defined]
        actor.require(row.center_id, *HANDLING_ROLES)  # type: ignore[attr-defined]
    _not_about_self(actor, row, "处理")
    await _step(row, actor, "note", _text(text, "请填写跟踪处理情况", "/text"))
    return await load_complaint(row.id)


async def verify_complaint(actor: Actor, key: Any, verified: bool, reply: str | None) -> Complaint:
    """The supervision office's finding, final once made; a complaint not yet answered is answered
    with ``reply`` in the same step. 属实 against a person records the approval center's consequence."""
    row = await _handled(actor, key, VERIFY_ROLES)
    _not_about_self(actor, row, "核查")
    _open(row)
    replying = row.replied_at is None or bool((reply or "").strip())
    if replying:
        row.reply = _text(reply, _reply_missing(row, "请填写核查结论"), "/reply")
        row.replied_at = row.replied_at or clock.now()
    row.verified, row.verified_at, row.verified_by = bool(verified), clock.now(), actor.user
    async with in_transaction():  # the finding, its consequence and its outbox event commit together
        # one conditional update claims the finding: of two supervisors deciding at once, one wins
        if not await Complaint.filter(id=row.id, verified_at__isnull=True).update(
                verified=row.verified, verified_at=row.verified_at, verified_by_id=actor.user.id,  # type: ignore[union-attr]
                reply=row.reply, replied_at=row.replied_at):
            raise UserErrorsException.single("state", "该投诉已由他人核查办结，不能再更改", None)
        if replying:
            await _replied(row, actor)
        await _step(row, actor, "verified", "属实" if verified else "不属实")
        if verified and row.staff_id:  # type: ignore[attr-defined]
            await _consequence(actor, row)
        await outbox_events.publish("complaint.verified", center=row.center_id, payload=event_payload(row, row.case),  # type: ignore[attr-defined]
                                    subject=row.case.number if row.case else "")
    return await load_complaint(row.id)


async def _consequence(actor: Actor, row: Complaint) -> None:
    count = await Complaint.filter(center_id=row.center_id, staff_id=row.staff_id, verified=True).count()  # type: ignore[attr-defined]
    kind = "notice" if count == 1 else "removal"
    row.consequence = kind
    await row.save(update_fields=["consequence"])
    name = row.staff.display_name or row.staff.username if row.staff else ""
    text = (f"{name}第1次被投诉查实，予以通报" if kind == "notice"
            else f"{name}第{count}次被投诉查实，建议下岗，待中心决定")
    await _step(row, actor, kind, text)
    await _notify(row, ("supervisor", "head", "admin"), f"【投诉查实】第{row.id}号投诉：{text}")


def filed_by_applicant(row: Complaint) -> bool:
    """Filed online by the case's applicant or agent themselves (not taken down by the hall's staff)."""
    case = row.case
    filer = row.received_by_id  # type: ignore[attr-defined]
    return case is not None and filer is not None and filer in (case.applicant_id, case.agent_id)  # type: ignore[attr-defined]


async def _tell_complainant(row: Complaint) -> None:
    """The written answer reaches the applicant who complained online: a message on their case."""
    if not filed_by_applicant(row):
        return
    text = f"您对办件{row.case.number}的投诉已答复：{row.reply}"  # type: ignore[union-attr]
    await send_internal(row.center_id, [row.received_by.username], text[:500], case_id=row.case.id)  # type: ignore[attr-defined,union-attr]


async def my_complaints(actor: Actor) -> list[Complaint]:
    """The complaints the signed-in applicant (or agent) filed online about their own cases, newest
    first, in every center: what they wrote, the time limit, and the written answer once given."""
    user = actor.require_login()
    rows = await Complaint.filter(received_by_id=user.id, case_id__isnull=False).order_by("-id").select_related(
        "center", "case").limit(200)
    return [row for row in rows if filed_by_applicant(row)]


async def _notify(row: Complaint, roles: tuple[str, ...], text: str) -> None:
    grants = await RoleAssignment.filter(center_id=row.center_id, role__in=roles).select_related("user")  # type: ignore[attr-defined]
    await send_internal(row.center_id, sorted({g.user.username for g in grants if g.user.active}), text)  # type: ignore[attr-defined]


async def list_complaints(actor: Actor, center_code: str, pending: bool | None = None) -> list[Complaint]:
    """The center's complaints, newest first, for its staff at the front desk and above; a handler
    also sees those assigned to them. ``pending``: only those not yet verified."""
    center = await get_center(center_code)
    user = actor.require_login()
    query = Complaint.filter(center_id=center.id)
    if not actor.has(center.id, *READ_ROLES):
        query = query.filter(assignee_id=user.id)
        if not actor.has(center.id, *STAFF_ROLES):
            raise Forbidden("只有本中心工作人员可以查看投诉")
    if pending:
        query = query.filter(verified_at__isnull=True)
    return await query.order_by("-id").select_related("center", *RELATED).limit(500)


async def steps_for(ids: list[int]) -> dict[int, list[ComplaintStep]]:
    """The steps of these complaints, oldest first, by complaint id (one query)."""
    found: dict[int, list[ComplaintStep]] = {key: [] for key in ids}
    if ids:
        for step in await ComplaintStep.filter(complaint_id__in=ids).order_by("id").select_related("actor"):
            found[step.complaint_id].append(step)  # type: ignore[attr-defined]
    return found


async def consequences(actor: Actor, center_code: str) -> list[Consequence]:
    """Everyone with a substantiated complaint in the center, most first: 通报 or 下岗."""
    center = await get_center(center_code)
    actor.require(center.id, *HANDLING_ROLES)
    rows = await Complaint.filter(center_id=center.id, verified=True, staff_id__not_isnull=True).order_by("id") \
        .select_related("staff")
    by_staff: dict[int, list[Complaint]] = {}
    for k in rows:
        by_staff.setdefault(k.staff_id, []).append(k)  # type: ignore[attr-defined]
    found = [Consequence(staff=ks[0].staff, count=len(ks), consequence="notice" if len(ks) == 1 else "removal",
                         complaint_ids=tuple(k.id for k in ks)) for ks in by_staff.values()]
    return sorted(found, key=lambda c: (-c.count, c.staff.username))


PUBLISHED_SHOWN = 30
PUBLISHED_RESULT_CHARS = 300
"""How much of a result the 公示 shows (staff may write up to 2,000 characters; the back office keeps all)."""
_IDENTIFYING_NUMBERS = re.compile(r"\d{17}[\dXx]|1[3-9]\d{9}")  # an identity number (18), a mobile number (11)


def public_result(text: str) -> str:
    """A complaint's result as the 公示 shows it: every identity number (17 digits and a digit or X)
    and mobile number (``1[3-9]`` and 9 digits) in it masked as elsewhere (:func:`mask_identity`,
    :func:`mask_mobile`: ``440181********123X``, ``139****2222``; in a longer run of digits too, e.g. after
    +86), then cut to ``PUBLISHED_RESULT_CHARS`` characters with …. Names cannot be told from the
    text: whoever records the result writes none."""
    masked = _IDENTIFYING_NUMBERS.sub(
        lambda m: mask_identity(m.group()) if len(m.group()) == 18 else mask_mobile(m.group()), text or "")
    return masked if len(masked) <= PUBLISHED_RESULT_CHARS else masked[: PUBLISHED_RESULT_CHARS - 1] + "…"


@dataclass(frozen=True)
class PublishedResult:
    """An anonymous complaint's result as the public reads it (公示): what it concerned, never who
    complained, who was complained against or what they wrote."""

    id: int
    category: str
    subject: str
    published_on: date
    result: str
    finding: str | None


async def published_results(center_code: str) -> list[PublishedResult]:
    """The results of the center's anonymous complaints (``is_anonymous``) still within their 公示期
    (recorded within the last ``publicity_days``, today counted), the latest ``PUBLISHED_SHOWN``
    recorded first: the 公示 their handling ends with, readable without signing in. The subject is the
    department and window named (the center's own when none), never the person; the result is
    :func:`public_result` of what was recorded."""
    center = await get_center(center_code)
    since = clock.local_midnight(clock.local_today() - timedelta(days=publicity_days(center) - 1))
    rows = await Complaint.filter(
        center_id=center.id, channel__in=UNSIGNED_CHANNELS, complainant__in=["", ANONYMOUS],
        replied_at__gte=since.astimezone(timezone.utc),  # SQLite compares UTC text
    ).select_related("department", "window").order_by("-replied_at", "-id").limit(PUBLISHED_SHOWN)
    return [
        PublishedResult(
            id=row.id, category=f"{CHANNELS[row.channel]}投诉",
            subject="·".join(x.name for x in (row.department, row.window) if x is not None) or center.name,
            published_on=row.replied_at.astimezone(clock.CENTER_TZ).date(),  # type: ignore[union-attr]
            result=public_result(row.reply), finding=("属实" if row.verified else "不属实") if row.verified_at else None,
        )
        for row in rows if is_anonymous(row)
    ]


async def verified_complaints(center: Center, since: datetime, until: datetime) -> list[Complaint]:
    """Substantiated complaints filed in ``[since, until)``, oldest first, with ``case`` loaded."""
    since, until = since.astimezone(timezone.utc), until.astimezone(timezone.utc)  # SQLite compares UTC text
    return await Complaint.filter(
        center_id=center.id, verified=True, created_at__gte=since, created_at__lt=until
    ).select_related("case").order_by("id")
