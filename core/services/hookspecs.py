"""Every hook a GovHall plugin can implement (pluggy project ``govhall``).

Two families:

* ``register_*`` hooks are called once, when an app is created, for every *installed* plugin:
  they contribute definitions (models, processes, items, templates, GraphQL fields, guards...).
  What a plugin registers is visible to all centers, but its behaviour only runs for the centers
  that enable it.
* The other hooks are called *for one center*, and only the plugins that center enables take part
  (see :meth:`core.services.plugins.PluginHub.for_center`). Toggling a plugin for a center is data: the
  next call sees it.

Each hook documents when it is called, with what, and what it returns. ``docs/plugins.md`` has an
example for every hook; ``tests/test_docs.py`` fails when one is missing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from core.plumbing.errors import UserError
    from core.services.accounts import Actor
    from core.plumbing.models import Case, CaseEvent, Center, Department, ItemVersion, Timer, User, Window
    from core.services.runtime import GovHall
    from core.services.workflow import TransitionContext

hookspec = pluggy.HookspecMarker("govhall")
hookimpl = pluggy.HookimplMarker("govhall")


# --- registration: called once per app, for every installed plugin -----------------------------


@hookspec
def register_hookspecs() -> Any:
    """Called once when the plugin manager is built, after every plugin is registered. Return a
    module (or class) of ``@hookspec`` functions this plugin adds for other plugins to implement
    (the assessment plugin's ``assessment_rules``), or ``None``. Specs a plugin adds are
    per-center hooks like the core's, called through :func:`core.api.acall`."""


@hookspec
def register_title() -> str | None:
    """Called when the plugin manager is built, once for each installed plugin. Return the
    plugin's name for people (in Chinese: 绿色通道), which the admin's plugin switches and the
    refusals of a disabled plugin's calls show; ``None`` (or no implementation): the plugin is
    called by its code."""


@hookspec
def register_models() -> str | None:
    """Called when the database is configured. Return the dotted path of a module holding this
    plugin's Tortoise models (its own app label, named after the plugin; its migrations live in the
    sibling ``migrations`` package), or ``None``."""


@hookspec
def register_processes() -> Sequence[Mapping[str, Any]]:
    """Called when an app is created. Return process documents (``schemas/process.schema.json``)
    this plugin supplies; each ``id`` must be unique across plugins. Items choose one by id."""


@hookspec
def register_item_dirs() -> Sequence[Path]:
    """Called by ``govhall demo`` for each demo center that enables this plugin. Return folders of
    item documents (``schemas/item.schema.json``) this plugin ships; the demo publishes them there."""


@hookspec
def register_document_templates() -> Sequence[Path]:
    """Called when the document renderer is built. Return folders of Jinja2 templates; a template
    named ``<kind>.html`` adds a document kind or overrides the core's template of that kind."""


@hookspec
def register_document_kinds() -> Mapping[str, Mapping[str, Any]]:
    """Called when an app is created. Return ``{kind: {"title": "绿色通道受理表", "abbreviation":
    "绿", "readers": ("clerk", "head")}}`` for the document kinds this plugin adds (their templates
    come from ``register_document_templates``). The title heads the document unless its template
    or context names one (``document.title``). The abbreviation goes into the 文号
    (``连政服绿〔2026〕第0001号``); kinds sharing an abbreviation share one number sequence, so numbers
    never collide. ``readers``: the roles in the document's center that may download a copy issued
    without a case — those allowed the data it prints (a kind without readers: administrators only;
    a case's documents follow the case's permissions)."""


@hookspec
def register_graphql() -> Mapping[str, Sequence[type]]:
    """Called when the GraphQL schema is built. Return ``{"query": [...], "mutation": [...]}``
    with Strawberry types whose fields are merged into the schema. Resolvers must refuse centers
    that do not enable the plugin (:func:`core.api.require_plugin`)."""


@hookspec
def register_guards() -> Mapping[str, Callable[..., Any]]:
    """Called when an app is created. Return ``{name: guard}``; a process transition lists guards
    by name. A guard is ``async def guard(ctx: TransitionContext) -> list[UserError]``: an empty
    list lets the transition happen."""


@hookspec
def register_effects() -> Mapping[str, Callable[..., Any]]:
    """Called when an app is created. Return ``{name: effect}``; a transition lists effects by name.
    An effect is ``async def effect(ctx: TransitionContext, **params) -> None`` run inside the
    transition's database transaction: raising rolls the whole transition back."""


@hookspec
def register_routes() -> Sequence[Any]:
    """Called when the Starlette app is created. Return extra ``starlette.routing.Route`` objects
    (for example a printable register page). Handlers check the center's plugins themselves."""


# --- per center: called only for the plugins the case's center enables --------------------------


@hookspec
def validate_case(
    center: Center, item: ItemVersion, data: Mapping[str, Any], action: str
) -> Sequence[UserError] | None:
    """Called before a case is stored (``action="submit"``) and before a transition that edits its
    data (``action`` = the transition), after the form's JSON Schema passed. Return the extra
    problems this center's rules find (each with a JSON pointer), or ``None``/``[]``."""


@hookspec
def transition_guard(ctx: TransitionContext) -> Sequence[UserError] | None:
    """Called inside a transition's transaction, after the process's own guards passed and before
    any effect, for every transition of a case of this center (``ctx.transition.action`` says
    which). Return the problems that forbid it (nothing is then changed), or ``None``/``[]``."""


@hookspec
def transition_effects(ctx: TransitionContext) -> None:
    """Called inside a transition's transaction after the process's effects ran, before the case
    is saved and its audit event appended. Write the plugin's own records here; add to
    ``ctx.changes`` what the audit event should show. Raising rolls the transition back.
    Returns nothing."""


@hookspec(firstresult=True)
def choose_lead_department(
    center: Center, item: ItemVersion, departments: Sequence[Department]
) -> str | None:
    """Called when a joint case (联办件) opens its department tasks. Return the code of the lead
    department, or ``None`` to let the next plugin (and finally the core's default) decide."""


@hookspec
def agency_granted(center: Center, agent: User, applicant: User, item: ItemVersion) -> bool | None:
    """Called when an agent (代办员) submits a case ``onBehalfOf`` an applicant in ``center``, before
    anything is stored. Return ``True`` when this plugin has a recorded agency of ``agent`` for
    ``applicant`` in this center (for example an accepted agency request), ``None`` when it knows
    of none. Without any ``True`` the agent must attach a power of attorney (委托书, catalogue code
    ``wts``) to the submission, or the submission is refused."""


@hookspec
def case_changed(center: Center, case: Case, event: CaseEvent) -> None:
    """Called after a case change has been committed (submit, transition, alert). Use it to
    notify people or update a plugin's own records; an exception here is logged, not raised,
    because the change itself already happened. Returns nothing."""


@hookspec
def demo_data(center: Center, actor: Actor) -> Sequence[str] | None:
    """Called by ``govhall demo`` once per demo center that enables this plugin, after the demo
    centers, users (with their roles) and items exist. ``actor``: the demo's administrator (the
    ``admin`` role in every demo center), to add this plugin's demo rows for ``center`` through the
    plugin's own services. ``govhall demo`` may run again over an existing demo: change what exists
    rather than add it twice. Returns lines (Chinese) saying what it added, or None."""


@hookspec
def alert_raised(center: Center, case: Case, timer: Timer, level: str) -> None:
    """Called after the sweeper raised a timer's alert to ``level`` (``YELLOW`` or ``RED``) and
    committed it, exactly once per timer and level. Returns nothing."""


@hookspec
def sweep_tick(govhall: GovHall, center: Center, now: datetime) -> None:
    """Called by the deadline sweeper once per round (every ``GOVHALL_SWEEP_SECONDS`` in each
    ``govhall serve`` worker, and by ``govhall sweep``) for each center, after the core's timers
    were swept, for the plugins that center enables: raise the plugin's own reminders that came due
    by ``now`` (the green channel's late materials to follow). Several sweepers may run at once:
    claim what you remind of in the transaction that records it (a conditional ``UPDATE … WHERE
    reminded IS NULL``), so each reminder goes out once. Returns nothing; an exception is logged
    and the next round tries again."""


@hookspec
def calendar_imported(govhall: GovHall, center: Center, year: int) -> None:
    """Called when a year's calendar file is imported for ``center`` (``govhall calendar import``,
    the ``importCalendar`` mutation), inside the import's transaction, after the year's days were
    stored and the core recomputed its open cases' deadlines (those due on or after 1 January of
    ``year``, the provisional ones among them): recompute the plugin's own dates counted in working
    days the same way, e.g. with ``(await calendar_for(center)).add_working_days(...)``, which
    now answers with the imported days, and store them with the answer's ``provisional`` flag; a
    date of a case that moved belongs in its history (``record_case_event(govhall, Actor(), ...)``),
    as the core's own recount writes ``deadline_recomputed``. Returns nothing; raising refuses the
    import (nothing of it is written)."""


@hookspec(firstresult=True)
def send_notification(center: Center, recipient: str, text: str, case: Case | None) -> str | None:
    """Called to deliver an SMS or other message. The first plugin that sends it returns the
    channel name it used; the core's default (trylast) records the message in the
    ``notification`` table and returns ``"sms"``."""


@hookspec
def case_action_form(center: Center, case: Case, item: ItemVersion, action: str) -> Mapping[str, Any] | None:
    """Called when a client asks what an action the caller may take on a case of this center needs
    filled in (``CaseAction.form``: the case page draws it above the action's button). Return a
    JSON Schema object (``{"type": "object", "properties": {...}, "required": [...]}``, with the
    form hints of item forms such as ``x-widget``, ``x-enumNames`` and ``x-order``) of the fields
    this plugin's guards and effects read from the transition's ``data`` for ``action`` on this
    case, or ``None``. The fields of every enabled plugin are merged into one form; the core's own
    fields for its actions are not part of it."""


@hookspec
def case_action_blocked(center: Center, case: Case, item: ItemVersion, action: str, actor: Actor) -> str | None:
    """Called when a client asks whether an action offered to ``actor`` on a case of this center can
    be taken now (``CaseAction.blockedReason``: the case page shows the action's button disabled,
    with the reason). Return, in Chinese, why this plugin's ``transition_guard`` would refuse the
    action whatever is filled in (a step before it not done yet: the result not yet handed to the
    pickup window), or ``None``. The guard still decides when the action is taken; this only says
    so before the clerk tries."""


@hookspec(firstresult=True)
def case_pickup_status(center: Center, case: Case) -> Mapping[str, Any] | None:
    """Called when someone follows a case of this center without signing in (the public
    ``caseProgress`` lookup) while its state waits at the pickup window (its process state's
    ``queue`` is ``pickup``: 已办结，待出件). Return ``{"ready": bool, "at": datetime | None}``:
    whether the result has physically reached the pickup window yet (``at``: when it was signed
    for there), or ``None`` to leave it to the state (ready as soon as the case is there). The
    first plugin that answers decides; what it says is shown to the public, so say nothing else."""


@hookspec
def case_pickup_extras(center: Center, case: Case) -> Sequence[Mapping[str, Any]] | None:
    """Called when a client reads what goes out with a case's result (``Case.pickupExtras``: the
    pickup window's 出件 screen and its receipt list it) while the case waits at the pickup window
    (its process state's ``queue`` is ``pickup``); never for a case elsewhere. Return what this
    plugin has to be handed over together with the result, each ``{"title": str, "contents":
    [str, ...], "methods": [str, ...] | None, "note": str | None}`` (the enterprise zone's
    开办大礼包: 营业执照正本、副本, 印章, 税务UKey, 发票; ``methods``: the 出件 methods it goes out
    with, ``in_person``, ``courier``, ``self_print``, all of them when ``None``; ``note``: what
    确认出件 records of it, in Chinese; optionally ``hints``: ``[{"method": str, "text": str,
    "warning": bool, "receipt": str | None}, ...]``, what the window should know when the result
    goes out by ``method``, in Chinese: the pack asked for by post but collected in person is a
    ``warning``, the address a parcel goes to is not; ``receipt``: what the pickup receipt prints
    beside it when it goes out that way, such as 邮寄地址：…), or ``None``/``[]``. The
    answers of every enabled plugin are listed in turn. A plugin that records the handing over
    does it in ``transition_effects`` on ``deliver``, in the 出件's own transaction."""


@hookspec
def case_document_context(center: Center, case: Case, kind: str, params: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """Called when a document of ``kind`` is issued for a case, with ``params``: the ``data`` of the
    transition issuing it (what the clerk filled in: the green channel's ``materialsToFollow``,
    which it returns with their due date ``materialsDue`` for the acceptance notice, and
    ``materialsDueProvisional`` when that date is 暂定),
    empty when it is issued outside a transition. Return extra template variables (merged into
    the context under their keys), or ``None``. An implementation may leave ``params`` out of its
    signature."""


@hookspec
def window_closing(center: Center, window: Window) -> str | None:
    """Called when an administrator or configurator closes (撤销) an open window of this center
    (``closeWindow``), inside its transaction, before the window is marked closed; and when a center
    file closes it (``"closed": true``), inside the load's transaction, with ``center`` as the file
    leaves it (its settings applied). Return, in
    Chinese, why this plugin still needs the window open (the hall floor's queues still call
    numbers at it: 排队业务“A 综合”仍由该窗口叫号), or ``None``. Any reason refuses the closing
    (``window_in_use``, the reasons joined) and nothing is written; reopening is never asked."""


# --- the outbox: called by the dispatcher, for the plugins the event's center enables -------------


@hookspec
def event_targets(center: Center | None, kind: str) -> Sequence[str] | None:
    """Called by the outbox dispatcher when it delivers an event of ``kind`` (``case.submitted``,
    ``alert.raised``…, or a plugin's own) published for ``center``. Return the names of this
    plugin's targets that subscribe to it (prefix them with the plugin's name:
    ``exchange:webhook``), or ``None``/``[]``. Each target then gets the event through
    ``deliver_event`` until it acknowledges it."""


@hookspec(firstresult=True)
def deliver_event(center: Center | None, target: str, event: Any) -> bool | None:
    """Called by the outbox dispatcher to hand ``event`` (an ``OutboxEvent``: ``event_id``,
    ``kind``, ``subject``, ``payload``, ``created_at``) to ``target``. The plugin owning ``target``
    delivers it and returns ``True``; others return ``None``. Raising means "try again later"
    (exponential backoff, dead letter after the last attempt); raising
    :class:`core.api.DeliveryRefused` means the receiver refused it for good (dead letter now).
    Delivery is at least once: the receiver de-duplicates by ``event.event_id``."""
