"""流转交接: handing a case's file from the front desk to a department's back office, and from the
back office to the unified pickup window; receiving it; listing what waits to be received.

Each hand-over and each receipt is a line of the case's audit log (``handover``,
``receive_handover``), written with the core's :func:`core.services.cases.record_case_event`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tortoise.expressions import Q

from core.api import (
    Actor,
    Case,
    CaseEvent,
    CaseTask,
    Department,
    Document,
    Forbidden,
    NotFound,
    UserError,
    UserErrorsException,
    applicant_recipient,
    get_center,
    load_visible_case,
    received_list,
    record_case_event,
    require_plugin,
    send_sms,
)
from core.api import now as clock_now

from .models import DEPARTMENT_TO_PICKUP, FRONT_DESK_TO_DEPARTMENT, HandOver
from .rules import checklist_errors, checklist_record
from .sms import ready_text

PLUGIN = "one_window"
STAGE_LABELS = {FRONT_DESK_TO_DEPARTMENT: "综合窗口→后台部门", DEPARTMENT_TO_PICKUP: "后台部门→统一出件窗口"}
RESULT_KINDS = ("approval_decision", "refusal_decision", "certificate", "reply_notice")
MAX_MATERIALS = 50


def _error(code: str, message: str, path: str | None = None) -> UserErrorsException:
    return UserErrorsException.single(code, message, path)


def _materials(given: Sequence[str] | None) -> list[str] | None:
    if given is None:
        return None
    names = [str(m).strip() for m in given]
    if len(names) > MAX_MATERIALS:
        raise _error("too_many", f"一次交接的材料不能超过{MAX_MATERIALS}项", "/materials")
    empty = [UserError("required", f"第{i + 1}项材料名称为空", f"/materials/{i}") for i, n in enumerate(names) if not n]
    if empty:
        raise UserErrorsException(empty)
    return names


async def _front_desk_materials(case: Case) -> list[str]:
    """By default: what the case actually has and how (uploaded, originals and copies received)."""
    return [f"{row['name']}（{row['copies']}）" for row in await received_list(case, case.item_version.definition)]


async def _result_documents(case: Case) -> list[str]:
    """By default: the decision and certificate the back office issued."""
    rows = await Document.filter(case_id=case.id, kind__in=RESULT_KINDS).order_by("id").values_list("title", "number")
    return [f"{title}（{number}）" for title, number in rows]


async def _checked_at_front_desk(case: Case) -> bool:
    """Accepted with the checklist ticked, or the checklist came with an earlier hand-over."""
    if await CaseEvent.exists(case_id=case.id, action__in=["accept", "finish_on_spot"]):
        return True
    changes = await CaseEvent.filter(case_id=case.id, action="handover").values_list("changes", flat=True)
    return any(isinstance(c, dict) and "checklist" in c for c in changes)


async def _check_front_desk(
    actor: Actor, case: Case, code: str, checklist: list[str] | None, originals_checked: bool | None
) -> tuple[Department, dict[str, Any] | None]:
    if not actor.has(case.center_id, "clerk", "head"):  # type: ignore[attr-defined]
        raise Forbidden("只有综合窗口受理人员或首席代表可以将办件移交后台部门")
    if case.state != "under_review":
        raise _error("state", "办件受理后（审查中）才能移交后台部门", "/id")
    definition = case.item_version.definition
    allowed = list(dict.fromkeys([definition["department"], *definition.get("jointDepartments", [])]))
    departments = {d.code: d for d in await Department.filter(center_id=case.center_id, code__in=allowed)}  # type: ignore[attr-defined]
    if code not in departments:
        names = "、".join(f"{departments[c].name}（{c}）" for c in allowed if c in departments)
        raise _error("wrong_department", f"该事项只能移交给办理部门：{names}；不能移交给“{code}”", "/toDepartment")
    department = departments[code]
    if await HandOver.exists(case_id=case.id, stage=FRONT_DESK_TO_DEPARTMENT, to_department_id=department.id):
        raise _error("already_handed", f"该办件已移交{department.name}，无需重复移交", "/toDepartment")
    record = None
    if not await _checked_at_front_desk(case):  # a supplement case: accepted when the applicant supplied
        errors = checklist_errors(definition, checklist, originals_checked)
        if errors:
            raise UserErrorsException(errors)
        record = checklist_record(definition, checklist or [], bool(originals_checked))
    return department, record


async def _check_to_pickup(govhall: Any, actor: Actor, case: Case) -> None:
    center_id = case.center_id  # type: ignore[attr-defined]
    task_departments = set(await CaseTask.filter(case_id=case.id).values_list("department_id", flat=True))
    deciders = {case.department_id, *task_departments}  # type: ignore[attr-defined]
    reviewer = any(actor.has(center_id, "reviewer", department_id=d) for d in deciders if d)
    at_window = case.kind == "immediate" and actor.has(center_id, "clerk")
    if not (actor.has(center_id, "head") or reviewer or at_window):
        raise Forbidden("只有办理部门的审批人员或首席代表可以将办理结果移交出件窗口")
    process = govhall.processes.get(case.process)
    if not process.is_completed(case.state):
        raise _error("state", f"办件当前状态为“{process.state_label(case.state)}”，办结后才能移交统一出件窗口", "/id")
    if await HandOver.exists(case_id=case.id, stage=DEPARTMENT_TO_PICKUP):
        raise _error("already_handed", "办理结果已移交统一出件窗口，无需重复移交", "/toPickup")


async def hand_over(
    govhall: Any,
    actor: Actor,
    case_id: Any,
    *,
    to_department: str | None = None,
    to_pickup: bool = False,
    materials: Sequence[str] | None = None,
    comment: str = "",
    checklist: list[str] | None = None,
    originals_checked: bool | None = None,
) -> HandOver:
    """Record one hand-over (front desk → department, or back office → pickup window)."""
    case = await load_visible_case(actor, case_id)
    require_plugin(case.center, PLUGIN)
    user = actor.require_login()
    if bool(to_pickup) == bool(to_department):
        raise _error("required", "请选择移交的后台部门（toDepartment）或统一出件窗口（toPickup）之一", "/toDepartment")
    names = _materials(materials)
    department, record = None, None
    if to_pickup:
        await _check_to_pickup(govhall, actor, case)
        names = names if names is not None else await _result_documents(case)
    else:
        department, record = await _check_front_desk(actor=actor, case=case, code=str(to_department), checklist=checklist, originals_checked=originals_checked)
        names = names if names is not None else await _front_desk_materials(case)
    created: list[HandOver] = []

    async def work(locked: Case) -> dict[str, Any]:
        row = await HandOver.create(
            case_id=locked.id, stage=DEPARTMENT_TO_PICKUP if to_pickup else FRONT_DESK_TO_DEPARTMENT,
            from_user_id=user.id, to_department_id=department.id if department else None, to_pickup=bool(to_pickup),
            materials=names, comment=comment, handed_at=clock_now(),
        )
        created.append(row)
        shown: dict[str, Any] = {"handover": {
            "id": row.id, "stage": row.stage, "to": department.code if department else "pickup",
            "toName": department.name if department else "统一出件窗口", "materials": names,
        }}
        if record is not None:
            shown["checklist"] = record
        return shown

    await record_case_event(govhall, actor, case, "handover", comment=comment, work=work)
    return created[0]


def refusal_to_receive(actor: Actor, center_id: int, row: HandOver) -> str | None:
    """Why ``actor`` may not sign for the hand-over ``row`` (its ``to_department`` loaded), or None:
    a result is signed for by the pickup window, a file by the receiving department's reviewers;
    the head may sign for either."""
    if row.stage == DEPARTMENT_TO_PICKUP:
        return None if actor.has(center_id, "pickup", "head") else "只有统一出件窗口人员可以签收办理结果"
    if actor.has(center_id, "head") or actor.has(center_id, "reviewer", department_id=row.to_department_id):  # type: ignore[attr-defined]
        return None
    return f"只有{row.to_department.name}的审批人员可以签收移交给该部门的办件"


async def receive_handover(govhall: Any, actor: Actor, handover_id: Any) -> HandOver:
    """The receiving side signs for the file; the pickup window's receipt texts the applicant."""
    try:
        key = int(handover_id)
    except (TypeError, ValueError):
        raise NotFound("交接记录不存在")
    row = await HandOver.get_or_none(id=key).select_related("to_department")
    if row is None:
        raise NotFound("交接记录不存在")
    case = await load_visible_case(actor, row.case_id)  # type: ignore[attr-defined]
    require_plugin(case.center, PLUGIN)
    user = actor.require_login()
    if refused := refusal_to_receive(actor, case.center_id, row):  # type: ignore[attr-defined]
        raise Forbidden(refused)
    if row.received_at is not None:
        raise _error("already_received", "该交接已签收，无需重复签收", "/id")

    async def work(locked: Case) -> dict[str, Any]:
        now = clock_now()
        done = await HandOver.filter(id=row.id, received_at__isnull=True).update(received_by_id=user.id, received_at=now)
        if not done:
            raise _error("already_received", "该交接已签收，无需重复签收", "/id")
        row.received_by_id, row.received_at = user.id, now  # type: ignore[attr-defined]
        to = row.to_department.code if row.to_department else "pickup"
        return {"handover": {"id": row.id, "stage": row.stage, "to": to}}

    await record_case_event(govhall, actor, case, "receive_handover", work=work)
    if row.stage == DEPARTMENT_TO_PICKUP:
        text = ready_text(case.center, case, case.item_version.name)
        await send_sms(govhall, case.center, await applicant_recipient(case), text, case=case)
    return row


async def pending_handovers(actor: Actor, center_code: str) -> list[HandOver]:
    """Hand-overs not yet received, oldest first: all of them for the supervisor and the head (督查);
    a reviewer's 待签收 queue (to their departments); the pickup window's (to the pickup window)."""
    center = await get_center(center_code)
    require_plugin(center, PLUGIN)
    actor.require(center.id, "supervisor", "head", "reviewer", "pickup")
    query = HandOver.filter(case__center_id=center.id, received_at__isnull=True)
    if not actor.has(center.id, "supervisor", "head"):
        mine: list[Q] = []
        if actor.has(center.id, "pickup"):
            mine.append(Q(stage=DEPARTMENT_TO_PICKUP))
        departments = actor.departments_for(center.id, "reviewer")
        if None in departments:
            mine.append(Q(stage=FRONT_DESK_TO_DEPARTMENT))
        elif departments:
            mine.append(Q(stage=FRONT_DESK_TO_DEPARTMENT, to_department_id__in=[d for d in departments if d]))
        if not mine:
            return []
        query = query.filter(Q(*mine, join_type="OR"))
    return await query.order_by("handed_at", "id").select_related("case", "to_department", "from_user", "received_by")


async def load_handover(handover_id: int) -> HandOver:
    """One hand-over with what its GraphQL type shows."""
    return await HandOver.get(id=handover_id).select_related("case", "to_department", "from_user", "received_by")


async def case_handovers(actor: Actor, case_id: Any) -> list[HandOver]:
    case = await load_visible_case(actor, case_id)
    require_plugin(case.center, PLUGIN)
    return await HandOver.filter(case_id=case.id).order_by("id").select_related(
        "case", "to_department", "from_user", "received_by"
    )
