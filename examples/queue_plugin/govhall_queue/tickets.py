"""Taking and listing tickets, through the plugin API only."""

from __future__ import annotations

from tortoise.transactions import in_transaction

from core.api import STAFF_ROLES, Actor, Case, Center, get_center, local_today, next_value, require_plugin

from .models import Ticket

PLUGIN = "queue"


async def issue_ticket(center: Center, case: Case | None = None) -> Ticket:
    """The center's next ticket of the day (gap-free: the number comes from ``next_value``)."""
    day = local_today()
    async with in_transaction():
        number = await next_value(f"{PLUGIN}:{center.id}:{day.isoformat()}")
        return await Ticket.create(center=center, day=day, number=number, case=case)


async def take_ticket(actor: Actor, center_code: str) -> Ticket:
    actor.require_login()
    center = await get_center(center_code)
    require_plugin(center, PLUGIN)
    return await issue_ticket(center)


async def todays_tickets(actor: Actor, center_code: str) -> list[Ticket]:
    center = await get_center(center_code)
    require_plugin(center, PLUGIN)
    actor.require(center.id, *STAFF_ROLES)
    return await Ticket.filter(center_id=center.id, day=local_today()).order_by("number").select_related("case")
