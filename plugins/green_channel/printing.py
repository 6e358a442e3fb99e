"""The printed papers: the travelling acceptance form (快速审批绿色通道受理表, 附表1) of a project and
the register of green-channel projects (窗口受理审批“绿色通道”项目登记簿, 附表2) of a period.

Both are issued without a case: whoever may view the projects they print may download them.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from tortoise.transactions import in_transaction

from core.api import (
    Actor,
    Document,
    GovHall,
    UserErrorsException,
    cn_date,
    issue_document,
    local_midnight,
    local_today,
    period_text,
)

from .follow_ups import NOT_NEEDED, OVERDUE, RECEIVED, FollowUpView
from .models import GreenProject
from .projects import VIEW_ROLES, load_project, plugin_center
from .views import ProjectView, StepView, project_view, project_views

FORM_KIND = "green_form"
REGISTER_KIND = "green_register"
FORM_TITLE = "快速审批绿色通道受理表"
REGISTER_TITLE = "窗口受理审批“绿色通道”项目登记簿"
PRINT_ROLES = ("clerk", "head", "supervisor", "admin")
MAX_DAYS = 366
ABBREVIATIONS = {FORM_KIND: "绿", REGISTER_KIND: "绿登"}


def document_kinds() -> dict[str, dict[str, Any]]:
    """Our kinds with their own 文号 abbreviation (测政服绿〔2026〕第0001号), readable by the roles
    that may view green-channel projects."""
    return {
        FORM_KIND: {"title": FORM_TITLE, "abbreviation": ABBREVIATIONS[FORM_KIND], "readers": VIEW_ROLES},
        REGISTER_KIND: {"title": REGISTER_TITLE, "abbreviation": ABBREVIATIONS[REGISTER_KIND], "readers": VIEW_ROLES},
    }


def _step(step: StepView) -> dict[str, Any]:
    return {
        "caseNumber": step.case_number, "itemName": step.item_name, "department": step.department_name,
        "window": step.window_name, "acceptedAt": step.accepted_at, "acceptedBy": step.accepted_by,
        "finishedAt": step.finished_at, "finishedBy": step.finished_by, "outcome": step.outcome_label,
        "endsProject": step.ends_project, "materialsToFollow": step.materials_to_follow,
        "followUps": [{"name": f.name, "note": _follow_note(f)} for f in step.follow_ups],
    }


def _follow_note(f: FollowUpView) -> str:
    """How a material to follow stands, as the form prints it after its name."""
    if f.state == RECEIVED:
        return f"已补齐 {cn_date(local_today(f.received_at))}" if f.received_at else "已补齐"
    if f.state == NOT_NEEDED:
        return f.state_label
    if f.due is None:
        return "待补齐"
    if f.state == OVERDUE:
        return f"已逾期，应于{cn_date(f.due)}前补齐"
    return f"{cn_date(f.due)}（暂定）前补齐" if f.provisional else f"{cn_date(f.due)}前补齐"


def project_block(view: ProjectView) -> dict[str, Any]:
    """The template's ``project``: what the form and the register print of a project."""
    return {
        "number": view.number, "name": view.name, "kindLabel": view.kind_label, "applicant": view.applicant,
        "uscc": view.uscc, "basis": "；".join(f"{b['label']}（{b['detail']}）" for b in view.basis),
        "endItemName": view.end_item_name, "statusLabel": view.status_label, "registeredBy": view.registered_by,
        "registeredAt": view.registered_at, "finishedAt": view.finished_at,
        "departments": "、".join(dict.fromkeys(s.department_name for s in view.steps if s.department_name)),
        "steps": [_step(s) for s in view.steps],
    }


async def print_form(govhall: GovHall, actor: Actor, project_id: Any) -> Document:
    """Issue the project's acceptance form as it stands, every window's signed times on it."""
    project = await load_project(actor, project_id, *PRINT_ROLES)
    context = {"document": {"title": FORM_TITLE}, "project": project_block(await project_view(govhall, project))}
    async with in_transaction():
        return await issue_document(govhall, center=project.center, kind=FORM_KIND, context=context)


def check_period(start: date, end: date) -> None:
    if end < start:
        raise UserErrorsException.single("range.order", "截止日期不能早于起始日期", "/to")
    if (end - start).days + 1 > MAX_DAYS:
        raise UserErrorsException.single("range.too_long", f"登记簿期间不能超过{MAX_DAYS}天，请分段出具", "/to")


async def print_register(govhall: GovHall, actor: Actor, center_code: str, start: date, end: date) -> Document:
    """Issue the register of the projects registered from ``start`` to ``end`` (China dates)."""
    center = await plugin_center(center_code)
    actor.require(center.id, *PRINT_ROLES)
    check_period(start, end)
    since, until = local_midnight(start), local_midnight(end + timedelta(days=1))
    projects = await GreenProject.filter(
        center_id=center.id, registered_at__gte=since, registered_at__lt=until
    ).order_by("id").select_related("center")
    rows = [project_block(v) for v in await project_views(govhall, projects)]
    context = {"document": {"title": REGISTER_TITLE}, "register": {"period": period_text(start, end), "rows": rows}}
    async with in_transaction():
        return await issue_document(govhall, center=center, kind=REGISTER_KIND, context=context)
