"""The plugin API: everything a GovHall plugin may use, and nothing else.

Built-in and outside plugins import from ``core.api`` only (``tests/test_import_contracts.py``
fails otherwise); the rest of ``core`` is internal and may change in any release. What is named
in ``__all__`` stays compatible across minor versions: a name is only removed or changed
incompatibly in a major version. ``docs/plugins.md`` describes every group below.

The functions here are small, documented doors into the core's services; the models are the
core's Tortoise models, which plugins read and reference (``ForeignKeyField("core.Case")``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import date, datetime, time, timezone
from typing import Any

from tortoise.connection import get_connection

from . import cases as _cases
from . import centers as _centers
from . import clock as _clock
from . import counters as _counters
from . import effects as _effects
from . import receipt as _receipt
from . import stats as _stats
from .accounts import STAFF_ROLES, Actor
from .calendar import CENTER_TZ, DayInfo, WorkCalendar
from .calendar import parse_period as _parse_period
from .documents import issue as _issue
from .errors import Forbidden, NotFound, UserError, UserErrorsException
from .formats import FormatProblem, check_uscc, is_valid_mobile
from .graphql.context import Info
from .graphql.documents import IssueRegisterResult, issued_document
from .graphql.types import UserError as GraphQLUserError
from .graphql.types import UserErrors, mutation_result, user_errors
from .guards import PICKUP_METHODS
from .hookspecs import hookimpl, hookspec
from .outbox import DeliveryRefused, OutboxEvent
from .outbox import events as _outbox
from .models import (
    Case,
    CaseEvent,
    CaseTask,
    Center,
    Complaint,
    Department,
    Document,
    ItemVersion,
    Material,
    Notification,
    RoleAssignment,
    User,
    Window,
)
from .plugins import acall, acall_first, await_me_maybe, require_plugin
from .runtime import GovHall
from .workflow import TransitionContext

__all__ = [
    # hooks
    "hookimpl", "hookspec", "acall", "acall_first", "await_me_maybe", "require_plugin",
    # errors
    "UserError", "UserErrorsException", "Forbidden", "NotFound",
    # the app, the actor, the transition context
    "GovHall", "Actor", "STAFF_ROLES", "TransitionContext",
    # models
    "Case", "CaseEvent", "CaseTask", "Center", "Complaint", "Department", "Document", "ItemVersion",
    "Material", "Notification", "RoleAssignment", "User", "Window",
    # centers and cases
    "get_center", "load_visible_case", "is_owner", "latest_version", "record_case_event", "task_for_actor",
    "case_flag", "set_case_flag", "PICKUP_METHODS", "received_list",
    # documents and numbering
    "issue_document", "period_text", "next_value",
    # the clock and the calendar
    "CENTER_TZ", "DayInfo", "WorkCalendar", "local_today", "calendar_for", "parse_period",
    # formats
    "FormatProblem", "check_uscc", "is_valid_mobile",
    # SQL
    "fetch_rows", "is_postgres",
    # the outbox
    "publish_event", "DeliveryRefused", "OutboxEvent",
    # GraphQL
    "Info", "UserErrors", "GraphQLUserError", "user_errors", "mutation_result", "IssueRegisterResult",
    "issued_document",
]


# --- centers and cases ----------------------------------------------------------------------------


async def get_center(code: str) -> Center:
    """The center with this code; raises :class:`NotFound` (Chinese message) when there is none."""
    return await _centers.get_center(code)


async def load_visible_case(actor: Actor, case_id: int | str) -> Case:
    """The case (with ``center`` and ``item_version`` loaded) if ``actor`` may see it: its applicant
    or agent, center-wide staff, or a reviewer of its department. Raises :class:`NotFound` for an
    unknown id, :class:`Forbidden` otherwise."""
    return await _cases.load_visible_case(actor, case_id)


def is_owner(actor: Actor, case: Case) -> bool:
    """True when the actor is the case's applicant or agent."""
    return _cases.is_owner(actor, case)


async def latest_version(center: Center, code: str, govhall: GovHall | None = None) -> ItemVersion:
    """The newest published version of the center's item ``code``; a ``UserErrorsException``
    (``unknown_item`` at ``/item``) when there is none. Pass ``govhall`` to reuse versions read before."""
    return await _cases.latest_version(center, code, govhall)


async def record_case_event(
    govhall: GovHall,
    actor: Actor,
    case: Case,
    action: str,
    *,
    comment: str = "",
    changes: Mapping[str, Any] | None = None,
    work: Callable[[Case], Awaitable[Mapping[str, Any] | None]] | None = None,
) -> CaseEvent:
    """A change to a case that is not a state transition (a hand-over, a pickup note, a link to a
    plugin's record). In one transaction the case's version is claimed, ``work(case)`` writes the
    plugin's own rows (what it returns is added to the event's ``changes``) and the audit event
    is appended; then ``case_changed`` runs. A concurrent change gets ``conflict``."""
    return await _cases.record_case_event(
        govhall, actor, case, action, comment=comment, changes=changes, work=work
    )


async def task_for_actor(ctx: TransitionContext) -> CaseTask | None:
    """In a transition of a joint case: the open department task the actor decides
    (``params.department`` if given, else the actor's own department), or ``None``."""
    return await _effects.task_for_actor(ctx)


async def received_list(case: Case, definition: Mapping[str, Any]) -> list[dict[str, str]]:
    """What the case actually has, material by material (uploaded files and the counter receipt),
    in the item's order: ``[{code, name, copies}]`` where ``copies`` says how (电子件1份、原件1份…).
    Hand-over records and notices print this, never the item's whole list."""
    return await _receipt.received_list(case, definition)


def case_flag(case: Case, name: str) -> Any:
    """The mark a plugin set on the case under ``name`` (its own name), or ``None``."""
    return (case.flags or {}).get(name)


async def set_case_flag(case: Case, name: str, value: Any = True) -> None:
    """Set (or, with ``None``, clear) a plugin's mark on a case and save it; use the plugin's name
    (``"green_channel"``). Inside ``record_case_event``'s ``work`` it is part of that transaction."""
    flags = dict(case.flags or {})
    if value is None:
        flags.pop(name, None)
    else:
        flags[name] = value
    case.flags = flags
    await case.save(update_fields=["flags", "updated_at"])


# --- documents and numbering ----------------------------------------------------------------------


async def issue_document(
    govhall: GovHall, *, center: Center, kind: str, context: Mapping[str, Any], case: Case | None = None
) -> Document:
    """Number (文号), render and store one PDF document of ``kind`` (a template a plugin registered
    with ``register_document_templates``); runs in the caller's transaction, or its own. The
    number, verification code and date are set here; ``context`` supplies the template's data."""
    return await _issue.issue_document(govhall, center=center, kind=kind, context=context, case=case)


def period_text(start: date, end: date) -> str:
    """A register's period as printed: ``2026年11月`` for a whole month, else
    ``2026年11月1日至2026年11月15日``."""
    return _issue.period_text(start, end)


async def next_value(scope: str) -> int:
    """The next number (1, 2, 3…) of a gap-free sequence named ``scope`` (prefix it with the
    plugin's name: ``"green:<center id>:<year>"``). Call it inside the transaction that uses the
    number: concurrent transactions never get the same one, and a rollback gives it back."""
    return await _counters.next_value(scope)


# --- the clock and the calendar -------------------------------------------------------------------


def local_today(now: datetime | None = None) -> date:
    """Today in the centers' time zone (:data:`CENTER_TZ`, China Standard Time)."""
    return _clock.local_today(now)


async def calendar_for(center: Center) -> WorkCalendar:
    """The center's working-day calendar (statutory holidays, make-up working days, the days the
    center entered itself): ``day_info(d)``, ``working_days_between(a, b)``, ``add_working_days``."""
    return await _clock.calendar_for(center)


def parse_period(text: str) -> tuple[time, time]:
    """``"09:00-12:00"`` → ``(time(9), time(12))``: an office-hours period; ``ValueError`` otherwise."""
    return _parse_period(text)


# --- the outbox -----------------------------------------------------------------------------------


async def publish_event(
    kind: str, *, center: Center | int | None, payload: Mapping[str, Any], subject: str = ""
) -> OutboxEvent:
    """Publish an event (``kind`` prefixed with the plugin's name: ``green_channel.project_opened``)
    in the caller's transaction: it exists exactly when the caller's change commits, gets a stable
    ``event_id`` (UUID) and is delivered at least once to the targets that subscribe to it through
    ``event_targets``. ``payload`` must be JSON; ``subject`` (a case number…) is what it is about."""
    return await _outbox.publish(kind, center=center, payload=payload, subject=subject)


# --- SQL ------------------------------------------------------------------------------------------


def is_postgres() -> bool:
    """True on PostgreSQL, False on SQLite."""
    return bool(get_connection("default").capabilities.dialect == "postgres")


def _sql_value(value: Any, postgres: bool) -> Any:
    if postgres:
        return value
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return value


async def fetch_rows(sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
    """Run one read-only ``SELECT`` written with ``?`` placeholders on either database; dates and
    times in ``params`` are passed as each database wants them. For reports that aggregate over the
    core's tables: the tables and columns a plugin may read are listed in ``docs/plugins.md``."""
    postgres = is_postgres()
    values = [_sql_value(v, postgres) for v in params]
    return list(await get_connection("default").execute_query_dict(_stats.sql_for(sql, postgres), values))
