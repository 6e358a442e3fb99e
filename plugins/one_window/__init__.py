"""一窗受理: front-desk acceptance against the review checklist, hand-over to back offices, and the
unified pickup window (seeds 002, 003).

Thin hook implementations; the rules live in :mod:`.rules`, hand-overs in :mod:`.handovers`, the
pickup register in :mod:`.pickup`, the GraphQL fields in :mod:`.graphql`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.api import UserError, hookimpl

from . import pickup, rules
from .graphql import Mutation, Query

if TYPE_CHECKING:
    from core.api import Actor, Case, Center, ItemVersion, TransitionContext

TEMPLATES = Path(__file__).resolve().parent / "templates"


@hookimpl
def register_title() -> str:
    return "一窗受理、统一出件"


@hookimpl
def register_models() -> str:
    """The hand-over and pickup tables (app label ``one_window``)."""
    return "plugins.one_window.models"


@hookimpl
def register_graphql() -> Mapping[str, Sequence[type]]:
    return {"query": [Query], "mutation": [Mutation]}


@hookimpl
def register_document_templates() -> Sequence[Path]:
    """``pickup_register.html``: the printable 出件登记簿."""
    return [TEMPLATES]


@hookimpl
def register_document_kinds() -> Mapping[str, Mapping[str, Any]]:
    """The pickup register, readable by those who may see the pickup records it prints."""
    return {pickup.KIND: {"title": "出件登记簿", "readers": pickup.REGISTER_ROLES}}


@hookimpl
async def transition_guard(ctx: TransitionContext) -> list[UserError]:
    """Checklist at acceptance; a received hand-over before a department decides or a result leaves."""
    return await rules.guard(ctx)


@hookimpl
async def case_action_blocked(center: Center, case: Case, item: ItemVersion, action: str, actor: Actor) -> str | None:
    """出件登记 before the result reached the pickup window, a decision before the department signed
    for the case: said on the case page before the clerk tries."""
    return await rules.blocked(case, action, actor)


@hookimpl
async def case_pickup_status(center: Center, case: Case) -> dict[str, Any]:
    """办件进度查询: a result waits at the pickup window only once the window signed for it."""
    return await rules.pickup_status(case.id)


@hookimpl
async def transition_effects(ctx: TransitionContext) -> None:
    """Record the checklist ticks, 首问负责 and the pickup (出件登记)."""
    await rules.effects(ctx)
