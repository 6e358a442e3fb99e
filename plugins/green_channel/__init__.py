"""绿色通道: eligibility, the travelling acceptance form, "process first, supplement later" (the approval center's rules).

Thin hook implementations; the eligibility rules live in :mod:`.rules`, the register and linking
in :mod:`.projects`, the form's signatures in :mod:`.signing`, the materials to follow (their
deadline, receipt and lateness) in :mod:`.follow_ups`, the printed papers in :mod:`.printing`, the
GraphQL fields in :mod:`.graphql`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.api import GovHall, UserError, hookimpl

from . import follow_ups, printing, signing
from .graphql import Mutation, Query

if TYPE_CHECKING:
    from core.api import TransitionContext

TEMPLATES = Path(__file__).resolve().parent / "templates"


@hookimpl
def register_title() -> str:
    return "绿色通道"


@hookimpl
def register_models() -> str:
    """The register and the acceptance-form lines (app label ``green_channel``)."""
    return "plugins.green_channel.models"


@hookimpl
def register_graphql() -> Mapping[str, Sequence[type]]:
    return {"query": [Query], "mutation": [Mutation]}


@hookimpl
def register_document_templates() -> Sequence[Path]:
    """``green_form.html`` (受理表) and ``green_register.html`` (登记簿)."""
    return [TEMPLATES]


@hookimpl
def register_document_kinds() -> Mapping[str, Mapping[str, Any]]:
    """Their own 文号 abbreviations: 绿 for the travelling form, 绿登 for the register."""
    return printing.document_kinds()


@hookimpl
async def transition_guard(ctx: TransitionContext) -> list[UserError]:
    """先办理，后补齐: no correction notice for secondary materials alone."""
    return await signing.guard(ctx)


@hookimpl
def case_action_form(case: Any, item: Any, action: str) -> Mapping[str, Any] | None:
    """Accepting a green-channel case: which secondary materials follow later."""
    return signing.action_form(case, item, action)


@hookimpl
def case_document_context(center: Any, case: Any, kind: str, params: Mapping[str, Any]) -> Any:
    """先办理，后补齐: the acceptance notice names the secondary materials that follow and by when."""
    return signing.document_context(center, case, kind, params)


@hookimpl
async def transition_effects(ctx: TransitionContext) -> None:
    """Sign the acceptance form's accepted and finished times; finish the project at its end item."""
    await signing.sign(ctx)


@hookimpl
async def calendar_imported(govhall: GovHall, center: Any, year: int) -> None:
    """先办理，后补齐: the due dates still to come, 暂定 ones included, counted again on the imported
    calendar; a case whose date moved says so in its history."""
    await follow_ups.recount_dues(govhall, center, year)


@hookimpl
async def sweep_tick(govhall: GovHall, center: Any, now: datetime) -> None:
    """先办理，后补齐: tell the window once when a case's materials to follow are late."""
    await follow_ups.warn_overdue(govhall, center, now)
