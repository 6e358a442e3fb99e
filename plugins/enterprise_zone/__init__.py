"""企业服务专区: company opening and closing as "one thing" bundles, agency service, appointments and
delayed hours, the opening gift pack (seeds 000, 002).

Thin hook implementations; the bundles live in :mod:`.bundles`, the clerk's rules in :mod:`.rules`,
the services in :mod:`.agency`, :mod:`.appointments` and :mod:`.giftpacks`, the GraphQL fields in
:mod:`.graphql`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Mapping, Sequence
from pathlib import Path
from typing import Any

from core.api import Case, CaseEvent, Center, Department, ItemVersion, TransitionContext, User, UserError, hookimpl

from . import agency, bundles, giftpacks, rules
from .graphql import Mutation, Query

FORMS = Path(__file__).resolve().parent / "forms"


@hookimpl
def register_title() -> str:
    return "企业服务专区"


@hookimpl
def register_models() -> str:
    """Agency requests, appointments and their slots, gift packs (app label ``enterprise_zone``)."""
    return "plugins.enterprise_zone.models"


@hookimpl
def register_item_dirs() -> Sequence[Path]:
    """The opening (``qykb-yjs``) and closing (``qyzx-yjs``) bundles."""
    return [FORMS]


@hookimpl
def register_graphql() -> Mapping[str, Sequence[type]]:
    return {"query": [Query], "mutation": [Mutation]}


@hookimpl
def choose_lead_department(center: Center, item: ItemVersion, departments: Sequence[Department]) -> str | None:
    """The market regulator leads both bundles: the combined window is its business."""
    return bundles.lead_department(item.code, [d.code for d in departments])


@hookimpl
def validate_case(center: Center, item: ItemVersion, data: Mapping[str, Any], action: str) -> list[UserError]:
    """The bundles' business rules (capital term, seals, invoices, head counts, closing periods)."""
    return rules.check(item.code, data)


@hookimpl
async def agency_granted(center: Center, agent: User, applicant: User) -> bool | None:
    """An agency request of this applicant in this center, accepted with this agent assigned."""
    return await agency.has_agency(center, agent, applicant) or None


@hookimpl
async def case_changed(center: Center, case: Case, event: CaseEvent) -> None:
    """An agent's filing closes the agency request; an approved opening bundle gets its gift pack."""
    if event.action == "submit":
        await agency.link_filed_case(case)
    await giftpacks.record_gift_pack(center, case, event)


@hookimpl
async def case_pickup_extras(center: Center, case: Case) -> list[dict[str, Any]] | None:
    """The opening bundle's gift pack, while it waits: the 出件 screen lists it with the licence, and
    beside it the 领取方式 the application asked for (a warning when the licence goes out otherwise)."""
    return await giftpacks.pickup_extras(case)


@hookimpl
def transition_effects(ctx: TransitionContext) -> Awaitable[None] | None:
    """出件 in person or by courier hands the waiting gift pack over with the licence (a plain def:
    every other transition passes without a query)."""
    return giftpacks.hand_over_with_result(ctx) if ctx.transition.action == "deliver" else None
