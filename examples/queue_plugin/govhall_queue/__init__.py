"""取号: queue tickets for a service hall — an example outside GovHall plugin.

A visitor takes a numbered ticket (``takeQueueTicket``); a case submitted at a center that enables
the plugin gets one too (``case_changed``); staff list the day's tickets (``queueTickets``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from core.api import Case, CaseEvent, Center, hookimpl

from .graphql import Mutation, Query
from .tickets import issue_ticket


@hookimpl
def register_title() -> str:
    return "取号"


@hookimpl
def register_models() -> str:
    """The ``queue_ticket`` table (app label ``queue``, migrations in ``govhall_queue.migrations``)."""
    return "govhall_queue.models"


@hookimpl
def register_graphql() -> Mapping[str, Sequence[type]]:
    return {"query": [Query], "mutation": [Mutation]}


@hookimpl
async def case_changed(center: Center, case: Case, event: CaseEvent) -> None:
    """A submitted case takes a ticket for its applicant."""
    if event.action == "submit":
        await issue_ticket(center, case=case)
