"""Registering green-channel projects (登记簿) and bringing cases into them.

A center may name default end items per project kind in its settings::

    "settings": {"greenChannel": {"endItems": {"enterprise": "yyzz", "construction": "sgxk"}}}

Linking a case is a line of the case's audit log (``green_channel``), written with
:func:`core.services.cases.record_case_event`: the case becomes a green-channel case and urgent, so it stands
first in every queue (windows act ahead of their usual limits).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tortoise.transactions import in_transaction

from core.api import (
    Actor,
    Case,
    Center,
    local_today,
    GovHall,
    ItemVersion,
    NotFound,
    UserError,
    UserErrorsException,
    get_center,
    load_visible_case,
    next_value,
    record_case_event,
    require_plugin,
    set_case_flag,
)
from core.api import now as clock_now

from . import rules
from .models import FINISHED, OPEN, GreenProject, GreenStep

PLUGIN = "green_channel"
REGISTER_ROLES = ("clerk", "head", "admin")
LINK_ROLES = ("clerk", "head")
VIEW_ROLES = ("clerk", "reviewer", "head", "pickup", "supervisor", "admin")
STATUSES = {OPEN: "办理中", FINISHED: "已办结"}


def project_number(year: int, n: int) -> str:
    """``绿〔2026〕001``: per center and year."""
    return f"绿〔{year}〕{n:03d}"


async def plugin_center(code: str) -> Center:
    """The center, if it enables the green channel."""
    center = await get_center(code)
    require_plugin(center, PLUGIN)
    return center


def default_end_item(center: Center, kind: Any) -> str | None:
    settings = (center.settings or {}).get("greenChannel") or {}
    ends = settings.get("endItems") if isinstance(settings, Mapping) else None
    return ends.get(kind) if isinstance(ends, Mapping) and isinstance(kind, str) else None


async def load_project(actor: Actor, project_id: Any, *roles: str) -> GreenProject:
    """The project, for an actor holding one of ``roles`` in its center."""
    try:
        key = int(project_id)
    except (TypeError, ValueError):
        raise NotFound("绿色通道项目不存在")
    project = await GreenProject.get_or_none(id=key).select_related("center")
    if project is None:
        raise NotFound("绿色通道项目不存在")
    require_plugin(project.center, PLUGIN)
    actor.require(project.center.id, *roles)
    return project


async def register_project(govhall: GovHall, actor: Actor, center_code: str, data: Any) -> GreenProject:
    """Enter an eligible project in the register; every problem and ineligibility reason at once."""
    center = await plugin_center(center_code)
    user = actor.require(center.id, *REGISTER_ROLES)
    result = rules.assess(data)
    if not isinstance(data, Mapping):
        raise UserErrorsException(result.reasons)
    values, errors = rules.project_fields(data, default_end_item(center, data.get("kind")))
    errors = [*result.reasons, *errors]
    if values["end_item"] and not await ItemVersion.exists(center_id=center.id, code=values["end_item"]):
        errors.append(UserError("unknown_item", f"本中心没有已发布的事项“{values['end_item']}”", "/endItem"))
    if errors:
        raise UserErrorsException(errors)
    basis = [{"code": b.code, "label": b.label, "detail": b.detail} for b in result.basis]
    year = local_today().year
    async with in_transaction():
        number = project_number(year, await next_value(f"green:{center.id}:{year}"))
        return await GreenProject.create(
            center=center, number=number, year=year, kind=data["kind"], basis=basis, amounts=dict(result.amounts),
            registered_by=user, registered_at=clock_now(), **values,  # the product's clock, as its cases' moments
        )


async def link_case(govhall: GovHall, actor: Actor, project_id: Any, case_id: Any) -> GreenProject:
    """Bring a case into a project: a line of its acceptance form; the case turns green and urgent."""
    project = await load_project(actor, project_id, *LINK_ROLES)
    user = actor.require_login()
    case = await load_visible_case(actor, case_id)
    if case.center_id != project.center.id:  # type: ignore[attr-defined]
        raise UserErrorsException.single("wrong_center", "办件与绿色通道项目不属于同一中心", "/case")
    if project.status != OPEN:
        raise UserErrorsException.single("finished", f"绿色通道项目{project.number}已办结，不能再纳入办件", "/project")
    existing = await GreenStep.get_or_none(case_id=case.id).select_related("project")
    if existing is not None:
        raise UserErrorsException.single(
            "already_linked", f"该办件已纳入绿色通道项目{existing.project.number}（{existing.project.name}）", "/case"
        )
    process = govhall.processes.get(case.process)
    if process.is_completed(case.state) or process.is_terminal(case.state):
        raise UserErrorsException.single(
            "state", f"办件当前状态为“{process.state_label(case.state)}”，已办结的办件不能纳入绿色通道", "/case"
        )

    async def work(locked: Case) -> dict[str, Any]:
        accepted = locked.accepted_at is not None
        await GreenStep.create(
            project=project, case_id=locked.id, item_code=locked.item_version.code,
            department_id=locked.department_id, window_id=locked.window_id, linked_by=user,  # type: ignore[attr-defined]
            accepted_at=locked.accepted_at, accepted_by_id=locked.responsible_id if accepted else None,  # type: ignore[attr-defined]
            linked_at=clock_now(),
        )
        was_urgent = locked.urgent
        await set_case_flag(locked, "green_channel")
        locked.urgent = True
        await locked.save(update_fields=["urgent", "updated_at"])
        shown: dict[str, Any] = {"greenChannel": {"project": project.number, "name": project.name}}
        if not was_urgent:
            shown["urgent"] = {"old": False, "new": True}
        return shown

    await record_case_event(govhall, actor, case, "green_channel", comment=f"纳入绿色通道项目 {project.number}（{project.name}）", work=work)
    return project


async def list_projects(actor: Actor, center_code: str, status: str | None) -> list[GreenProject]:
    """The center's projects in register order, optionally only the open or the finished ones."""
    center = await plugin_center(center_code)
    actor.require(center.id, *VIEW_ROLES)
    query = GreenProject.filter(center_id=center.id)
    if status:
        if status not in STATUSES:
            raise UserErrorsException.single("enum", "状态应为 open（办理中）或 finished（已办结）", "/status")
        query = query.filter(status=status)
    return await query.order_by("id").select_related("center")

