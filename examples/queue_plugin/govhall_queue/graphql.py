"""The plugin's GraphQL fields, merged into GovHall's schema by ``register_graphql``."""

from __future__ import annotations

from datetime import date

import strawberry

from core.api import Info

from . import tickets
from .models import Ticket


@strawberry.type(description="取号小票")
class QueueTicket:
    number: str
    day: date
    case_number: str | None


def ticket_type(row: Ticket) -> QueueTicket:
    case = row.case if row.case_id else None  # type: ignore[attr-defined]
    return QueueTicket(number=row.label, day=row.day, case_number=case.number if case else None)


@strawberry.type
class Query:
    @strawberry.field(description="今天的取号（本中心工作人员）")
    async def queue_tickets(self, info: Info, center: str) -> list[QueueTicket]:
        return [ticket_type(r) for r in await tickets.todays_tickets(info.context.actor, center)]


@strawberry.type
class Mutation:
    @strawberry.mutation(description="取号")
    async def take_queue_ticket(self, info: Info, center: str) -> QueueTicket:
        return ticket_type(await tickets.take_ticket(info.context.actor, center))
