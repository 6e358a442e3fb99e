"""The plugin API: everything a GovHall plugin may use, and nothing else.

Built-in and outside plugins import from ``core.api`` only (``tests/test_import_contracts.py``
fails otherwise); the rest of ``core`` is internal and may change in any release. What is named
in ``__all__`` stays compatible across minor versions: a name is only removed or changed
incompatibly in a major version. ``docs/plugins.md`` describes every group below.

The functions here are small, documented doors into the core's services; the models are the
core's Tortoise models, which plugins read and reference (``ForeignKeyField("core.Case")``).
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import date, datetime, time, timezone
from typing import Any, TypeVar

from tortoise.connection import get_connection
from tortoise.models import Model

from core.services import cases as _cases
from core.services import centers as _centers
from core.services import clock as _clock
from core.services import complaint_removal as _removal
from core.services import complaints as _complaints
from core.plumbing import counters as _counters
from core.services import effects as _effects
from core.services import handover as _handover
from core.services import later_receipt as _later_receipt
from core.services import notifications as _notifications
from core.services import progress as _progress
from core.services import ratings as _ratings
from core.services import receipt as _receipt
from core.services import slots as _slots
from core.services import stats as _stats
from core.services import throttle as _throttle
from core.services import walk_in_claims as _walk_in_claims
from core.services import walk_ins as _walk_ins
from core.services.accounts import STAFF_ROLES, Actor, closed_window_error
from core.services.accounts import add_user as _add_user
from core.services.calendar import CENTER_TZ, DayInfo, WorkCalendar
from core.services.calendar import parse_period as _parse_period
from core.services.documents import issue as _issue
from core.services.documents import kinds as _kinds
from core.plumbing.errors import Forbidden, NotFound, UserError, UserErrorsException
from core.services.formats import FormatProblem, check_resident_id, check_uscc, code_text, is_valid_mobile
from core.faces.graphql.context import Info
from core.faces.graphql.context import client_address as _client_address
from core.faces.graphql.documents import IssueRegisterResult, issued_document
from core.faces.graphql.types import UserError as GraphQLUserError
from core.faces.graphql.types import UserErrors, mutation_result, user_errors
from core.services.guards import PICKUP_METHODS
from core.services.hookspecs import hookimpl, hookspec
from core.services.outbox import NOTHING_TO_DELIVER, DeliveryFailed, DeliveryRefused, OutboxEvent
from core.services.outbox import admin as _outbox_admin
from core.services.outbox import events as _outbox
from core.services.outbox.admin import TargetRecord as OutboxTargetRecord
from core.plumbing.sql import for_dialect
from core.plumbing.models import (
    DEPARTMENT_ORDER,
    WINDOW_ORDER,
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
    Rating,
    RoleAssignment,
    User,
    WalkInParty,
    Window,
)
from core.services.plugins import acall, acall_first, await_me_maybe, require_plugin
from core.services.runtime import GovHall
from core.services.workflow import TransitionContext

__all__ = [
    # hooks
    "hookimpl", "hookspec", "acall", "acall_first", "await_me_maybe", "require_plugin",
    # errors
    "UserError", "UserErrorsException", "Forbidden", "NotFound",
    # the app, the actor, the transition context
    "GovHall", "Actor", "STAFF_ROLES", "TransitionContext",
    # models
    "Case", "CaseEvent", "CaseTask", "Center", "Complaint", "Department", "Document", "ItemVersion",
    "Material", "Notification", "RoleAssignment", "User", "Window", "Rating", "WalkInParty", "DEPARTMENT_ORDER",
    "WINDOW_ORDER",
    # centers and cases
    "get_center", "load_visible_case", "is_owner", "latest_version", "record_case_event", "task_for_actor",
    "case_flag", "set_case_flag", "PICKUP_METHODS", "received_list", "record_counter_receipt", "hand_over_open_cases",
    "send_staff_message", "closed_window_error",
    # complaints
    "COMPLAINT_CHANNELS", "verified_complaints", "substantiated_complaints_by_staff",
    "RemovalDecision", "removal_decisions",
    # parties at the window and ratings on site
    "walk_in_party", "add_party_account", "transfer_applicant", "record_rating", "RATING_LEVELS",
    # documents and numbering
    "issue_document", "period_text", "period_problem", "cn_date", "next_value", "typed_case_number",
    # messages and bookings
    "send_sms", "applicant_recipient", "claim_place", "release_place", "lock_scope",
    # guessing limits
    "GuessLimits", "limit_guesses", "client_address",
    # the clock and the calendar
    "CENTER_TZ", "DayInfo", "WorkCalendar", "now", "local_today", "local_midnight", "calendar_for", "parse_period",
    # formats
    "FormatProblem", "check_uscc", "check_resident_id", "code_text", "is_valid_mobile",
    # SQL
    "fetch_rows", "for_dialect", "is_postgres",
    # the outbox
    "publish_event", "NOTHING_TO_DELIVER", "DeliveryFailed", "DeliveryRefused", "OutboxEvent", "outbox_target_records", "OutboxTargetRecord",
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
    actor_name: str | None = None,
) -> CaseEvent:
    """A change to a case that is not a state transition (a hand-over, a pickup note, a link to a
    plugin's record). In one transaction the case's version is claimed, ``work(case)`` writes the
    plugin's own rows (what it returns is added to the event's ``changes``) and the audit event
    is appended; then ``case_changed`` runs. A concurrent change gets ``conflict``. A change
    nobody signed in made (a reminder from the ``sweep_tick`` hook) passes ``Actor()`` and the
    name the event shows, ``actor_name="电子监察"``."""
    return await _cases.record_case_event(
        govhall, actor, case, action, comment=comment, changes=changes, work=work, actor_name=actor_name
    )


async def record_counter_receipt(
    govhall: GovHall,
    actor: Actor,
    case: Case,
    received: Any,
    *,
    action: str,
    comment: str = "",
    changes: Mapping[str, Any] | None = None,
    problems: Sequence[UserError] = (),
    work: Callable[[Case], Awaitable[Mapping[str, Any] | None]] | None = None,
) -> CaseEvent:
    """柜台收件 after acceptance: materials the window received for an accepted case (the green
    channel's 先办理，后补齐), stored as the acceptance's counter receipt is, so ``caseMaterials`` and
    later notices show them. ``received`` is ``[{material, form, count}]`` as in ``accept``'s data
    (a material code of the case's item; ``original`` (default) or ``copy``; 1–99, default 1).
    Written with an audit event ``action`` through :func:`record_case_event` (``changes.received``
    as the acceptance's; ``work`` writes the plugin's rows in the same transaction). The caller's
    own ``problems`` are raised with the receipt's, all at once (``UserErrorsException``); the
    caller checks who may."""
    return await _later_receipt.record_counter_receipt(
        govhall, actor, case, received, action=action, comment=comment, changes=changes, problems=problems, work=work
    )


async def send_staff_message(center: Center, recipients: Sequence[User], text: str, *, case: Case | None = None) -> None:
    """站内消息 to members of staff, written in the caller's transaction (inside
    :func:`record_case_event`'s ``work`` it is part of the change): each reads it among their
    messages (``staffMessages``, the workbench's 站内消息), with a link to ``case``."""
    await _notifications.send_internal(
        center.id, [u.username for u in recipients], text, case_id=case.id if case is not None else None
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


async def hand_over_open_cases(
    govhall: GovHall, actor: Actor, center: Center, person: User, partner: User, *, reason: str
) -> list[Case]:
    """AB岗 顶岗: make ``partner`` responsible (首问负责) for every open case of ``center`` that
    ``person`` is responsible for, one ``hand_over`` audit event per case (``changes``: ``from``,
    ``responsible``, ``responsibleName`` the display name; ``comment``: ``reason``), each through :func:`record_case_event` (so
    ``case_changed`` runs). Completed and ended cases stay. Returns the cases moved; a
    ``UserErrorsException`` (``same_person``) when both are the same user. The caller decides
    who may do this."""
    return await _handover.hand_over_open_cases(
        govhall=govhall, actor=actor, center=center, person=person, partner=partner, reason=reason
    )


# --- complaints -----------------------------------------------------------------------------------

COMPLAINT_CHANNELS: Mapping[str, str] = _complaints.CHANNELS
"""Complaint channels and their Chinese names: ``oral`` 当面, ``phone`` 电话, ``written`` 书面, ``online``
网上, ``hotline`` 12345热线, ``box`` 意见箱."""


async def verified_complaints(center: Center, since: datetime, until: datetime) -> list[Complaint]:
    """The center's complaints found substantiated (属实), filed in ``[since, until)``, oldest first,
    with ``case`` loaded; each names its ``department_id``, ``window_id`` and/or ``staff_id``."""
    return await _complaints.verified_complaints(center, since, until)


async def substantiated_complaints_by_staff(center: Center) -> dict[int, int]:
    """{user id: number of substantiated complaints against them} in the center, all time: 1 means a
    notice (通报), 2 or more a removal from the window (下岗) for the center's decision."""
    rows = await Complaint.filter(center_id=center.id, verified=True, staff_id__not_isnull=True).values_list(
        "staff_id", flat=True)
    counts: dict[int, int] = {}
    for key in rows:
        counts[int(key)] = counts.get(int(key), 0) + 1  # type: ignore[arg-type]
    return counts


RemovalDecision = _removal.RemovalDecision


async def removal_decisions(center: Center) -> dict[int, RemovalDecision | None]:
    """{user id: the center's decision on their latest removal flag (下岗), ``None`` while it awaits
    one} for everyone flagged in the center: ``outcome`` ``removed`` (from ``effective_on``) or
    ``retained``, with its ``note``, ``decided_by`` and ``decided_at``."""
    return await _removal.decisions_by_staff(center)
# --- parties at the window and ratings on site --------------------------------------------------

RATING_LEVELS: Mapping[int, str] = _ratings.LEVELS


async def walk_in_party(center: Center, id_number: str) -> WalkInParty | None:
    """The walk-in party (现场申请人) a clerk registered in ``center`` with this resident ID or USCC
    (any case, spaces around it ignored), with its ``account`` loaded; ``None`` when there is none.
    The core registers parties (``registerWalkInParty``, every center's front desk); cases filed for
    one have its account as their applicant. No permission is checked: the caller decides who may."""
    return await _walk_ins.walk_in_party(center, id_number)


async def add_party_account(govhall: GovHall, username: str, *, display_name: str, phone: str = "",
                            id_number: str = "") -> User:
    """An account for an applying party registered at a window (现场申请人, no online account yet):
    cases are filed for it (``onBehalfOf``) and its name is what documents print. Its password is
    random and never shown: nobody logs in with it; the party claims its cases with
    :func:`transfer_applicant`. ``UserErrorsException`` (``duplicate``) when the username is taken."""
    return await _add_user(username, secrets.token_urlsafe(24), display_name=display_name, phone=phone,
                           id_number=id_number, hashing=govhall.settings.password_hashing)


async def transfer_applicant(govhall: GovHall, actor: Actor, case: Case, user: User, *, comment: str = "",
                             changes: Mapping[str, Any] | None = None) -> CaseEvent:
    """The case's applicant becomes ``user`` (a party claims online the case filed for it at the
    window): audited as a ``claim`` event like :func:`record_case_event`; the printed applicant
    name (``applicant_name``) stays the party's."""
    return await _walk_in_claims.transfer_applicant(govhall, actor, case, user, comment=comment, changes=changes)


async def record_rating(
    case: Case, level: int, comment: str, user: User, *, reason_given: bool = False, channel: str = "online"
) -> Rating:
    """Store a finished case's one rating (1 非常不满意 … 5 非常满意, :data:`RATING_LEVELS`) by
    ``user``, its applicant, e.g. tapped at a window's tablet; the caller checks who may. A bad
    rating needs a comment unless ``reason_given``. ``UserErrorsException``: ``range``,
    ``required``, ``not_completed``, ``duplicate`` (also for a concurrent second rating)."""
    return await _ratings.record_rating(case, level, comment, user, reason_given=reason_given, channel=channel)


# --- documents and numbering ----------------------------------------------------------------------


async def issue_document(
    govhall: GovHall, *, center: Center, kind: str, context: Mapping[str, Any], case: Case | None = None
) -> Document:
    """Number (文号) and record one document of ``kind`` (a template a plugin registered with
    ``register_document_templates``); runs in the caller's transaction, or its own. The number,
    verification code and date are set here; ``context`` supplies the template's data, frozen with
    the row. The template is filled now (an error refuses the issue); the PDF is laid out after
    commit, so the returned document is ``state == "pending"`` until rendered."""
    return await _issue.issue_document(govhall, center=center, kind=kind, context=context, case=case)


def period_text(start: date, end: date) -> str:
    """A register's period as printed: ``2026年11月`` for a whole month, else
    ``2026年11月1日至2026年11月15日``."""
    return _issue.period_text(start, end)


def period_problem(start: date, end: date) -> tuple[str, str] | None:
    """Why a period of figures ``start``..``end`` (both included) is refused, as ``(path, Chinese
    message)``, or ``None``: reversed, or longer than ten years. The core's ``statistics`` query
    refuses with it (code ``range``); a plugin's figures of a period should too."""
    return _stats.period_problem(start, end)


def typed_case_number(typed: str) -> str:
    """A case number as stored (``LZ-20261127-000123``) from how a clerk or applicant typed it:
    full width, lower case, spaces or other dashes between its parts. Look the case up with it."""
    return _progress.typed_case_number(typed)


def cn_date(value: Any) -> str:
    """``2026年11月30日``: a date as staff and applicants read it, in messages as on documents
    (``""`` for ``None``)."""
    return _kinds.cn_date(value)


async def next_value(scope: str) -> int:
    """The next number (1, 2, 3…) of a gap-free sequence named ``scope`` (prefix it with the
    plugin's name: ``"green:<center id>:<year>"``). Call it inside the transaction that uses the
    number: concurrent transactions never get the same one, and a rollback gives it back."""
    return await _counters.next_value(scope)


# --- messages and bookings ------------------------------------------------------------------------


async def send_sms(
    govhall: GovHall, center: Center, recipient: str, text: str, *, case: Case | None = None
) -> str | None:
    """Send an SMS once the change that prompts it has committed (after the transaction, or from a
    ``ctx.after_commit`` callback), through the center's ``send_notification`` hook. Returns the
    channel used; a failure is logged and gives ``None``: the change stands."""
    return await _notifications.send_sms(govhall, center, recipient, text, case=case)


async def applicant_recipient(case: Case) -> str:
    """The number an SMS to the case's applicant goes to (for :func:`send_sms`): the phone on their
    account, else the form's ``contactMobile``, else the account's name."""
    return await _notifications.applicant_recipient(case)


async def claim_place(slot_model: type[Model], center: Center, key: str, capacity: int) -> bool:
    """Take one place in a capacity-limited slot (a bookable period of a day): ``slot_model`` is the
    plugin's own model with ``center`` (a foreign key to ``core.Center``), ``slot`` (the plugin's key,
    ``"2026-12-01 09:00-10:00"``) and ``booked`` (an integer, default 0), unique on
    ``(center, slot)``. One upsert raises ``booked`` only while it is below ``capacity``, so
    concurrent bookings never overfill a slot on either database; False when the slot is full. Call it
    inside the booking's transaction: if the booking then fails, the rollback gives the place back."""
    return await _slots.claim_place(slot_model, center, key, capacity)


async def release_place(slot_model: type[Model], center_id: int, key: str) -> None:
    """Give back one place of a slot taken with :func:`claim_place` (a booking was cancelled), in
    the caller's transaction."""
    await _slots.release_place(slot_model, center_id, key)


async def lock_scope(center: Center | int, name: str, *, shared: bool = False) -> None:
    """Serialise what a rule of the center governs with changes to that rule, until the end of the
    caller's transaction: e.g. a booking takes ``lock_scope(center, "myplugin.roster", shared=True)``
    before it checks the roster, and saving the roster takes it exclusively before it checks the
    bookings, so no booking slips in between the check and the save. Name the lock after your
    plugin. Shared holders do not wait for each other."""
    await _slots.lock_scope(center if isinstance(center, int) else center.id, name, shared=shared)


# --- guessing limits -----------------------------------------------------------------------------

T = TypeVar("T")

GuessLimits = _throttle.GuessLimits
"""How many wrong guesses one client address may make (``failures`` within ``window_minutes``, default
5 in 15) before it is locked (``lock_minutes``, doubled at each lockout up to ``max_lock_minutes``)."""


async def limit_guesses(
    scope: str, address: str | None, attempt: Callable[[], Awaitable[T]], *, locked_message: str,
    limits: GuessLimits = GuessLimits(),
) -> T:
    """Run ``attempt``, the check of a short secret someone typed (a booking code at a kiosk), counted
    per client ``address`` and ``scope`` (the plugin's name and what is guessed) in the database as
    logins are: a ``UserErrorsException`` from it is a failed guess; its result passes through. While
    the address is locked ``attempt`` is not run and the refusal is a ``UserErrorsException``
    ``too_many_attempts`` with ``locked_message`` (Chinese; ``{minutes}`` is filled in); the failure
    that reaches the limit carries that error after its own. Failures and locks are audited
    (``security_event``). Check the input's form before: a malformed entry need not cost a guess."""
    return await _throttle.guarded(scope, address, attempt, limits=limits, locked_message=locked_message)


def client_address(info: Info) -> str | None:
    """The address of the GraphQL request's client, as the server sees it (see docs/security.md on proxies)."""
    return _client_address(info.context.request)


# --- the clock and the calendar -------------------------------------------------------------------


def now() -> datetime:
    """The current moment (aware, UTC). Read it instead of ``datetime.now()``: :func:`local_today`
    derives from it, and a test holds every clock of the core and the plugins at once by replacing
    ``core.services.clock.now``."""
    return _clock.now().astimezone(timezone.utc)


def local_today(now: datetime | None = None) -> date:
    """Today in the centers' time zone (:data:`CENTER_TZ`, China Standard Time)."""
    return _clock.local_today(now)


def local_midnight(d: date) -> datetime:
    """00:00 of the China date ``d`` as a UTC datetime: the bound to filter stored times by date
    (a date range ``start..end`` is ``local_midnight(start) <= t < local_midnight(end + 1 day)``).
    Comparing stored times with a +08:00 datetime goes wrong on SQLite, which compares text."""
    return _clock.local_midnight(d)


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


async def outbox_target_records(center: Center, targets: Sequence[str]) -> dict[str, OutboxTargetRecord]:
    """For each of the plugin's ``targets`` (as its ``event_targets`` names them), what became of the
    attempts to deliver the center's events to it: acknowledged, failed, and the last attempt
    (time, result, error). For a plugin's screen of its connections; no permission is checked."""
    return await _outbox_admin.target_records(center.id, list(targets))


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
    return list(await get_connection("default").execute_query_dict(for_dialect(sql, postgres), values))
