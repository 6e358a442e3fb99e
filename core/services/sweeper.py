"""The deadline sweeper (电子监察): raises yellow and red cards when timers come due.

It reads only timers whose ``check_at`` has passed (an index range), never every open case, so its
cost follows the number of due timers. Several sweepers may run at once — in ``govhall serve``
workers and as ``govhall sweep`` — on PostgreSQL: each batch locks its timers and their cases with
``FOR NO KEY UPDATE SKIP LOCKED``, so no two sweepers take the same timer and a sweeper never waits
for a transition (a case a transition holds is left for the next sweep). A raise is committed with
its audit event and the case's version bump in one transaction, and ``check_at`` moves past the new
level, so an alert is raised once, also across restarts; hooks run after the commit (at most once:
a crash between commit and hook loses the notification, never doubles the alert).
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any

from tortoise.connection import get_connection
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from core.plumbing.sql import for_dialect
from core.services.calendar import WorkCalendar
from core.services import clock
from core.services.clock import (
    ALERT_LABELS,
    ALERT_RANK,
    TIMER_KINDS,
    alert_level,
    calendar_for,
    local_today,
    next_check_at,
    yellow_days_for,
)
from core.plumbing.models import Case, CaseEvent, Center, Timer
from core.services.documents.kinds import cn_date
from core.services.outbox import events as outbox_events
from core.services.upload_limits import clean_orphans

__all__ = ["run_sweeper", "sweep", "sweep_plugins"]

log = logging.getLogger("govhall.sweeper")


@dataclass
class _Raised:
    center: Center
    case: Case
    timer: Timer
    level: str
    event: CaseEvent


async def sweep(govhall: Any, *, now: datetime | None = None, batch: int = 500) -> list[tuple[int, str]]:
    """Raise every alert that is due at ``now``; returns (timer id, new level) for the ones this
    sweeper raised. Batches of ``batch`` timers, each in its own short transaction."""
    now = (now or clock.now()).astimezone(timezone.utc)
    raised: list[tuple[int, str]] = []
    skipped: set[int] = set()
    while True:
        claimed, notices = await _sweep_batch(now, batch, skipped)
        raised.extend((n.timer.id, n.level) for n in notices)
        await _notify(govhall, notices)
        if claimed < batch:
            return raised


async def _sweep_batch(now: datetime, batch: int, skipped: set[int]) -> tuple[int, list[_Raised]]:
    """One transaction: claim up to ``batch`` due timers, raise what has risen, commit."""
    today = local_today(now)
    async with in_transaction():
        timers, cases = await _claim(now, batch, skipped)
        calendars: dict[int, WorkCalendar] = {}
        thresholds: dict[int, int] = {}
        raised_by_case: dict[int, list[Timer]] = {}
        moved: list[Timer] = []
        for timer in timers:
            case = cases.get(timer.case_id)  # type: ignore[attr-defined]
            if case is None:  # a transition holds the case: leave the timer for the next sweep
                skipped.add(timer.id)
                continue
            center: Center = case._center  # type: ignore[attr-defined]
            if center.id not in calendars:  # once per center and batch, however many timers
                calendars[center.id] = await calendar_for(center)
            version_id: int = case.item_version_id  # type: ignore[attr-defined]
            if version_id not in thresholds:
                thresholds[version_id] = await yellow_days_for(center, case)
            if _advance(timer, calendars[center.id], today, thresholds[version_id]):
                raised_by_case.setdefault(case.id, []).append(timer)
            moved.append(timer)
        # a few statements per batch, not one per timer
        await _save_timers(moved)
        notices = [n for case_id, raised in raised_by_case.items() for n in _record(cases[case_id], raised, now)]
        if notices:
            await CaseEvent.bulk_create([n.event for n in notices])
            await outbox_events.alerts_raised(notices)
            await _save_cases([cases[case_id] for case_id in raised_by_case], raised_by_case, now)
    return len(timers), notices


async def _save_timers(timers: list[Timer]) -> None:
    """Write the timers' new alert and check_at: one ``UPDATE … FROM unnest(…)`` on PostgreSQL, one
    executemany on SQLite. (Tortoise's ``bulk_update`` repeats the id list per column, and on
    PostgreSQL that made the planner scan the whole table.)"""
    if not timers:
        return
    conn = get_connection("default")
    check_at = Timer._meta.fields_map["check_at"]
    if conn.capabilities.dialect == "postgres":
        await conn.execute_query(
            for_dialect("UPDATE timer AS t SET alert = v.alert, check_at = v.check_at"
            " FROM unnest(?::bigint[], ?::varchar[], ?::timestamptz[]) AS v(id, alert, check_at)"
            " WHERE t.id = v.id", postgres=True),
            [[t.id for t in timers], [t.alert for t in timers], [t.check_at for t in timers]],
        )
    else:
        await conn.execute_many(
            "UPDATE timer SET alert = ?, check_at = ? WHERE id = ?",
            [[t.alert, check_at.to_db_value(t.check_at, Timer), t.id] for t in timers],
        )


async def _save_cases(cases: list[Case], raised_by_case: dict[int, list[Timer]], now: datetime) -> None:
    """Bump the cases' version by their number of new events and set their alert: one UPDATE per
    (alert, increment) group, each over an id list the primary key serves. The rows are locked by
    this transaction, so ``version + k`` is exactly the version the events were numbered from."""
    groups: dict[tuple[str, int], list[int]] = {}
    for case in cases:
        groups.setdefault((case.alert, len(raised_by_case[case.id])), []).append(case.id)
    for (alert, increment), ids in groups.items():
        await Case.filter(id__in=ids).update(alert=alert, version=F("version") + increment, updated_at=now)


async def _claim(now: datetime, batch: int, skipped: set[int]) -> tuple[list[Timer], dict[int, Case]]:
    """Due running timers and their cases, locked; rows another transaction holds are skipped
    (PostgreSQL; SQLite has one writer and ignores the clause). ``case._center`` is filled in."""
    query = Timer.filter(state="running", check_at__lte=now)
    if skipped:
        query = query.exclude(id__in=sorted(skipped))
    timers = await query.order_by("check_at", "id").limit(batch).select_for_update(skip_locked=True, no_key=True)
    if not timers:
        return [], {}
    case_ids = sorted({t.case_id for t in timers})  # type: ignore[attr-defined]
    locked = await Case.filter(id__in=case_ids).order_by("id").select_for_update(skip_locked=True, no_key=True)
    center_ids = sorted({c.center_id for c in locked})  # type: ignore[attr-defined]
    centers = {c.id: c for c in await Center.filter(id__in=center_ids)}
    for case in locked:
        case._center = centers[case.center_id]  # type: ignore[attr-defined]
    return list(timers), {c.id: c for c in locked}


def _record(case: Case, raised: list[Timer], now: datetime) -> list[_Raised]:
    """The case's side of a raise (not yet written): its alert, one audit event per raised timer
    with the next sequence number, and the version bump that makes it a change.

    ``case.alert`` is kept equal to the highest level of the case's open timers by the clock
    functions, and a sweep only raises levels, so the new value is the higher of the two: no query
    over the case's timers, whatever their number.
    """
    case.alert = max([case.alert, *(t.alert for t in raised)], key=lambda level: ALERT_RANK.get(level, 0))
    case.updated_at = now
    notices = []
    for timer in raised:
        case.version += 1
        event = CaseEvent(
            case_id=case.id, seq=case.version, action="alert", from_state=case.state, to_state=case.state,
            actor_name="电子监察", comment=_comment(timer), changes={"alert": timer.alert, "timer": timer.kind}, at=now,
        )
        notices.append(_Raised(center=case._center, case=case, timer=timer, level=timer.alert, event=event))  # type: ignore[attr-defined]
    return notices


def _advance(timer: Timer, calendar: WorkCalendar, today: date, yellow_days: int) -> bool:
    """Raise the timer's level if it has risen (True when it did); move ``check_at`` on either way."""
    if timer.due is None:
        timer.check_at = None
        return False
    due = timer.due if isinstance(timer.due, date) else date.fromisoformat(str(timer.due))
    level = alert_level(calendar, today, due, yellow_days)
    higher = ALERT_RANK[level] > ALERT_RANK.get(timer.alert, 0)
    if higher:
        timer.alert = level
    timer.check_at = next_check_at(calendar, due, timer.alert, yellow_days)
    return higher


def _comment(timer: Timer) -> str:
    what = TIMER_KINDS.get(timer.kind, timer.kind)
    due = cn_date(timer.due)  # as every date staff read: 2026年11月30日
    if timer.alert == "RED":
        return f"{what}（{due}）已超期：{ALERT_LABELS['RED']}"
    return f"{what}（{due}）即将到期：{ALERT_LABELS['YELLOW']}"


async def _notify(govhall: Any, notices: list[_Raised]) -> None:
    """Hooks after the commit. Each plugin's implementation is called on its own (in pluggy's
    order, awaited like :func:`core.services.plugins.acall`): one plugin's failure is logged and neither
    undoes nor repeats the alert, nor keeps the other plugins from hearing of it."""
    for n in notices:
        hooks = govhall.hub.for_center(n.center)
        for name, kwargs in (
            ("alert_raised", {"center": n.center, "case": n.case, "timer": n.timer, "level": n.level}),
            ("case_changed", {"center": n.center, "case": n.case, "event": n.event}),
        ):
            for impl in reversed(getattr(hooks, name).get_hookimpls()):
                try:
                    result = impl.function(*[kwargs[arg] for arg in impl.argnames])
                    if inspect.isawaitable(result):
                        await result
                except Exception:
                    log.exception("%s of plugin %s failed for case %s timer %s", name, impl.plugin_name, n.case.id, n.timer.id)


async def sweep_plugins(govhall: Any, *, now: datetime | None = None) -> None:
    """The plugins' own reminders: the ``sweep_tick`` hook, once per center for the plugins it
    enables, each implementation on its own (one plugin's failure is logged and keeps neither the
    others nor the other centers from their round)."""
    now = (now or clock.now()).astimezone(timezone.utc)
    for center in await Center.all().order_by("id"):
        for impl in reversed(govhall.hub.for_center(center).sweep_tick.get_hookimpls()):
            kwargs = {"govhall": govhall, "center": center, "now": now}
            try:
                result = impl.function(*[kwargs[arg] for arg in impl.argnames])
                if inspect.isawaitable(result):
                    await result
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("sweep_tick of plugin %s failed for center %s", impl.plugin_name, center.code)


async def run_sweeper(govhall: Any, interval: float) -> None:
    """Sweep every ``interval`` seconds until cancelled (the app lifespan or ``govhall sweep``).
    A failed sweep is logged and retried on the next tick: nothing it claimed was committed. Each
    tick then runs the plugins' ``sweep_tick`` (:func:`sweep_plugins`) and deletes uploads left
    unattached too long (:func:`core.services.upload_limits.clean_orphans`)."""
    while True:
        try:
            raised = await sweep(govhall)
            if raised:
                log.info("raised %d alert(s)", len(raised))
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("sweep failed; retrying in %.0f s", interval)
        try:
            await sweep_plugins(govhall)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("the plugins' sweep failed; retrying in %.0f s", interval)
        try:
            await clean_orphans(govhall.settings.upload_limits)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("cleaning unattached uploads failed; retrying in %.0f s", interval)
        await asyncio.sleep(interval)
