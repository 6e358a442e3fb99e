"""What the green channel adds to a linked case's transitions.

* Guard: 先办理，后补齐 — a green-channel case missing only secondary materials is accepted, not
  sent back with a correction notice; materials named to follow must be secondary ones.
* Notice: the acceptance notice of a case accepted with materials to follow names them and the
  day they are due (请于…前补齐, :mod:`.follow_ups`; marked 暂定 when it is).
* Effects: the window signs the acceptance form — the time it accepted the case (accept,
  finish_on_spot; a supplied case is accepted by the window afterwards) and the time it finished it (approve, refuse, finish_on_spot, or any
  transition that completes the case, such as a joint case's last department decision). When the
  case of the project's end item is finished, the project is finished.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.api import Center, TransitionContext, UserError, case_flag
from core.api import now as clock_now

from . import follow_ups, rules
from .models import FINISHED, OPEN, GreenProject, GreenStep

ACCEPTING = frozenset({"accept", "finish_on_spot"})
FINISHING = frozenset({"approve", "refuse", "finish_on_spot"})
FOLLOWING = frozenset({"accept", "finish_on_spot"})


async def guard(ctx: TransitionContext) -> list[UserError]:
    """Refuse a correction notice for secondary materials only; check the materials to follow."""
    if not case_flag(ctx.case, "green_channel"):
        return []
    action = ctx.transition.action
    if action == "request_materials":
        return rules.supplement_later(ctx.item.definition, ctx.params.get("missing"))
    if action in FOLLOWING:
        return rules.materials_to_follow(ctx.item.definition, ctx.params.get("materialsToFollow"))[1]
    return []


def action_form(case: Any, item: Any, action: str) -> dict[str, Any] | None:
    """The accepting window may name the secondary materials that follow later (先办理，后补齐):
    a choice among the item's secondary materials, on a green-channel case only."""
    if action not in FOLLOWING or not case_flag(case, "green_channel"):
        return None
    return rules.materials_to_follow_form(item.definition)


def document_context(center: Center, case: Any, kind: str, params: Mapping[str, Any]) -> Any:
    """The acceptance notice of a green-channel case accepted with materials to follow names them
    (``materialsToFollow``) and the day they are due (``materialsDue``), instead of declaring every
    material present: ``None`` for any other document, else an awaitable of the variables."""
    if kind != "acceptance_notice" or not params.get("materialsToFollow") or not case_flag(case, "green_channel"):
        return None
    # params come from a transition, whose case carries its item
    follow, _ = rules.materials_to_follow(case.item_version.definition, params.get("materialsToFollow"))
    return _follow_context(center, case, follow) if follow else None


async def _follow_context(center: Center, case: Any, follow: list[str]) -> dict[str, Any]:
    due = await follow_ups.due_for(center, case.accepted_at or clock_now())
    return {"materialsToFollow": follow, "materialsDue": due.due, "materialsDueProvisional": due.provisional}


def finishes(ctx: TransitionContext) -> bool:
    """A finishing action, or a transition that leaves the case completed."""
    if ctx.transition.action in FINISHING:
        return True
    return ctx.process.is_completed(ctx.to_state) and not ctx.process.is_completed(ctx.from_state)


def _signer(ctx: TransitionContext) -> int | None:
    """The staff member who signs: the actor, or the responsible clerk when the applicant supplied."""
    if ctx.actor.user is not None and ctx.role != "owner":
        return int(ctx.actor.user.id)
    return ctx.case.responsible_id  # type: ignore[attr-defined,no-any-return]


async def sign(ctx: TransitionContext) -> None:
    """Sign the case's line on the acceptance form; finish the project with its end item."""
    if not case_flag(ctx.case, "green_channel"):
        return
    step = await GreenStep.get_or_none(case_id=ctx.case.id).select_related("project")
    if step is None:
        return
    now = clock_now()
    signer = _signer(ctx)
    shown: dict[str, Any] = {}
    changed: list[str] = []
    if ctx.transition.action in ACCEPTING and step.accepted_at is None:
        step.accepted_at = ctx.case.accepted_at or now
        step.accepted_by_id = signer  # type: ignore[attr-defined]
        changed += ["accepted_at", "accepted_by_id"]
        shown["acceptedAt"] = step.accepted_at.isoformat()
        follow, _ = rules.follow_materials(ctx.item.definition, ctx.params.get("materialsToFollow"))
        if follow:
            due = await follow_ups.due_for(ctx.center, step.accepted_at)
            await follow_ups.open_follow_ups(step, follow, due)
            step.materials_to_follow = [name for _, name in follow]
            changed.append("materials_to_follow")
            shown["materialsToFollow"] = step.materials_to_follow
            shown["materialsDue"] = due.due.isoformat()
            if due.provisional:
                shown["materialsDueProvisional"] = True
    if finishes(ctx) and step.finished_at is None:
        step.finished_at = ctx.case.completed_at or now
        step.finished_by_id = signer  # type: ignore[attr-defined]
        step.outcome = ctx.to_state
        changed += ["finished_at", "finished_by_id", "outcome"]
        shown["finishedAt"] = step.finished_at.isoformat()
    if not changed:
        return
    await step.save(update_fields=changed)
    project: GreenProject = step.project
    if "finishedAt" in shown and step.item_code == project.end_item and project.status == OPEN:
        done = await GreenProject.filter(id=project.id, status=OPEN).update(status=FINISHED, finished_at=step.finished_at)
        if done:
            shown["projectFinished"] = True
    ctx.changes["greenChannel"] = {"project": project.number, **shown}
