"""The transactional outbox: events written with their change, claimed, retried, dead-lettered."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from core.api import DeliveryRefused, hookimpl
from core.services.outbox import Dispatcher, OutboxAttempt, OutboxConfig, OutboxEvent
from core.services.outbox.dispatch import LEASE_LOST, claim
from tests.hall import CaseDriver, build_hall

pytestmark = pytest.mark.anyio

CONFIG = OutboxConfig(backoff_seconds=0.0, max_backoff_seconds=0.0, max_attempts=3, lease_seconds=30)


class Recorder:
    """A plugin subscribing to every event of centers that enable ``recorder``: it fails on demand."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []
        self.fail: str | None = None  # "retry", "refuse" or None

    @hookimpl
    def event_targets(self, center: Any, kind: str) -> list[str]:
        return ["recorder:all"]

    @hookimpl
    def deliver_event(self, center: Any, target: str, event: Any) -> Any:
        if target != "recorder:all":
            return None

        async def deliver() -> bool:
            if self.fail == "retry":
                raise RuntimeError("receiver down")
            if self.fail == "refuse":
                raise DeliveryRefused("HTTP 400")
            self.seen.append((event.event_id, event.kind))
            return True

        return deliver()


@pytest.fixture
def recorder(plugin_manager):
    plugin = Recorder()
    plugin_manager.register(plugin, name="recorder")
    return plugin


async def kinds() -> list[str]:
    return [e.kind for e in await OutboxEvent.all().order_by("id")]


async def test_case_changes_write_their_events_in_the_same_transaction(recorder, govhall, gql):
    hall = await build_hall(govhall, gql, plugins=["recorder"])
    drive = CaseDriver(gql, hall)
    case = await drive.submit("app1")
    assert await kinds() == ["case.submitted"]
    event = await OutboxEvent.get(kind="case.submitted")
    assert event.subject == case["number"] and event.payload["case"]["item"]["code"] == "test-permit"
    assert event.payload["case"]["department"] == "scjg" and event.state == "pending"
    await drive.ok("clerk1", case, "accept")
    await drive.ok("rev-scjg", case, "approve")
    assert [k for k in await kinds() if k.startswith("case.")] == ["case.submitted", "case.accepted", "case.decided", "case.completed"]
    documents = [e.payload["document"]["kind"] for e in await OutboxEvent.filter(kind="document.issued").order_by("id")]
    assert "acceptance_notice" in documents and documents[-1] in ("approval_decision", "certificate")
    decided = await OutboxEvent.get(kind="case.decided")
    assert decided.payload["decision"]["action"] == "approve"
    assert decided.payload["documents"][0]["kind"] == "approval_decision"
    # a refused transition writes nothing: its event rolled back with it
    before = await OutboxEvent.all().count()
    refused = await drive.act("clerk1", case, "accept")
    assert refused["__typename"] == "UserErrors"
    assert await OutboxEvent.all().count() == before
    ids = {e.event_id for e in await OutboxEvent.all()}
    assert len(ids) == before  # every event has its own stable id


async def test_dispatcher_delivers_retries_and_dead_letters(recorder, govhall, gql):
    hall = await build_hall(govhall, gql, plugins=["recorder"])
    drive = CaseDriver(gql, hall)
    await drive.submit("app1")
    dispatcher = Dispatcher(govhall, CONFIG)
    recorder.fail = "retry"
    assert await dispatcher.run_once() == 1
    event = await OutboxEvent.get(kind="case.submitted")
    assert event.state == "failed" and event.attempts == 1 and "receiver down" in event.last_error
    assert await dispatcher.run_once() == 1
    assert await dispatcher.run_once() == 1
    event = await OutboxEvent.get(id=event.id)
    assert event.state == "dead" and event.attempts == 3  # max_attempts
    assert await dispatcher.run_once() == 0  # a dead letter is never claimed again by itself
    attempts = await OutboxAttempt.filter(event_id=event.id).order_by("id")
    assert [(a.number, a.ok, a.target) for a in attempts] == [(1, False, "recorder:all"), (2, False, "recorder:all"), (3, False, "recorder:all")]
    assert recorder.seen == []
    # the receiver recovers; the administrator re-sends
    from core.services.outbox.admin import resend

    recorder.fail = None
    await resend(event.id)
    assert await dispatcher.drain() == 1
    event = await OutboxEvent.get(id=event.id)
    assert event.state == "delivered" and event.delivered_at is not None and event.done_targets == ["recorder:all"]
    assert recorder.seen == [(event.event_id, "case.submitted")]


async def test_a_refusal_is_a_dead_letter_at_once(recorder, govhall, gql):
    hall = await build_hall(govhall, gql, plugins=["recorder"])
    await CaseDriver(gql, hall).submit("app1")
    recorder.fail = "refuse"
    await Dispatcher(govhall, CONFIG).run_once()
    event = await OutboxEvent.get(kind="case.submitted")
    assert event.state == "dead" and event.attempts == 1 and "HTTP 400" in event.last_error


async def test_backoff_keeps_a_failed_event_until_its_time(recorder, govhall, gql):
    hall = await build_hall(govhall, gql, plugins=["recorder"])
    await CaseDriver(gql, hall).submit("app1")
    recorder.fail = "retry"
    dispatcher = Dispatcher(govhall, OutboxConfig(backoff_seconds=60, max_attempts=5))
    await dispatcher.run_once()
    event = await OutboxEvent.get(kind="case.submitted")
    wait = (event.next_attempt_at - datetime.now(timezone.utc)).total_seconds()
    assert 40 < wait <= 73
    assert await dispatcher.run_once() == 0
    later = datetime.now(timezone.utc) + timedelta(seconds=80)
    assert len(await claim(dispatcher.config, now=later)) == 1


async def test_an_expired_lease_is_claimed_again_and_the_lost_attempt_recorded(recorder, govhall, gql):
    hall = await build_hall(govhall, gql, plugins=["recorder"])
    await CaseDriver(gql, hall).submit("app1")
    dispatcher = Dispatcher(govhall, CONFIG)
    first = await claim(CONFIG)  # a dispatcher that then dies
    assert len(first) == 1 and await claim(CONFIG) == []  # nobody else takes it while leased
    later = datetime.now(timezone.utc) + timedelta(seconds=CONFIG.lease_seconds + 1)
    (again,) = await claim(CONFIG, now=later)
    assert again.lease_lost and again.claim != first[0].claim
    assert await dispatcher.deliver(again) == "delivered"
    # the first claim finishing late cannot settle (or un-deliver) the event
    assert await dispatcher.deliver(first[0]) == "lost"
    event = await OutboxEvent.get(kind="case.submitted")
    assert event.state == "delivered"
    errors = [a.error for a in await OutboxAttempt.filter(event_id=event.id).order_by("id")]
    assert errors[0] == LEASE_LOST
    assert [s[0] for s in recorder.seen] == [event.event_id, event.event_id]  # a duplicate keeps its id


async def test_events_of_centers_without_subscribers_are_settled(govhall, gql):
    hall = await build_hall(govhall, gql)
    await CaseDriver(gql, hall).submit("app1")
    await Dispatcher(govhall, CONFIG).drain()
    assert [e.state for e in await OutboxEvent.all()] == ["delivered"]
    assert await OutboxAttempt.all().count() == 0


PUBLISH = """
import asyncio, sys
from core.plumbing.db import open_database
from core.services.runtime import GovHall
from core.api import publish_event

async def main():
    govhall = GovHall.create()
    async with open_database(govhall.tortoise_config):
        for i in range(3):
            await publish_event("test.happened", center=None, payload={"i": i}, subject=f"T{i}")
asyncio.run(main())
"""


def test_govhall_dispatch_once_delivers_what_is_due(tmp_path):
    """After the migrations (0010 creates the outbox), ``govhall dispatch --once`` settles due events."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    env = {"PYTHONPATH": str(root), "GOVHALL_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, *args], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)

    assert run("-m", "core.faces.cli", "db", "upgrade").returncode == 0
    assert run("-c", PUBLISH).returncode == 0
    done = run("-m", "core.faces.cli", "dispatch", "--once")
    assert done.returncode == 0, done.stderr
    assert "本次投递事件 3 个。" in done.stdout
    again = run("-m", "core.faces.cli", "dispatch", "--once")
    assert "本次投递事件 0 个。" in again.stdout


async def test_old_delivered_events_are_purged_dead_letters_kept(recorder, govhall, gql):
    from core.services.outbox.dispatch import purge

    hall = await build_hall(govhall, gql, plugins=["recorder"])
    drive = CaseDriver(gql, hall)
    await drive.submit("app1")
    await drive.submit("app2")
    dispatcher = Dispatcher(govhall, CONFIG)
    await dispatcher.drain()
    recorder.fail = "refuse"
    await drive.submit("app1", allow_duplicate=True)
    await dispatcher.drain()
    assert sorted(e.state for e in await OutboxEvent.all()) == ["dead", "delivered", "delivered"]
    config = OutboxConfig(keep_days=30)
    assert await purge(config) == 0  # delivered just now
    later = datetime.now(timezone.utc) + timedelta(days=31)
    assert await purge(config, now=later) == 2
    assert [e.state for e in await OutboxEvent.all()] == ["dead"]
    assert await OutboxAttempt.all().count() == 1  # the dead letter's attempt stays with it


async def test_a_batch_reads_each_center_once(recorder, govhall, gql, monkeypatch):
    """The deliveries of one batch run at once and share one read of their center."""
    from tests.test_graphql_loaders import counted_statements

    hall = await build_hall(govhall, gql, plugins=["recorder"])
    drive = CaseDriver(gql, hall)
    for _ in range(6):
        await drive.submit("app1", allow_duplicate=True)
    with counted_statements(monkeypatch) as statements:
        assert await Dispatcher(govhall, CONFIG).run_once() == 6
    assert len([s for s in statements if 'FROM "center"' in s]) == 1, statements
    assert len(recorder.seen) == 6
