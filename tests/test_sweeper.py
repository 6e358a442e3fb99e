"""The sweeper: yellow then red, each exactly once, with its audit event, version bump and hook; only
for the centers that enable the plugin; and three sweepers at once on PostgreSQL raising every alert
exactly once."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import date, datetime, timedelta, timezone

import pytest

from core.services import clock

from core import hookimpl
from core.services.calendar import CENTER_TZ
from core.plumbing.models import Case, CaseEvent, Timer
from core.services.sweeper import sweep, sweep_plugins
from tests.test_clock import make_case, make_world, midnight_utc, started

pytestmark = pytest.mark.anyio


def at(d: date, hour: int = 0, minute: int = 0, second: int = 1) -> datetime:
    """A moment in Asia/Shanghai."""
    return datetime(d.year, d.month, d.day, hour, minute, second, tzinfo=CENTER_TZ)


class AlertRecorder:
    """A center plugin that records the alerts it is told about (an async hook, as a plugin that
    sends an SMS would write it)."""

    def __init__(self) -> None:
        self.alerts: list[tuple[int, int, str]] = []
        self.changes: list[tuple[int, int, str]] = []
        self.ticks: list[tuple[str, datetime]] = []

    @hookimpl
    async def alert_raised(self, center, case, timer, level):
        await asyncio.sleep(0)
        self.alerts.append((case.id, timer.id, level))

    @hookimpl
    def case_changed(self, center, case, event):
        self.changes.append((case.id, event.seq, event.action))

    @hookimpl
    async def sweep_tick(self, center, now):
        self.ticks.append((center.code, now))


@pytest.fixture
def recorder(plugin_manager) -> AlertRecorder:
    plugin = AlertRecorder()
    plugin_manager.register(plugin, name="alert_recorder")
    return plugin


@pytest.fixture
async def world(recorder, app, govhall):
    return await make_world(govhall.hub, plugins=["alert_recorder"])


async def test_yellow_then_red_exactly_once_each(world, recorder, govhall):
    accepted = date(2026, 9, 28)
    case = await started(world, accepted, promised=5)  # due 2026-10-10, a make-up Saturday
    (timer,) = await Timer.filter(case_id=case.id)
    version = (await Case.get(id=case.id)).version

    assert await sweep(govhall, now=at(date(2026, 10, 8), 23, 59, 59)) == []  # 2 working days left
    assert await sweep(govhall, now=at(date(2026, 10, 9))) == [(timer.id, "YELLOW")]
    assert await sweep(govhall, now=at(date(2026, 10, 9), 12)) == []
    assert await sweep(govhall, now=at(date(2026, 10, 10), 23, 59, 59)) == []  # due day: still yellow
    row = await Timer.get(id=timer.id)
    assert row.alert == "YELLOW" and row.check_at == midnight_utc(date(2026, 10, 11))
    assert (await Case.get(id=case.id)).alert == "YELLOW"

    assert await sweep(govhall, now=at(date(2026, 10, 11))) == [(timer.id, "RED")]
    assert await sweep(govhall, now=at(date(2026, 10, 20))) == []
    row = await Timer.get(id=timer.id)
    assert row.alert == "RED" and row.check_at is None

    stored = await Case.get(id=case.id)
    assert stored.alert == "RED" and stored.version == version + 2
    events = await CaseEvent.filter(case_id=case.id).order_by("seq")
    assert [(e.seq, e.action, e.changes) for e in events] == [
        (version + 1, "alert", {"alert": "YELLOW", "timer": "promised"}),
        (version + 2, "alert", {"alert": "RED", "timer": "promised"}),
    ]
    assert events[0].to_state == events[0].from_state == "review"
    assert events[0].comment == "承诺期限（2026年10月10日）即将到期：黄牌预警"
    assert events[1].comment.startswith("承诺期限（2026年10月10日）已超期")
    assert recorder.alerts == [(case.id, timer.id, "YELLOW"), (case.id, timer.id, "RED")]
    assert recorder.changes == [(case.id, version + 1, "alert"), (case.id, version + 2, "alert")]


async def test_a_sweep_reads_the_one_clock(world, recorder, govhall, monkeypatch):
    """Without a moment of its own, the sweeper sweeps at the clock's now (held here), and its audit
    event shows that moment."""
    case = await started(world, date(2026, 9, 28), promised=5)  # due 2026-10-10: yellow from 10-09
    (timer,) = await Timer.filter(case_id=case.id)
    held = at(date(2026, 10, 9), 9, 30)
    monkeypatch.setattr(clock, "now", lambda: held)
    assert await sweep(govhall) == [(timer.id, "YELLOW")]
    (event,) = await CaseEvent.filter(case_id=case.id, action="alert")
    assert event.at == held


async def test_a_late_sweep_goes_straight_to_red_once(world, recorder, govhall):
    case = await started(world, date(2026, 9, 28), promised=5, legal=8)
    timers = {t.kind: t for t in await Timer.filter(case_id=case.id)}
    raised = await sweep(govhall, now=at(date(2026, 10, 14)))
    assert sorted(raised) == sorted([(timers["promised"].id, "RED"), (timers["legal"].id, "YELLOW")])
    assert (await Case.get(id=case.id)).alert == "RED"
    assert await sweep(govhall, now=at(date(2026, 10, 14), 18)) == []
    assert Counter(level for _, _, level in recorder.alerts) == {"RED": 1, "YELLOW": 1}
    seqs = sorted(e.seq for e in await CaseEvent.filter(case_id=case.id))
    assert seqs == [case.version + 1, case.version + 2]


async def test_paused_and_stopped_timers_are_not_swept(world, recorder, govhall):
    paused = await started(world, date(2026, 9, 28), promised=5)
    await clock.pause_clock(paused, "corrections", on=date(2026, 9, 29))
    await paused.save()
    done = await started(world, date(2026, 9, 28), promised=5)
    await clock.complete_case_clock(done, on=date(2026, 9, 30))
    await done.save()
    assert await sweep(govhall, now=at(date(2026, 12, 1))) == []
    assert recorder.alerts == [] and await CaseEvent.all().count() == 0


async def test_many_due_timers_in_small_batches(world, recorder, govhall):
    cases = [await started(world, date(2026, 9, 1), promised=3) for _ in range(23)]
    raised = await sweep(govhall, now=at(date(2026, 11, 1)), batch=5)
    assert len(raised) == 23 and len(set(raised)) == 23
    assert {case_id for case_id, _, _ in recorder.alerts} == {c.id for c in cases}


async def test_hook_only_for_centers_that_enable_the_plugin(recorder, app, govhall):
    other = await make_world(govhall.hub, code="other", plugins=[])
    await started(other, date(2026, 9, 28), promised=5)
    assert len(await sweep(govhall, now=at(date(2026, 10, 11)))) == 1
    assert recorder.alerts == [] and await CaseEvent.filter(action="alert").count() == 1


async def test_a_failing_hook_does_not_undo_or_repeat_the_alert(world, recorder, govhall, plugin_manager):
    class Broken:
        @hookimpl
        def alert_raised(self, center, case, timer, level):
            raise RuntimeError("SMS gateway down")

    plugin_manager.register(Broken(), name="broken_sms")
    world.center.plugins = ["alert_recorder", "broken_sms"]
    await world.center.save()
    await started(world, date(2026, 9, 28), promised=5)
    assert len(await sweep(govhall, now=at(date(2026, 10, 11)))) == 1
    assert len(recorder.alerts) == 1
    assert await sweep(govhall, now=at(date(2026, 10, 12))) == []


async def test_each_round_the_plugins_of_each_center_sweep_their_own_and_one_failure_stops_none(
    world, recorder, govhall, plugin_manager
):
    """``sweep_tick``: once per center and round for the plugins it enables, with the round's moment;
    a plugin that fails is logged and keeps neither the others nor the next center from their turn."""

    class Broken:
        @hookimpl
        def sweep_tick(self, govhall, center, now):
            raise RuntimeError("reminder service down")

    plugin_manager.register(Broken(), name="broken_reminders")
    world.center.plugins = ["broken_reminders", "alert_recorder"]
    await world.center.save()
    second = await make_world(govhall.hub, code="second", plugins=["alert_recorder"])
    await make_world(govhall.hub, code="third", plugins=[])
    moment = at(date(2026, 10, 12), 9)
    await sweep_plugins(govhall, now=moment)
    assert recorder.ticks == [(world.center.code, moment), (second.center.code, moment)]


async def test_center_threshold_and_check_at_follow_the_calendar(world, recorder, govhall):
    world.center.settings = {"alerts": {"yellowDays": 3}}
    await world.center.save()
    case = await make_case(world, accepted_on=date(2026, 9, 28))
    timer = await clock.start_clock(case, working_days=5, start=date(2026, 9, 28))
    # 3 working days before the 10-10 due date: 10-08, 10-09, 10-10 left on 09-30
    assert timer.check_at == midnight_utc(date(2026, 9, 30))
    assert await sweep(govhall, now=at(date(2026, 9, 29), 23)) == []
    assert await sweep(govhall, now=at(date(2026, 9, 30))) == [(timer.id, "YELLOW")]


@pytest.mark.postgres_only
async def test_three_sweepers_at_once_raise_each_alert_exactly_once(world, recorder, govhall):
    """Three sweepers in three tasks, each batch in its own transaction on its own pooled connection."""
    n = 300
    await make_due_timers(world, n)
    now = at(date(2026, 11, 26), 10)
    results = await asyncio.gather(*(sweep(govhall, now=now, batch=20) for _ in range(3)))
    raised = [r for result in results for r in result]
    assert len(raised) == n and len(set(raised)) == n
    assert sum(1 for result in results if result) >= 2, "the sweepers did not share the work"
    assert await CaseEvent.filter(action="alert").count() == n
    assert len(recorder.alerts) == n and len(set(recorder.alerts)) == n
    assert await Timer.filter(alert="RED").count() == n
    # and again, with the same moment: nothing left to raise
    again = await asyncio.gather(*(sweep(govhall, now=now, batch=20) for _ in range(3)))
    assert again == [[], [], []]


async def make_due_timers(world, n: int) -> None:
    """``n`` cases, each with one running promised timer already overdue (bulk rows: fast)."""
    cases = [
        Case(
            center_id=world.center.id, number=f"DUE{i:07d}", item_version_id=world.version.id, process="test",
            applicant_id=world.applicant.id, state="review", kind="promised", accepted_on=date(2026, 9, 1),
            promised_due=date(2026, 9, 4), promised_days=3,
        )
        for i in range(n)
    ]
    await Case.bulk_create(cases)
    ids = await Case.filter(number__startswith="DUE").order_by("id").values_list("id", flat=True)
    check = datetime(2026, 9, 3, 16, tzinfo=timezone.utc)
    await Timer.bulk_create(
        [
            Timer(case_id=i, kind="promised", working_days=3, started_on=date(2026, 9, 1), due=date(2026, 9, 4),
                  check_at=check + timedelta(seconds=k))
            for k, i in enumerate(ids)
        ]
    )
