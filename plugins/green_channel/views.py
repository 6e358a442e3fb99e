"""Projects with their acceptance-form lines and their materials to follow, as GraphQL and the printed
documents show them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from core.api import Actor, GovHall, ItemVersion, User, load_visible_case, local_today, require_plugin

from . import rules
from .follow_ups import OUTSTANDING, OVERDUE, RECEIVE_ROLES, STATE_LABELS, FollowUpView, state_of
from .models import FollowUp, GreenProject, GreenStep
from .projects import PLUGIN, STATUSES


@dataclass(frozen=True)
class StepView:
    """One window's line: the case, who accepted and finished it, when."""

    id: int
    case_id: int
    case_number: str
    item_code: str
    item_name: str
    department: str | None
    department_name: str
    window_name: str
    ends_project: bool
    linked_at: datetime
    accepted_at: datetime | None
    accepted_by: str
    finished_at: datetime | None
    finished_by: str
    outcome: str
    outcome_label: str
    materials_to_follow: list[str]
    follow_ups: list[FollowUpView]

    @property
    def waiting(self) -> list[FollowUpView]:
        """待补齐材料: the follow-ups still to come, late or not."""
        return [f for f in self.follow_ups if f.state in (OUTSTANDING, OVERDUE)]

    @property
    def follow_due(self) -> date | None:
        """The earliest due date of what is still to come."""
        return min((f.due for f in self.waiting if f.due is not None), default=None)

    @property
    def follow_due_provisional(self) -> bool:
        """The earliest due date of what is still to come is 暂定."""
        due = self.follow_due
        return due is not None and any(f.provisional for f in self.waiting if f.due == due)

    @property
    def overdue(self) -> bool:
        return any(f.state == OVERDUE for f in self.follow_ups)


@dataclass(frozen=True)
class ProjectView:
    id: int
    center: str
    number: str
    name: str
    kind: str
    kind_label: str
    applicant: str
    uscc: str
    basis: list[dict[str, str]]
    amounts: dict[str, Any]
    end_item: str
    end_item_name: str
    status: str
    status_label: str
    registered_by: str
    registered_at: datetime
    finished_at: datetime | None
    steps: list[StepView]


def _name(user: User | None) -> str:
    return (user.display_name or user.username) if user is not None else ""


def _follow_up(row: FollowUp, today: date, users: dict[int, User], outcome: str = "") -> FollowUpView:
    state = state_of(row, today, outcome)
    return FollowUpView(
        code=row.code, name=row.name, due=row.due, received_at=row.received_at,
        received_by=_name(users.get(row.received_by_id)) if row.received_by_id else "",  # type: ignore[attr-defined]
        state=state, state_label=STATE_LABELS[state], overdue_told_at=row.overdue_checked_at,
        provisional=row.provisional and row.due is not None and state in (OUTSTANDING, OVERDUE),  # while it is to come
    )


def _step(govhall: GovHall, row: GreenStep, end_item: str, *, follow: Sequence[FollowUp], users: dict[int, User],
          today: date) -> StepView:
    case = row.case
    outcome_label = govhall.processes.get(case.process).state_label(row.outcome) if row.outcome else ""
    return StepView(
        id=row.id, case_id=case.id, case_number=case.number, item_code=row.item_code, item_name=case.item_version.name,
        department=row.department.code if row.department else None,
        department_name=row.department.name if row.department else "", window_name=row.window.name if row.window else "",
        ends_project=row.item_code == end_item, linked_at=row.linked_at, accepted_at=row.accepted_at,
        accepted_by=_name(row.accepted_by), finished_at=row.finished_at, finished_by=_name(row.finished_by),
        outcome=row.outcome, outcome_label=outcome_label, materials_to_follow=list(row.materials_to_follow or []),
        follow_ups=[_follow_up(f, today, users, row.outcome) for f in follow],
    )


async def project_views(govhall: GovHall, projects: Sequence[GreenProject]) -> list[ProjectView]:
    """Views of ``projects`` (their center loaded) in a fixed number of queries."""
    if not projects:
        return []
    ids = [p.id for p in projects]
    steps = await GreenStep.filter(project_id__in=ids).order_by("id").select_related(
        "case", "case__item_version", "department", "window", "accepted_by", "finished_by"
    )
    follow = await FollowUp.filter(step_id__in=[s.id for s in steps]).order_by("id") if steps else []
    by_step: dict[int, list[FollowUp]] = {}
    for f in follow:
        by_step.setdefault(f.step_id, []).append(f)  # type: ignore[attr-defined]
    people = {p.registered_by_id for p in projects} | {f.received_by_id for f in follow if f.received_by_id}  # type: ignore[attr-defined]
    users = {u.id: u for u in await User.filter(id__in=list(people))}
    today = local_today()
    centers = list({p.center.id for p in projects})
    items: dict[tuple[int, str], str] = {}
    for center_id, code, name in await ItemVersion.filter(
        center_id__in=centers, code__in=list({p.end_item for p in projects})
    ).order_by("version").values_list("center_id", "code", "name"):
        items[(center_id, code)] = name
    by_project: dict[int, list[GreenStep]] = {}
    for row in steps:
        by_project.setdefault(row.project_id, []).append(row)  # type: ignore[attr-defined]
    return [
        ProjectView(
            id=p.id, center=p.center.code, number=p.number, name=p.name, kind=p.kind,
            kind_label=rules.KINDS.get(p.kind, p.kind), applicant=p.applicant, uscc=p.uscc, basis=list(p.basis or []),
            amounts=dict(p.amounts or {}), end_item=p.end_item, end_item_name=items.get((p.center.id, p.end_item), p.end_item),
            status=p.status, status_label=STATUSES.get(p.status, p.status),
            registered_by=_name(users.get(p.registered_by_id)), registered_at=p.registered_at,  # type: ignore[attr-defined]
            finished_at=p.finished_at,
            steps=[_step(govhall, s, p.end_item, follow=by_step.get(s.id, []), users=users, today=today) for s in by_project.get(p.id, [])],
        )
        for p in projects
    ]


async def project_view(govhall: GovHall, project: GreenProject) -> ProjectView:
    (view,) = await project_views(govhall, [project])
    return view


@dataclass(frozen=True)
class CaseView:
    """A green-channel case: its project, its line of the form, whether the viewer may record receipts."""

    project: ProjectView
    step: StepView
    can_record: bool


async def case_view(govhall: GovHall, actor: Actor, case_id: Any) -> CaseView | None:
    """The case's place in the green channel, for anyone who may see the case; ``None`` when the
    case is not in a project."""
    case = await load_visible_case(actor, case_id)
    require_plugin(case.center, PLUGIN)
    step = await GreenStep.get_or_none(case_id=case.id)
    if step is None:
        return None
    view = await project_view(govhall, await GreenProject.get(id=step.project_id).select_related("center"))  # type: ignore[attr-defined]
    line = next(s for s in view.steps if s.case_id == case.id)
    return CaseView(project=view, step=line, can_record=bool(line.waiting) and actor.has(case.center.id, *RECEIVE_ROLES))
