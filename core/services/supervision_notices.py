"""督办 and 催办: the supervision office (or the head) presses a department on a case. 催办 is a
reminder to the person responsible; 督办 is a supervision notice to the department, with what must be
done. Both are recorded on the case (its audit log) and sent to the people concerned as internal
messages (``Notification`` with channel ``internal``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.services.accounts import Actor
from core.services.cases import record_case_event
from core.plumbing.errors import NotFound, UserError, UserErrorsException
from core.plumbing.models import Case, CaseEvent, Notification, RoleAssignment, User

KINDS = {"urge": "催办", "supervise": "督办"}
ROLES = ("supervisor", "head", "admin")
TEXT_MAX = 500


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


async def supervise_case(govhall: Any, actor: Actor, case_id: Any, kind: str, text: str) -> Notice:
    """Record a 催办 or 督办 on an open case and message the people concerned; all problems at once."""
    try:
        key = int(case_id)
    except (TypeError, ValueError):
        raise NotFound("办件不存在") from None
    case = await Case.get_or_none(id=key).select_related("department", "item_version")
    if case is None:
        raise NotFound("办件不存在")
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
        for p in people:
            await Notification.create(center_id=case.center_id, case_id=case.id, channel="internal", recipient=p.username, text=message)  # type: ignore[attr-defined]
        return {}

    event = await record_case_event(
        govhall, actor, case, kind, comment=text or "请抓紧办理",
        changes={"notice": label, "department": department, "to": names}, work=notify,
    )
    return Notice(case=case, event=event, kind=kind, department=department, recipients=names)
