"""督办 and 催办: the supervision office (or the head) presses a department on a case. 催办 is a
reminder to the person responsible; 督办 is a supervision notice to the department, with what must be
done. Both are recorded on the case (its audit log) and sent to the people concerned as internal
messages (``Notification`` with channel ``internal``), which they read among their messages
(:func:`staff_messages`) and answer with how the case stands (:func:`answer_supervision`, 督办反馈:
recorded on the case too, and sent to whoever pressed last)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from core.services.accounts import STAFF_ROLES, Actor
from core.services.cases import record_case_event
from core.services.centers import get_center
from core.services.notifications import send_internal
from core.plumbing.errors import NotFound, UserError, UserErrorsException
from core.plumbing.models import Case, CaseEvent, Notification, RoleAssignment, User

KINDS = {"urge": "催办", "supervise": "督办"}
REPLY = "supervision_reply"
LABELS = {**KINDS, REPLY: "督办反馈"}
ROLES = ("supervisor", "head", "admin")
TEXT_MAX = 500
MESSAGES_MAX = 200


@dataclass(frozen=True)
class Notice:
    case: Case
    event: CaseEvent
    kind: str
    department: str
    recipients: list[str]


async def _recipients(case: Case) -> list[User]:
    """The person responsible, then the department's reviewers (or everyone deciding, when none)."""
    people: list[User] = []
    if case.responsible_id:  # type: ignore[attr-defined]
        people.append(await User.get(id=case.responsible_id))  # type: ignore[attr-defined]
    if case.department_id:  # type: ignore[attr-defined]
        rows = await RoleAssignment.filter(center_id=case.center_id, role="reviewer", department_id=case.department_id).select_related("user")  # type: ignore[attr-defined]
        people += [r.user for r in rows]
    seen: set[int] = set()
    return [p for p in people if p.active and not (p.id in seen or seen.add(p.id))]  # type: ignore[func-returns-value]


async def _case(case_id: Any) -> Case:
    try:
        key = int(case_id)
    except (TypeError, ValueError):
        raise NotFound("办件不存在") from None
    case = await Case.get_or_none(id=key).select_related("department", "item_version")
    if case is None:
        raise NotFound("办件不存在")
    return case


async def supervise_case(govhall: Any, actor: Actor, case_id: Any, kind: str, text: str) -> Notice:
    """Record a 催办 or 督办 on an open case and message the people concerned; all problems at once."""
    case = await _case(case_id)
    actor.require(case.center_id, *ROLES)  # type: ignore[attr-defined]
    text = (text or "").strip()
    errors: list[UserError] = []
    if kind not in KINDS:
        errors.append(UserError("enum", "督办方式应为 urge（催办）或 supervise（督办）", "/kind"))
    if kind == "supervise" and not text:
        errors.append(UserError("required", "督办须写明督办事项和办结要求", "/text"))
    if len(text) > TEXT_MAX:
        errors.append(UserError("too_long", f"内容不能超过{TEXT_MAX}字", "/text"))
    if case.completed_at is not None:
        errors.append(UserError("state", f"办件{case.number}已办结，无需{KINDS.get(kind, '督办')}", None))
    if errors:
        raise UserErrorsException(errors)
    label = KINDS[kind]
    department = case.department.name if case.department else ""
    people = await _recipients(case)
    names = [p.display_name or p.username for p in people]
    message = f"【{label}】办件{case.number}（{case.item_version.name}，申请人{case.applicant_name}）" + (f"：{text}" if text else "：请抓紧办理。")

    async def notify(_: Case) -> dict[str, Any]:
        await send_internal(case.center_id, [p.username for p in people], message, case_id=case.id)  # type: ignore[attr-defined]
        return {}

    event = await record_case_event(
        govhall, actor, case, kind, comment=text or "请抓紧办理",
        changes={"notice": label, "department": department, "to": names}, work=notify,
    )
    return Notice(case=case, event=event, kind=kind, department=department, recipients=names)


async def _own_notice(actor: Actor, case: Case, pressed: CaseEvent) -> bool:
    """True when the actor sent the 催办/督办 being answered and is not himself on the case's handling
    side (its responsible person or one of its department's reviewers): the notice is answered by
    those it was sent to, and the answer goes back to its sender, never to himself."""
    user = actor.user
    if user is None or pressed.actor_id != user.id:  # type: ignore[attr-defined]
        return False
    return all(p.id != user.id for p in await _recipients(case))


async def answer_supervision(govhall: Any, actor: Actor, case_id: Any, text: str) -> Notice:
    """督办反馈: a member of the case's center staff says how the case stands after a 催办 or 督办;
    recorded on the case and sent to the one who pressed last. The one who pressed answers not his
    own notice (``own_notice``), unless he is on the case's handling side. All problems at once."""
    case = await _case(case_id)
    actor.require(case.center_id, *STAFF_ROLES)  # type: ignore[attr-defined]
    text = (text or "").strip()
    errors: list[UserError] = []
    if not text:
        errors.append(UserError("required", "请填写办理情况", "/text"))
    if len(text) > TEXT_MAX:
        errors.append(UserError("too_long", f"内容不能超过{TEXT_MAX}字", "/text"))
    pressed = await CaseEvent.filter(case_id=case.id, action__in=list(KINDS)).order_by("-seq").first().select_related("actor")
    if pressed is None:
        errors.append(UserError("state", f"办件{case.number}没有催办或督办，无需反馈", None))
    elif await _own_notice(actor, case, pressed):
        label = KINDS.get(pressed.action, "督办")
        errors.append(UserError("own_notice", f"该{label}是您本人发出的，应由办件的承办人员或承办部门反馈办理情况", None))
    if errors:
        raise UserErrorsException(errors)
    assert pressed is not None
    sender = [pressed.actor] if pressed.actor is not None and pressed.actor.active else []
    names = [p.display_name or p.username for p in sender]
    message = f"【督办反馈】办件{case.number}（{case.item_version.name}）：{text}（{actor.name}）"

    async def notify(_: Case) -> dict[str, Any]:
        await send_internal(case.center_id, [p.username for p in sender], message, case_id=case.id)  # type: ignore[attr-defined]
        return {}

    event = await record_case_event(
        govhall, actor, case, REPLY, comment=text, changes={"notice": LABELS[REPLY], "to": names}, work=notify,
    )
    return Notice(case=case, event=event, kind=REPLY, department=case.department.name if case.department else "", recipients=names)


@dataclass(frozen=True)
class Message:
    """An internal message to a member of staff (a 催办, a 督办, a 督办反馈, a complaint given to them), with its case, if any."""

    id: int
    case_id: int | None
    case_number: str
    text: str
    at: datetime


async def staff_messages(actor: Actor, center_code: str, first: int = 50) -> list[Message]:
    """The signed-in user's internal messages in the center, newest first, whatever their role there:
    whoever a message was sent to reads it (a plugin may write to people its own register puts in a post,
    such as the staff plugin's office or leadership, who need hold no core staff role), and nobody reads
    anyone else's."""
    center = await get_center(center_code)
    user = actor.require_login()
    rows = await Notification.filter(center_id=center.id, channel="internal", recipient=user.username).order_by("-id").limit(
        max(1, min(first, MESSAGES_MAX)))
    case_ids = {r.case_id for r in rows if r.case_id}  # type: ignore[attr-defined]
    numbers = dict(await Case.filter(id__in=case_ids).values_list("id", "number")) if case_ids else {}
    return [Message(id=r.id, case_id=r.case_id, case_number=numbers.get(r.case_id, ""), text=r.text, at=r.created_at)  # type: ignore[attr-defined]
            for r in rows]
