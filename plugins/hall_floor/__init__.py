"""大厅现场服务 (hall floor): queue tickets and calls with a kiosk and a hall display, the on-site rating
tablet with rectification of bad ratings, and appointments on the center's duty roster (周六值班,
错时/延时服务).

Thin hook implementations; the services live in :mod:`.tickets`, :mod:`.ratings`,
:mod:`.roster` and :mod:`.stats`, the GraphQL fields in :mod:`.graphql`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from types import ModuleType
from typing import Any

from core.api import Center, Window, hookimpl

from . import hookspecs
from . import graphql_roster
from .floor import window_in_use
from .graphql import Mutation, Query
from .ratings import ratings_without_case


@hookimpl
def register_title() -> str:
    return "大厅现场服务"


@hookimpl
def register_hookspecs() -> ModuleType:
    """``hall_ticket_called`` and ``hall_rectification_opened``, for announcers and notifiers."""
    return hookspecs


@hookimpl
def register_models() -> str:
    """Tickets, on-site ratings and rectifications, bookings, the roster saved on the supervisor's screen and its change history."""
    return "plugins.hall_floor.models"


@hookimpl
def register_graphql() -> Mapping[str, Sequence[type]]:
    return {"query": [Query, graphql_roster.Query], "mutation": [Mutation, graphql_roster.Mutation]}


@hookimpl
def window_closing(center: Center, window: Window) -> str | None:
    """A window a queue still calls numbers at stays open until the queue no longer lists it."""
    return window_in_use(center, window)


@hookimpl(optionalhook=True)
async def assessment_window_ratings(center: Center, since: datetime, until: datetime) -> list[dict[str, Any]]:
    """The assessment plugin's hook: the tablet's ratings of queue numbers served without a case (咨询)
    count for their window and the clerk who served, as a case's rating counts for its own."""
    return await ratings_without_case(center, since, until)
