"""投诉: filing (supervisors record oral, phone, written... complaints; an applicant files one
about their own case online) and verification with a reply. A verified complaint feeds the rules
through ``verified_complaints`` and ``faulty_cases`` (:mod:`.facts`)."""

from __future__ import annotations

from dataclasses import dataclass

from core.api import (
    Actor,
    Case,
    Center,
    Complaint,
    Department,
    Forbidden,
    NotFound,
    RoleAssignment,
    User,
    UserError,
    UserErrorsException,
    Window,
    get_center,
    is_owner,
    load_visible_case,
    publish_event,
    require_plugin,
)
from tortoise.transactions import in_transaction

from .assess import ASSESSOR_ROLES, PLUGIN
from .facts import CHANNELS

WRITTEN_CHANNELS = ("written", "online")
MAX_TEXT = 2000
RELATED = ("case", "department", "window", "staff")


@dataclass(frozen=True)
class ComplaintInput:
    channel: str
    text: str
    case: str | None = None
    department: str | None = None
    window: str | None = None
    staff: str | None = None


def complaint_event(complaint: Complaint, case: Case | None) -> dict:
    """The outbox payload of ``complaint.filed`` / ``complaint.verified`` (docs/plugins.md)."""
    return {
        "complaint": {
            "id": complaint.id, "channel": complaint.channel, "text": complaint.text, "verified": complaint.verified,
            "reply": complaint.reply, "at": complaint.created_at.isoformat() if complaint.created_at else None,
        },
        "case": {"id": case.id, "number": case.number} if case is not None else None,
    }


async def load_complaint(key: int) -> Complaint:
    return await Complaint.get(id=key).select_related(*RELATED)


async def _case_of(actor: Actor, center: Center, key: str | None) -> Case | None:
    if not key:
        return None
    case = await load_visible_case(actor, key)
    if case.center_id != center.id:  # type: ignore[attr-defined]
        raise UserErrorsException.single("wrong_center", "该办件不属于本中心", "/case")
    return case


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
    if given.staff:
        user = await User.get_or_none(username=given.staff)
        if user is None or not await RoleAssignment.exists(user_id=user.id, center_id=center.id):
            errors.append(UserError("unknown_staff", f"本中心没有工作人员“{given.staff}”", "/staff"))
        else:
            found["staff_id"] = user.id
    return found, errors


async def file_complaint(actor: Actor, center_code: str, given: ComplaintInput) -> Complaint:
    """Record a complaint. Supervisors, heads and administrators record any; the applicant (or
    agent) of a case files a written complaint about it online."""
    center = await get_center(center_code)
    require_plugin(center, PLUGIN)
    actor.require_login()
    case = await _case_of(actor, center, given.case)
    assessor = actor.has(center.id, *ASSESSOR_ROLES)
    if not assessor and (case is None or not is_owner(actor, case)):
        raise Forbidden("只有督查科、首席代表、管理员或办件的申请人可以登记投诉")
    channel = given.channel if assessor else "online"
    errors: list[UserError] = []
    if channel not in CHANNELS:
        errors.append(UserError("channel", f"投诉渠道应为：{'、'.join(f'{k}（{v}）' for k, v in CHANNELS.items())}", "/channel"))
    text = given.text.strip()
    if not text or len(text) > MAX_TEXT:
        errors.append(UserError("required", f"请填写投诉内容（{MAX_TEXT}字以内）", "/text"))
    targets, problems = await _targets(center, given) if assessor else ({}, [])
    errors += problems
    if errors:
        raise UserErrorsException(errors)
    if case is not None and not targets.get("department_id"):
        targets["department_id"] = case.department_id  # type: ignore[attr-defined]
    async with in_transaction():  # the complaint and its outbox event commit together
        row = await Complaint.create(center_id=center.id, case=case, channel=channel, text=text, **targets)
        await publish_event("complaint.filed", center=center, payload=complaint_event(row, case), subject=case.number if case else "")
    return await load_complaint(row.id)


async def verify_complaint(actor: Actor, key: str, verified: bool, reply: str) -> Complaint:
    """Record the finding (属实 or not) and the reply; a written complaint needs a written reply."""
    try:
        complaint = await Complaint.get_or_none(id=int(key)).select_related("center")
    except (TypeError, ValueError):
        complaint = None
    if complaint is None:
        raise NotFound("投诉不存在")
    require_plugin(complaint.center, PLUGIN)
    actor.require(complaint.center.id, *ASSESSOR_ROLES)
    text = (reply or "").strip()
    if not text or len(text) > MAX_TEXT:
        what = "书面投诉须书面答复，请填写答复内容" if complaint.channel in WRITTEN_CHANNELS else "请填写核查结论"
        raise UserErrorsException.single("required", f"{what}（{MAX_TEXT}字以内）", "/reply")
    complaint.verified, complaint.reply = bool(verified), text
    async with in_transaction():
        await complaint.save(update_fields=["verified", "reply"])
        case = await Case.get_or_none(id=complaint.case_id) if complaint.case_id else None  # type: ignore[attr-defined]
        await publish_event("complaint.verified", center=complaint.center, payload=complaint_event(complaint, case), subject=case.number if case else "")
    return await load_complaint(complaint.id)


async def list_complaints(center: Center, pending: bool | None = None) -> list[Complaint]:
    """The center's complaints, newest first; ``pending``: only those without a reply yet."""
    query = Complaint.filter(center_id=center.id)
    if pending:
        query = query.filter(reply="")
    return await query.order_by("-id").select_related(*RELATED).limit(500)
