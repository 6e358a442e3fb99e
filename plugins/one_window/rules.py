"""What one_window adds to the core's transitions: the front-desk checklist, the hand-over
checks before a department decides or the pickup window hands a result out, and what the audit
log records (checklist ticks, 首问负责, the pickup)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.api import (
    Actor, Case, CaseTask, Department, TransitionContext, User, UserError, applicant_recipient, code_text, send_sms,
    task_for_actor,
)
from core.api import now as clock_now

from .models import DEPARTMENT_TO_PICKUP, FRONT_DESK_TO_DEPARTMENT, HandOver, PickupRecord
from .sms import courier_text

CHECKLIST_ACTIONS = frozenset({"accept", "finish_on_spot"})
DECISION_ACTIONS = frozenset({"approve", "refuse", "approve_task", "refuse_task", "request_survey"})
TASK_ACTIONS = frozenset({"approve_task", "refuse_task"})
FRONT_DESK_ACTIONS = frozenset({"accept", "finish_on_spot", "request_materials", "return", "reply"})
ACCEPTING_ACTIONS = frozenset({"accept", "finish_on_spot"})


# --- the checklist (审查要点) ---------------------------------------------------------------------


def needs_originals_check(definition: Mapping[str, Any]) -> bool:
    """An item with copies among its materials: the clerk checks them against the originals."""
    return any(int(m.get("copies") or 0) > 0 for m in definition.get("materials", []))


def checklist_errors(definition: Mapping[str, Any], ticked: Any, originals_checked: Any) -> list[UserError]:
    """Every unticked point, unknown codes, and the originals tick: all at once (一次性告知)."""
    errors: list[UserError] = []
    if ticked is None:
        ticked = []
    if not isinstance(ticked, list):
        errors.append(UserError("type", "审查要点应为要点编码的列表", "/checklist"))
        ticked = []
    points = definition.get("checklist", [])
    known = {p["code"] for p in points}
    for i, code in enumerate(ticked):
        if code not in known:
            errors.append(UserError("enum", f"本事项没有编码为“{code}”的审查要点", f"/checklist/{i}"))
    for point in points:
        if point["code"] not in ticked:
            errors.append(UserError("checklist", f"未勾选审查要点：{point['text']}", "/checklist"))
    if needs_originals_check(definition) and originals_checked is not True:
        errors.append(UserError("originals", "请核对原件与复印件是否一致，并勾选“原件与复印件核对”", "/originalsChecked"))
    return errors


def checklist_record(definition: Mapping[str, Any], ticked: list[str], originals_checked: bool) -> dict[str, Any]:
    """What the audit event shows of the front desk's check."""
    return {
        "ticked": [p["code"] for p in definition.get("checklist", []) if p["code"] in ticked],
        "points": [p["text"] for p in definition.get("checklist", []) if p["code"] in ticked],
        "originalsChecked": bool(originals_checked),
    }


# --- hand-over checks -----------------------------------------------------------------------------


async def deciding_department(ctx: TransitionContext) -> int | None:
    """The department whose back office decides: a joint case's task, else the case's own."""
    if ctx.transition.action in TASK_ACTIONS:
        task = await task_for_actor(ctx)
        return task.department_id if task else None  # type: ignore[attr-defined]
    own = {d for d in ctx.actor.departments_for(ctx.center.id, "reviewer") if d}
    if own and ctx.case.department_id not in own:  # type: ignore[attr-defined]
        tasks = await CaseTask.filter(case_id=ctx.case.id, department_id__in=own).values_list("department_id", flat=True)
        if tasks:
            return int(tasks[0])
    return ctx.case.department_id  # type: ignore[attr-defined]


async def department_received(case_id: int, department_id: int) -> list[UserError]:
    rows = await HandOver.filter(case_id=case_id, stage=FRONT_DESK_TO_DEPARTMENT, to_department_id=department_id)
    if any(r.received_at for r in rows):
        return []
    department = await Department.get(id=department_id)
    if rows:
        message = f"{department.name}尚未签收综合窗口移交的办件材料，请先签收（流转交接）"
    else:
        message = f"综合窗口尚未将办件移交{department.name}（流转交接），后台不能审批"
    return [UserError("handover_pending", message, None)]


async def pickup_received(case_id: int) -> list[UserError]:
    rows = await HandOver.filter(case_id=case_id, stage=DEPARTMENT_TO_PICKUP)
    if any(r.received_at for r in rows):
        return []
    message = "统一出件窗口尚未签收办理结果，请先签收（流转交接）" if rows else "办理结果尚未移交统一出件窗口（流转交接），不能出件"
    return [UserError("handover_pending", message, None)]


async def pickup_status(case_id: int) -> dict[str, Any]:
    """Whether the result has reached the unified pickup window (signed for there), and when."""
    received = await HandOver.filter(case_id=case_id, stage=DEPARTMENT_TO_PICKUP, received_at__not_isnull=True) \
        .order_by("received_at").first()
    return {"ready": received is not None, "at": received.received_at if received else None}


async def guard(ctx: TransitionContext) -> list[UserError]:
    action = ctx.transition.action
    if action in CHECKLIST_ACTIONS:
        return checklist_errors(ctx.item.definition, ctx.params.get("checklist"), ctx.params.get("originalsChecked"))
    if action in DECISION_ACTIONS:
        department_id = await deciding_department(ctx)
        return await department_received(ctx.case.id, department_id) if department_id else []
    if action == "deliver":
        return await pickup_received(ctx.case.id)
    return []


async def blocked(case: Case, action: str, actor: Actor) -> str | None:
    """Why :func:`guard` would refuse ``action`` now whatever is filled in, for the case page: a
    result not yet handed to (or signed for by) the pickup window, or a case the deciding
    department has not signed for. A joint case's department tasks are left to the guard."""
    if action == "deliver":
        errors = await pickup_received(case.id)
    elif action in DECISION_ACTIONS and action not in TASK_ACTIONS and case.department_id:  # type: ignore[attr-defined]
        own = {d for d in actor.departments_for(case.center_id, "reviewer") if d}  # type: ignore[attr-defined]
        if own and case.department_id not in own:  # type: ignore[attr-defined]
            return None  # decides through a department task of its own
        errors = await department_received(case.id, case.department_id)  # type: ignore[attr-defined]
    else:
        return None
    return errors[0].message if errors else None


# --- effects --------------------------------------------------------------------------------------


def mask_id_number(value: str) -> str:
    """``11010519491231002X`` → ``110105********002X``: enough to recognise, not to misuse."""
    value = value.strip()
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


async def record_responsible(ctx: TransitionContext) -> None:
    """首问负责: the first staff member at the front desk stays responsible (any front-desk outcome)."""
    if ctx.role != "owner" and ctx.transition.action in FRONT_DESK_ACTIONS:
        await ctx.govhall.processes.effects["set_responsible"](ctx)
    responsible_id = ctx.case.responsible_id  # type: ignore[attr-defined]
    if responsible_id is None:
        return
    if "responsible_id" in ctx.case_fields or ctx.transition.action in ACCEPTING_ACTIONS:
        user = ctx.actor.user if ctx.actor.user and ctx.actor.user.id == responsible_id else await User.get(id=responsible_id)
        ctx.changes["responsible"] = user.display_name or user.username


async def record_pickup(ctx: TransitionContext) -> None:
    """出件登记: the row with the whole ID number, the audit log with it masked."""
    params = ctx.params
    method = str(params.get("method"))
    receiver = str(params.get("receiver") or "").strip()
    id_number = code_text(str(params.get("idNumber") or ""))  # as the guard checked it: １１０…Ｘ is 110…X
    tracking = str(params.get("trackingNumber") or "").strip()
    user = ctx.actor.require_login()
    await PickupRecord.create(
        case_id=ctx.case.id, method=method, receiver=receiver, id_number=id_number, tracking_number=tracking, by_id=user.id,
        at=clock_now(),
    )
    shown = {"method": method, "receiver": receiver, "idNumber": mask_id_number(id_number) if id_number else "",
             "trackingNumber": tracking, "proxy": params.get("proxy") is True}  # 凭授权委托书代领
    shown = {k: v for k, v in shown.items() if v}
    ctx.changes["pickup"] = shown
    ctx.changes["params"] = shown  # the core would otherwise log the raw parameters, whole ID included
    if method == "courier":
        govhall, center, case, item = ctx.govhall, ctx.center, ctx.case, ctx.item

        async def notify() -> None:
            text = courier_text(center, case, item.name, tracking)
            await send_sms(govhall, center, await applicant_recipient(case), text, case=case)

        ctx.after_commit.append(notify)


async def effects(ctx: TransitionContext) -> None:
    action = ctx.transition.action
    await record_responsible(ctx)
    if action in CHECKLIST_ACTIONS:
        ticked = ctx.params.get("checklist") or []
        ctx.changes["checklist"] = checklist_record(ctx.item.definition, ticked, ctx.params.get("originalsChecked") is True)
    if action == "deliver":
        await record_pickup(ctx)
