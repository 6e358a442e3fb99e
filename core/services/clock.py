"""The clock service: legal and promised deadlines of cases, in working days on the center's calendar.

Timers are rows (``Timer``), so every process sees the same deadlines and the sweeper
(:mod:`core.services.sweeper`) can claim due ones with row locks. Each timer carries ``check_at``, the moment
its alert level may next change, so a sweep reads only due timers, never every open case.

The workflow calls these functions inside a transition's transaction: they join it (plain ORM calls),
change timers, pauses and extensions, and set the case's deadline fields *without saving the case*:
the workflow saves it once, with :data:`CASE_FIELDS` among the fields it writes. Only
:func:`recompute_center` (a calendar change, no transition around it) saves cases itself, bumping
their version and appending an audit event.

Pause intervals: a pause begun on day P and ended on day R stops the count after P and restarts it
the day after R (the day materials come in is like an acceptance day: counting starts the next day).
A pause begun and ended on the same day changes nothing.
"""

from __future__ import annotations

import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime, time, timedelta, timezone
from typing import TYPE_CHECKING, Any

from cachetools import LRUCache

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from core.services.accounts import Actor
from core.services.case_memo import CaseMaterials, defer_insert, defer_update, flush, memo_of, once, read_case, reading_once
from core.services.calendar import CENTER_TZ, DayOverride, Deadline, ExplainedDay, WorkCalendar, cn_day
from core.plumbing.errors import UserError, UserErrorsException, one_of
from core.plumbing.sql import for_dialect, insert_new, is_postgres, models, select_list, update_fields
from core.plumbing.instances import new_instance
from core.plumbing.models import CalendarDay, CalendarYear, Case, CaseEvent, CaseTask, Center, Extension, ItemVersion, Pause, Timer, User
from core.services.plugins import acall

if TYPE_CHECKING:
    from core.services.runtime import GovHall  # the app builds this module's services, not the reverse

__all__ = [
    "ALERT_LEVELS",
    "CASE_FIELDS",
    "PAUSE_REASONS",
    "SPECIAL_PROCEDURES",
    "TIMER_KINDS",
    "alert_level",
    "calendar_for",
    "complete_case_clock",
    "due_date",
    "explain_case",
    "extend_clock",
    "import_calendar",
    "local_today",
    "next_check_at",
    "now",
    "pause_clock",
    "pause_kinds",
    "paused_limits",
    "provisional_due",
    "provisional_dues",
    "PausedLimit",
    "recompute_center",
    "resume_clock",
    "start_clock",
    "stop_clock",
    "yellow_days_for",
]

ONE_DAY = timedelta(days=1)

ALERT_LEVELS: tuple[str, ...] = ("NONE", "YELLOW", "RED")
ALERT_RANK: dict[str, int] = {level: rank for rank, level in enumerate(ALERT_LEVELS)}
ALERT_LABELS: dict[str, str] = {"NONE": "正常", "YELLOW": "黄牌预警", "RED": "红牌（已超期）"}

TIMER_KINDS: dict[str, str] = {
    "promised": "承诺期限",
    "legal": "法定期限",
    "task": "部门办理期限",
    "decide": "决定期限",
}

# Administrative Licensing Law art. 45 and the correction notice (一次性告知): time not counted.
PAUSE_REASONS: dict[str, str] = {
    "corrections": "补正材料",
    "hearing": "听证",
    "expert_review": "专家评审",
    "inspection": "检验、检疫",
    "site_survey": "现场勘查",
    "testing": "检测、鉴定",
    "report_up": "报请上级机关",
}
# 勘察、论证、听证 and the like: the law stops the legal clock; whether the promised clock stops too is
# each center's choice (``settings.clock.surveyPausesPromised``, default no: the promise still holds).
SPECIAL_PROCEDURES = frozenset({"site_survey", "hearing", "expert_review", "inspection", "testing"})


def pause_kinds(center: Center, reason: str) -> list[str] | None:
    """The timer kinds a pause for ``reason`` stops at ``center`` (None: every timer)."""
    if reason in SPECIAL_PROCEDURES and not ((center.settings or {}).get("clock") or {}).get("surveyPausesPromised", False):
        return ["legal"]
    return None


# Case columns the clock functions set; the workflow's final save must include them.
CASE_FIELDS: tuple[str, ...] = (
    "promised_due",
    "legal_due",
    "deadline_provisional",
    "promised_days",
    "actual_days",
    "legal_days",
    "legal_actual_days",
    "completed_on",
    "alert",
)

OPEN_STATES = ("running", "paused")
DEFAULT_YELLOW_DAYS = 1
EXTENDABLE_KINDS = ("legal", "promised")
_MAX_WALK_DAYS = 3660
MAX_DUE_DATE_WORKING_DAYS = 1000
"""The public ``dueDate`` counts at most this many working days (about four years): far beyond any
legal time limit, and within the calendar walk's bound of ten years."""


# --- time ------------------------------------------------------------------------------------------


def now() -> datetime:
    """The current moment (aware, in UTC): the one "now" the core's today and the plugins' clocks
    read. A test holds every clock at a chosen moment by replacing this one function
    (``monkeypatch.setattr(core.services.clock, "now", ...)``)."""
    return datetime.now(timezone.utc)


def _current() -> datetime:
    return now()  # looked up at each call, so a replaced ``now`` is what counts


def local_today(now: datetime | None = None) -> date:
    """Today in Asia/Shanghai (of ``now``, by default of :func:`now`): deadlines are dates of the
    hall, not of the server."""
    return (now or _current()).astimezone(CENTER_TZ).date()


def local_midnight(d: date) -> datetime:
    """00:00 Asia/Shanghai of ``d``, in UTC (what the database stores)."""
    return datetime.combine(d, time(0), tzinfo=CENTER_TZ).astimezone(timezone.utc)


# --- the center's calendar ---------------------------------------------------------------------------

_CALENDAR_CACHE_SIZE = 64
_CALENDARS: LRUCache[tuple[int, str], WorkCalendar] = LRUCache(maxsize=_CALENDAR_CACHE_SIZE)


def calendar_fingerprint(center: Center) -> str | None:
    """Changes whenever the center's calendar rows change (:func:`import_calendar` sets a new random
    token in the same transaction), so a cache keyed by it is never stale in any process."""
    value = (center.settings or {}).get("calendarVersion")
    return str(value) if value else None


async def calendar_for(center: Center) -> WorkCalendar:
    """The center's working-day calendar: its entered days and years over ``chinese_calendar``.

    Cached per (center, fingerprint). A center without a fingerprint (never imported a calendar, or
    its settings were replaced since) is read from the database each time: two small indexed reads
    that cannot go stale, instead of a cache that could.
    """
    fingerprint = calendar_fingerprint(center)
    key = (center.id, fingerprint) if fingerprint else None
    if key is not None and (cached := _CALENDARS.get(key)) is not None:
        return cached
    rows = await CalendarDay.filter(center_id=center.id).values_list("day", "workday", "name")
    years = await CalendarYear.filter(center_id=center.id).values_list("year", flat=True)
    calendar = WorkCalendar([DayOverride(_as_date(d), bool(w), n or "") for d, w, n in rows], years)
    if key is not None:
        _CALENDARS[key] = calendar
    return calendar


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


async def _center_of(case: Case) -> Center:
    loaded = getattr(case, "_center", None)
    if isinstance(loaded, Center):
        return loaded
    center = await Center.get(id=case.center_id)  # type: ignore[attr-defined]
    case._center = center  # type: ignore[attr-defined]
    return center


async def yellow_days_for(center: Center, case: Case | None = None) -> int:
    """Working days left at which a timer turns yellow: the item's ``alerts.yellowDays`` if its
    definition has one, else the center's ``settings.alerts.yellowDays``, else 1."""
    if case is not None:
        item = getattr(case, "_item_version", None)
        definition = item.definition if isinstance(item, ItemVersion) else None
        if definition is None:
            version_id = case.item_version_id  # type: ignore[attr-defined]
            definition = await ItemVersion.filter(id=version_id).first().values_list("definition", flat=True)
        value = _yellow_setting(definition)
        if value is not None:
            return value
    value = _yellow_setting(center.settings)
    return DEFAULT_YELLOW_DAYS if value is None else value


def _yellow_setting(doc: Any) -> int | None:
    alerts = doc.get("alerts") if isinstance(doc, dict) else None
    value = alerts.get("yellowDays") if isinstance(alerts, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


# --- alert levels ------------------------------------------------------------------------------------


def alert_level(calendar: WorkCalendar, today: date, due: date, yellow_days: int) -> str:
    """RED once the due date has passed, YELLOW when at most ``yellow_days`` working days remain."""
    if today > due:
        return "RED"
    if calendar.working_days_between(today, due) <= yellow_days:
        return "YELLOW"
    return "NONE"


def yellow_start(calendar: WorkCalendar, due: date, yellow_days: int) -> date:
    """The first day on which :func:`alert_level` says YELLOW: the (yellow_days + 1)-th working day
    counting back from ``due`` (on it, exactly ``yellow_days`` working days are left)."""
    d, found = due, 0
    for _ in range(_MAX_WALK_DAYS):
        if calendar.is_workday(d):
            found += 1
            if found == yellow_days + 1:
                return d
        d -= ONE_DAY
    return d


def next_check_at(calendar: WorkCalendar, due: date | None, alert: str, yellow_days: int) -> datetime | None:
    """When a running timer's level may next rise above ``alert``; None when it cannot (RED)."""
    if due is None or alert == "RED":
        return None
    red_at = local_midnight(due + ONE_DAY)
    if alert == "YELLOW":
        return red_at
    return min(local_midnight(yellow_start(calendar, due, yellow_days)), red_at)


def _max_alert(levels: Iterable[str]) -> str:
    return max(levels, key=lambda level: ALERT_RANK.get(level, 0), default="NONE")


# --- pauses and timers -------------------------------------------------------------------------------


def stops(pause: Pause, kind: str | None) -> bool:
    """Whether ``pause`` stops timers of ``kind`` (None: asks about the case as a whole)."""
    return kind is None or pause.kinds is None or kind in pause.kinds


def pause_intervals(pauses: Sequence[Pause], kind: str | None = None) -> list[tuple[date, date | None]]:
    """Pauses (those that stop timers of ``kind``) as the calendar's (begin inclusive, end exclusive)
    intervals (see the module doc)."""
    return [
        (_as_date(p.started_on) + ONE_DAY, _as_date(p.ended_on) + ONE_DAY if p.ended_on is not None else None)
        for p in pauses
        if stops(p, kind)
    ]


def _open_pause(pauses: Sequence[Pause], kind: str | None = None) -> Pause | None:
    return next((p for p in pauses if p.ended_on is None and stops(p, kind)), None)


def _recompute_with(
    timer: Timer, calendar: WorkCalendar, pauses: Sequence[Pause], today: date, yellow_days: int
) -> None:
    """:func:`_recompute_timer` with the pauses that apply to this timer's kind."""
    kind = timer.kind
    _recompute_timer(timer=timer, calendar=calendar, intervals=pause_intervals(pauses, kind), paused=_open_pause(pauses, kind) is not None, today=today, yellow_days=yellow_days)


@contextmanager
def just_created(case: Case, *, with_materials: bool = False) -> Iterator[None]:
    """Inside this block the clock knows ``case`` was inserted in the current transaction, so it has
    no timers, pauses, department tasks or alert events to read, nor materials unless
    ``with_materials`` (attached as it was filed): a submission reads none of its rows back."""
    known: dict[str, Any] = {"timers": [], "pauses": [], "tasks": [], "last_alert": None}
    if not with_materials:
        known["materials"] = CaseMaterials(uploaded=[], received=[])
    with reading_once(case, **known):
        yield


async def _pauses(case: Case) -> list[Pause]:
    """The case's pauses, oldest first; read once per transition (:mod:`core.services.case_memo`):
    the clock keeps the shared list true as it adds and ends pauses."""
    await read_case(case)  # with the case's other rows, in a transition (see case_memo)
    return await once(case, "pauses", lambda: models(Pause, _pauses_sql(is_postgres()), [case.id]))


async def _timers(case: Case) -> list[Timer]:
    """The case's timers, locked (PostgreSQL) so a concurrent sweep cannot overwrite our changes
    nor we its alert: the sweeper skips locked rows, we wait for its short transaction. Read once
    per transition, like the pauses: the clock adds the timers it starts to the shared list."""
    await read_case(case)  # with the case's other rows, in a transition (see case_memo)
    return await once(case, "timers", lambda: models(Timer, _timers_sql(is_postgres()), [case.id]))


async def _save(case: Case, row: Timer | Pause, names: list[str]) -> None:
    """Update a timer or pause of ``case``: with the transition's last writes when in one."""
    if not defer_update(case, row, names):
        await update_fields(row, names)


# Built once (the ORM would build them on every transition); a timer read locks its rows on PostgreSQL.
@cache
def _pauses_sql(postgres: bool) -> str:
    return for_dialect(f'SELECT {select_list(Pause)} FROM "pause" WHERE "case_id" = ? ORDER BY "started_on", "id"', postgres)


@cache
def _timers_sql(postgres: bool) -> str:
    lock = " FOR NO KEY UPDATE" if postgres else ""
    return for_dialect(f'SELECT {select_list(Timer)} FROM "timer" WHERE "case_id" = ? ORDER BY "id"{lock}', postgres)


def _deadline(
    timer: Timer, calendar: WorkCalendar, intervals: Sequence[tuple[date, date | None]], explain: bool = True
) -> Deadline:
    return calendar.add_working_days(
        _as_date(timer.started_on), timer.working_days, paused=intervals, extra_days=timer.extra_days, explain=explain
    )


def _recompute_timer(
    timer: Timer,
    calendar: WorkCalendar,
    intervals: Sequence[tuple[date, date | None]],
    paused: bool,
    today: date,
    yellow_days: int,
) -> None:
    """Due date, provisional flag, state and next check of an open timer.

    While paused the old due date stays (the real one is unknown until the clock resumes). A later
    due date can lower the alert (silently: the transition that moved it is itself audited); a
    higher level is left to the sweeper, which raises it exactly once, with its event and hook.
    """
    deadline = _deadline(timer, calendar, intervals, explain=False)  # the date, not the day-by-day reasons
    timer.provisional = deadline.provisional
    if deadline.due is not None:
        timer.due = deadline.due
    if paused or timer.due is None:
        timer.state, timer.check_at = "paused", None
        return
    timer.state = "running"
    due = _as_date(timer.due)
    level = alert_level(calendar, today, due, yellow_days)
    if ALERT_RANK[level] < ALERT_RANK.get(timer.alert, 0):
        timer.alert = level
    timer.check_at = next_check_at(calendar, due, timer.alert, yellow_days)


_TIMER_FIELDS = ["due", "provisional", "state", "alert", "check_at", "extra_days"]


def _refresh_case(case: Case, timers: Sequence[Timer]) -> None:
    """Copy the timers' outcome onto the case (not saved): dues of the latest promised and legal
    timers, provisional if any open deadline is, alert = the highest of the open timers."""
    for kind, attr in (("promised", "promised_due"), ("legal", "legal_due")):
        of_kind = [t for t in timers if t.kind == kind]
        if of_kind:
            chosen = next((t for t in reversed(of_kind) if t.state in OPEN_STATES), of_kind[-1])
            setattr(case, attr, chosen.due)
    open_timers = [t for t in timers if t.state in OPEN_STATES]
    if open_timers:
        case.deadline_provisional = any(t.provisional for t in open_timers)
    case.alert = _max_alert(t.alert for t in open_timers)


def provisional_due(timers: Iterable[Timer], kind: str) -> bool:
    """Whether the case's ``kind`` date (``promised``: ``promisedDue``, ``legal``: ``legalDue``) is
    provisional: the open timer it comes from counted days of a year whose holiday schedule nobody
    has entered. ``Case.deadline_provisional`` says whether *any* open deadline is: a promise due on
    22 December is final while the legal date, in a January not yet published, is not."""
    of_kind = [t for t in timers if t.kind == kind]
    chosen = next((t for t in reversed(of_kind) if t.state in OPEN_STATES), None)
    return bool(chosen is not None and chosen.provisional)


async def provisional_dues(case: Case) -> tuple[bool, bool]:
    """(promised, legal) :func:`provisional_due` of ``case``; no read unless some deadline is
    provisional, and inside a transition of the case the timers it already holds."""
    if not case.deadline_provisional:
        return False, False
    if memo_of(case) is not None:
        timers: Sequence[Timer] = await _timers(case)
    else:
        timers = await Timer.filter(case_id=case.id).order_by("id")
    return provisional_due(timers, "promised"), provisional_due(timers, "legal")


# --- the service -------------------------------------------------------------------------------------


async def start_clock(
    case: Case,
    *,
    kind: str = "promised",
    working_days: int,
    start: date | None = None,
    task: CaseTask | None = None,
) -> Timer:
    """Start a deadline of ``working_days`` counted from the working day after ``start`` (default:
    today in Asia/Shanghai). An open timer of the same kind is stopped first, so a case accepted
    again after a return never carries two clocks of one kind; a ``task`` timer replaces only the
    timer of the same ``task`` (pass it: the joint case's other departments keep theirs). Sets the case's due fields
    (not saved); saves the timer and, for a task timer, the task's ``due``."""
    if kind not in TIMER_KINDS:
        raise ValueError(f"unknown timer kind {kind!r}; expected one of {sorted(TIMER_KINDS)}")
    if working_days < 0:
        raise ValueError("working_days must not be negative")
    start = start or local_today()
    center = await _center_of(case)
    calendar = await calendar_for(center)
    yellow_days = await yellow_days_for(center, case)
    pauses = await _pauses(case)
    timers = await _timers(case)
    task_id = task.id if task is not None else None
    for old in timers:
        if _replaced_by(old, kind, task_id):
            old.state, old.check_at = "stopped", None
            await _save(case, old, ["state", "check_at"])
    timer = new_instance(Timer, {"case_id": case.id, "task_id": task_id, "kind": kind, "working_days": working_days,
                                 "started_on": start})
    _recompute_with(timer=timer, calendar=calendar, pauses=pauses, today=local_today(), yellow_days=yellow_days)
    if not defer_insert(case, timer):  # in a transition: written with the case (see case_memo)
        await insert_new(timer)
    timers.append(timer)  # the transition's shared list (see _timers)
    if task is not None:
        task.due = timer.due
        await update_fields(task, ["due"])
    if kind == "promised":
        case.promised_days = working_days
    _refresh_case(case, timers)
    return timer


def _replaced_by(old: Timer, kind: str, task_id: int | None) -> bool:
    """An open timer a new one of ``kind`` replaces: same kind; for a task timer, same task only
    (a joint case runs one per department)."""
    if old.kind != kind or old.state not in OPEN_STATES:
        return False
    return kind != "task" or (task_id is not None and old.task_id == task_id)  # type: ignore[attr-defined]


async def pause_clock(
    case: Case, reason: str, note: str = "", on: date | None = None, kinds: Sequence[str] | None = None
) -> Pause:
    """Stop the clock for a reason the law excludes (补正、听证、专家评审…); running timers become
    paused, keep their last due date and are not swept until :func:`resume_clock`. With ``kinds``
    only timers of those kinds stop (a site survey stops the legal clock while the promised one
    keeps running, where the center promises so); the others run on."""
    if reason not in PAUSE_REASONS:
        raise UserErrorsException.single("pause.reason", f"未知的暂停原因，可选：{one_of(PAUSE_REASONS)}", "/reason")
    on = on or local_today()
    pauses = await _pauses(case)
    current = _open_pause(pauses)
    if current is not None:
        label = PAUSE_REASONS.get(current.reason, current.reason)
        message = f"该办件自{cn_day(_as_date(current.started_on))}起已因“{label}”暂停计时，请先恢复计时"
        raise UserErrorsException.single("clock.paused", message)
    pause = await Pause.create(case_id=case.id, reason=reason, note=note, started_on=on,
                               kinds=list(kinds) if kinds is not None else None)
    pauses.append(pause)  # the transition's shared list (see _pauses), kept in its order
    pauses.sort(key=lambda p: (_as_date(p.started_on), p.id))
    timers = await _timers(case)
    for timer in timers:
        if timer.state == "running" and stops(pause, timer.kind):
            timer.state, timer.check_at = "paused", None
            await _save(case, timer, ["state", "check_at"])
    _refresh_case(case, timers)
    return pause


async def resume_clock(case: Case, on: date | None = None) -> None:
    """End the open pause on ``on`` and recompute every paused timer with all pauses left out.
    Nothing to do when the clock is not paused (a transition may resume unconditionally)."""
    on = on or local_today()
    pauses = await _pauses(case)
    current = _open_pause(pauses)
    if current is None:
        return
    if on < _as_date(current.started_on):
        message = f"恢复日期{cn_day(on)}早于暂停日期{cn_day(_as_date(current.started_on))}"
        raise UserErrorsException.single("clock.resume_before_pause", message)
    current.ended_on = on
    await _save(case, current, ["ended_on"])
    await _recompute_case(case, pauses, paused_only=True, today=on)


async def _recompute_case(
    case: Case, pauses: Sequence[Pause] | None = None, *, paused_only: bool = False, today: date | None = None
) -> list[Timer]:
    center = await _center_of(case)
    calendar = await calendar_for(center)
    yellow_days = await yellow_days_for(center, case)
    pauses = list(pauses) if pauses is not None else await _pauses(case)
    timers = await _timers(case)
    today = today or local_today()
    for timer in timers:
        if timer.state == "paused" or (not paused_only and timer.state == "running"):
            _recompute_with(timer=timer, calendar=calendar, pauses=pauses, today=today, yellow_days=yellow_days)
            await _save(case, timer, _TIMER_FIELDS)
    _refresh_case(case, timers)
    return timers


async def stop_clock(case: Case, *, kinds: Sequence[str] | None = None, on: date | None = None) -> None:
    """Stop the case's open timers (all of them, or those of ``kinds``). Stopping everything also
    ends an open pause on ``on``: a case decided while paused is no longer waiting for anyone."""
    timers = await _timers(case)
    for timer in timers:
        if timer.state in OPEN_STATES and (kinds is None or timer.kind in kinds):
            timer.state, timer.check_at = "stopped", None
            await _save(case, timer, ["state", "check_at"])
    if kinds is None:
        current = _open_pause(await _pauses(case))
        if current is not None:
            current.ended_on = max(on or local_today(), _as_date(current.started_on))
            await _save(case, current, ["ended_on"])
    _refresh_case(case, timers)


async def complete_case_clock(case: Case, on: date | None = None, *, item_legal_days: int = 0) -> None:
    """The case is finished (办结): stop every timer and record the figures the year-end statistics
    read — completion date, actual working days (the pauses of the promised clock left out),
    promised working days, the legal time limit (the case's legal timer's days, else, for an accepted
    case, ``item_legal_days``, the item's published ``legalDays``; 0: none) and the actual working days
    on the legal clock (every pause the law leaves out of the legal limit left out: corrections and
    the special procedures) — and clear the alert. Not saved: the workflow saves the case with
    :data:`CASE_FIELDS`."""
    on = on or local_today()
    await stop_clock(case, on=on)
    center = await _center_of(case)
    calendar = await calendar_for(center)
    timers = await _timers(case)
    pauses = await _pauses(case)
    promised = [t for t in timers if t.kind == "promised"]
    legal = [t for t in timers if t.kind == "legal"]
    accepted = _as_date(case.accepted_on or (min(_as_date(t.started_on) for t in timers) if timers else on))
    case.completed_on = on
    case.actual_days = calendar.working_days_between(accepted, on, paused=pause_intervals(pauses, "promised"))
    case.legal_actual_days = calendar.working_days_between(accepted, on, paused=pause_intervals(pauses, "legal"))
    # the legal limit runs from acceptance: a case answered without being accepted (答复件) has none
    case.legal_days = legal[-1].working_days if legal else max(item_legal_days, 0) if case.accepted_on else 0
    if promised:
        case.promised_days = promised[-1].working_days
    case.alert = "NONE"


async def extend_clock(
    case: Case,
    days: int,
    reason: str,
    approved_by: User,
    *,
    actor: Actor | None = None,
    on: date | None = None,
) -> Extension:
    """Record an extension (延期) approved by the head (on ``on``, default today) and add ``days``
    working days to the case's legal and promised timers. The workflow checks the role; given
    ``actor``, so does this."""
    if actor is not None:
        actor.require(case.center_id, "head")  # type: ignore[attr-defined]
    errors = []
    if days <= 0:
        errors.append(UserError("extension.days", "延长的工作日数应为正整数", "/days"))
    if not reason or not reason.strip():
        errors.append(UserError("required", "请填写延期理由", "/reason"))
    timers = await _timers(case)
    extendable = [t for t in timers if t.kind in EXTENDABLE_KINDS and t.state in OPEN_STATES]
    if not extendable:
        errors.append(UserError("clock.not_running", "该办件没有正在计时的法定或承诺期限，无法延期"))
    if errors:
        raise UserErrorsException(errors)
    extension = await Extension.create(case_id=case.id, days=days, reason=reason.strip(), approved_by=approved_by, at=now())
    for timer in extendable:
        timer.extra_days += days
        await _save(case, timer, ["extra_days"])
    await _recompute_case(case, today=on)
    return extension


@dataclass(frozen=True)
class PausedLimit:
    """A time limit of a case whose clock is paused before it ran out: its due date is unknown until
    the clock resumes, so a notice states the working days left instead of a date."""

    kind: str  # "promised" or "legal"
    reason: str  # why the clock stopped, as a notice prints it (现场勘查, 听证…)
    since: date  # the day the pause began (it counts; the next one does not)
    remaining: int  # working days left once the clock resumes, approved extensions included


async def paused_limits(case: Case) -> dict[str, PausedLimit]:
    """The promised and legal limits of ``case`` the open pause holds (by kind; empty when the
    clock runs). A limit that ran out before the pause began keeps its date and is not listed.
    In a transition, after :func:`extend_clock`, ``remaining`` includes the days just added."""
    pauses = await _pauses(case)
    current = _open_pause(pauses)
    if current is None:
        return {}
    calendar = await calendar_for(await _center_of(case))
    found: dict[str, PausedLimit] = {}
    for timer in await _timers(case):  # the latest open timer of each kind wins
        if timer.kind not in EXTENDABLE_KINDS or timer.state not in OPEN_STATES or not stops(current, timer.kind):
            continue
        if _deadline(timer, calendar, pause_intervals(pauses, timer.kind), explain=False).due is not None:
            found.pop(timer.kind, None)
            continue
        before = pause_intervals([p for p in pauses if p is not current], timer.kind)
        counted = calendar.working_days_between(_as_date(timer.started_on), _as_date(current.started_on), paused=before)
        found[timer.kind] = PausedLimit(
            kind=timer.kind, reason=PAUSE_REASONS.get(current.reason, current.reason), since=_as_date(current.started_on),
            remaining=max(timer.working_days + timer.extra_days - counted, 0),
        )
    return found


async def due_date(center: Center, start: date, working_days: int) -> Deadline:
    """The due date ``working_days`` after ``start`` on the center's calendar: the computation the
    cases use, for the public ``dueDate`` query."""
    if not 0 <= working_days <= MAX_DUE_DATE_WORKING_DAYS:
        raise UserErrorsException.single(
            "range", f"工作日数应在 0 到 {MAX_DUE_DATE_WORKING_DAYS} 之间", "/workingDays"
        )
    calendar = await calendar_for(center)
    try:
        return calendar.add_working_days(start, working_days)
    except (OverflowError, ValueError):  # a start near year 9999: the due date is past the last date
        raise UserErrorsException.single("range", f"起算日{cn_day(start)}超出可计算的日期范围", "/from")


async def explain_case(case: Case) -> Deadline:
    """The day-by-day reasoning behind the case's promised (else legal) due date, so a clerk can
    answer "why is my date the 13th?": weekends, holidays, make-up days, pauses with their reason,
    days added by an extension."""
    await flush(case)  # a transition's timers not written yet
    timers = await Timer.filter(case_id=case.id, kind__in=["promised", "legal"]).order_by("id")
    timer = next((t for t in reversed(timers) if t.kind == "promised"), None) or (timers[-1] if timers else None)
    if timer is None:
        return Deadline(None, False, False, [])
    calendar = await calendar_for(await _center_of(case))
    pauses = await _pauses(case)
    applying = [p for p in pauses if stops(p, timer.kind)]
    deadline = _deadline(timer, calendar, pause_intervals(applying))
    return Deadline(deadline.due, deadline.provisional, deadline.paused, _annotate(deadline, timer, applying))


def _annotate(deadline: Deadline, timer: Timer, pauses: Sequence[Pause]) -> list[ExplainedDay]:
    out = []
    for item in deadline.explanation:
        reason = item.reason
        if not item.counted and reason.startswith("暂停计时"):
            pause = next(
                (p for p, (b, e) in zip(pauses, pause_intervals(pauses)) if b <= item.day and (e is None or item.day < e)),
                None,
            )
            if pause is not None:
                reason = reason.replace("暂停计时", f"暂停计时（{PAUSE_REASONS.get(pause.reason, pause.reason)}）", 1)
        elif item.counted and item.ordinal is not None and item.ordinal > timer.working_days:
            reason = f"{reason}（延期增加）"
        out.append(ExplainedDay(item.day, item.counted, item.ordinal, reason))
    return out


# --- calendar changes --------------------------------------------------------------------------------

_RECOMPUTE_CHUNK = 500


async def recompute_center(
    center: Center, *, since: date | None = None, today: date | None = None, promised_moved: list[PromiseMoved] | None = None,
) -> int:
    """Recompute every open timer of the center's cases (those whose due date is on or after
    ``since``, or unknown) after a calendar change, in the caller's transaction. A case whose due
    dates, provisional flag or alert change is saved with its version bumped and an audit event
    (``deadline_recomputed``) saying what moved; one whose promised date moved is added to
    ``promised_moved`` (its applicant is told once the change is committed:
    :func:`core.services.notifications.tell_promise_moved`). Returns the number of cases changed.

    Locks cases before timers, in id order, like a transition does, so the two cannot deadlock.
    """
    today = today or local_today()
    calendar = await calendar_for(center)
    open_timers = Timer.filter(case__center_id=center.id, state__in=OPEN_STATES)
    if since is not None:
        open_timers = open_timers.filter(Q(due__gte=since) | Q(due=None))
    case_ids = sorted(set(await open_timers.values_list("case_id", flat=True)))
    changed = 0
    for i in range(0, len(case_ids), _RECOMPUTE_CHUNK):
        chunk = case_ids[i : i + _RECOMPUTE_CHUNK]
        changed += await _recompute_chunk(center, calendar, chunk, today=today, promised_moved=promised_moved)
    return changed


@dataclass(frozen=True)
class PromiseMoved:
    """A case whose promised date (承诺办结) a calendar change moved."""

    case: Case
    before: date | None
    after: date | None


async def _recompute_chunk(center: Center, calendar: WorkCalendar, case_ids: list[int], *, today: date,
                           promised_moved: list[PromiseMoved] | None = None) -> int:
    cases = await Case.filter(id__in=case_ids).order_by("id").select_for_update(no_key=True)
    timers_by_case: dict[int, list[Timer]] = {}
    for timer in await Timer.filter(case_id__in=case_ids).order_by("id").select_for_update(no_key=True):
        timers_by_case.setdefault(timer.case_id, []).append(timer)  # type: ignore[attr-defined]
    pauses_by_case: dict[int, list[Pause]] = {}
    for pause in await Pause.filter(case_id__in=case_ids).order_by("started_on", "id"):
        pauses_by_case.setdefault(pause.case_id, []).append(pause)  # type: ignore[attr-defined]
    thresholds: dict[int, int] = {}
    changed = 0
    for case in cases:
        case._center = center  # type: ignore[attr-defined]
        version_id = case.item_version_id  # type: ignore[attr-defined]
        if version_id not in thresholds:
            thresholds[version_id] = await yellow_days_for(center, case)
        timers = timers_by_case.get(case.id, [])
        pauses = pauses_by_case.get(case.id, [])
        for timer in timers:
            if timer.state in OPEN_STATES:
                before = (timer.due, timer.provisional, timer.state, timer.alert, timer.check_at)
                _recompute_with(timer=timer, calendar=calendar, pauses=pauses, today=today, yellow_days=thresholds[version_id])
                if (timer.due, timer.provisional, timer.state, timer.alert, timer.check_at) != before:
                    await timer.save(update_fields=_TIMER_FIELDS)
        old = {f: getattr(case, f) for f in ("promised_due", "legal_due", "deadline_provisional", "alert")}
        _refresh_case(case, timers)
        moved = {f: [_jsonable(old[f]), _jsonable(getattr(case, f))] for f in old if old[f] != getattr(case, f)}
        if moved:
            changed += 1
            case.version += 1
            await case.save(update_fields=["promised_due", "legal_due", "deadline_provisional", "alert", "version", "updated_at"])
            await CaseEvent.create(
                case_id=case.id, seq=case.version, action="deadline_recomputed", from_state=case.state,
                to_state=case.state, actor_name="系统", comment="工作日历变更，期限已重新计算", at=now(),
                changes={_CAMEL.get(f, f): v for f, v in moved.items()},
            )
            if promised_moved is not None and "promised_due" in moved:
                promised_moved.append(PromiseMoved(case=case, before=old["promised_due"], after=case.promised_due))
    return changed


_CAMEL = {"promised_due": "promisedDue", "legal_due": "legalDue", "deadline_provisional": "deadlineProvisional"}


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _office_hours_note(*, code: str, offered: list[str], kept: list[str], applied: bool) -> str | None:
    """What the import did with the file's ``officeHours``, in a sentence for the administrator."""
    if not offered:
        return None
    if applied:
        return f"已按日历文件设置中心“{code}”的办公时间：{'、'.join(offered)}"
    if offered == kept:
        return None
    return (f"日历文件中的办公时间（{'、'.join(offered)}）未采用：中心“{code}”保留自己的办公时间"
            f"（{'、'.join(kept)}）；确需改用文件中的办公时间，请指定“采用办公时间”（applyOfficeHours、--office-hours）")


async def import_calendar(
    center: Center, doc: Any, *, today: date | None = None, govhall: GovHall | None = None,
    apply_office_hours: bool = False,
) -> dict[str, Any]:
    """Enter a year's calendar file for a center: every problem is raised at once and nothing is
    written; otherwise, in one transaction, the year's days replace the center's previous entries
    of that year, the year is marked entered (its deadlines stop being provisional), the calendar fingerprint changes and every affected open case
    is recomputed; then, with ``govhall`` (the GraphQL mutation and the command line pass it), the
    center's plugins recompute their own dates (``calendar_imported``).

    A center's office hours belong to the center (its center file, 中心管理), not to the year's
    holidays: the file's ``officeHours`` replace them only with ``apply_office_hours``, or for a center
    that has none; the answer says which (``office_hours_applied``, ``office_hours_note``)."""
    from core.services.calendar_files import read_calendar_document  # jsonschema: seconds to import, rarely needed

    parsed = read_calendar_document(doc)
    if parsed.center is not None and parsed.center != center.code:
        message = f"日历文件适用于中心“{parsed.center}”，不能导入中心“{center.code}”；请改正文件中的 center 或删去该项"
        raise UserErrorsException.single("center_mismatch", message, "/center")
    first, last = date(parsed.year, 1, 1), date(parsed.year, 12, 31)
    async with in_transaction():
        fresh = await Center.select_for_update().get(id=center.id)
        replaced = await CalendarDay.filter(center_id=center.id, day__gte=first, day__lte=last).delete()
        await CalendarDay.bulk_create(
            [CalendarDay(center_id=center.id, day=o.day, workday=o.workday, name=o.name[:64]) for o in parsed.overrides]
        )
        year_row = await CalendarYear.get_or_none(center_id=center.id, year=parsed.year)
        if year_row is None:
            await CalendarYear.create(center_id=center.id, year=parsed.year, source=parsed.source[:256], entered_at=now())
        else:
            year_row.source = parsed.source[:256]
            await year_row.save(update_fields=["source"])
        fresh.settings = {**(fresh.settings or {}), "calendarVersion": uuid.uuid4().hex}
        fields = ["settings"]
        offered = parsed.office_hours.as_strings() if parsed.office_hours is not None else []
        kept = list(fresh.office_hours or [])
        applied = bool(offered) and offered != kept and (apply_office_hours or not kept)
        if applied:
            fresh.office_hours = offered
            fields.append("office_hours")
        await fresh.save(update_fields=fields)
        promised_moved: list[PromiseMoved] = []
        changed = await recompute_center(fresh, since=first, today=today, promised_moved=promised_moved)
        if govhall is not None:
            await acall(govhall.hub.for_center(fresh).calendar_imported, govhall=govhall, center=fresh, year=parsed.year)
    center.settings, center.office_hours = fresh.settings, fresh.office_hours  # only once committed
    return {
        "center": center.code,
        "year": parsed.year,
        "source": parsed.source,
        "holidays": sum(1 for o in parsed.overrides if not o.workday),
        "workdays": sum(1 for o in parsed.overrides if o.workday),
        "replaced_days": replaced,
        "office_hours": list(center.office_hours or []),
        "office_hours_applied": applied,
        "office_hours_note": _office_hours_note(code=center.code, offered=offered, kept=kept, applied=applied),
        "cases_changed": changed,
        "promised_moved": promised_moved,  # the caller tells their applicants (notifications.tell_promise_moved)
    }
