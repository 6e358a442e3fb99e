"""Three ``govhall dispatch`` processes on one PostgreSQL database, one killed with SIGKILL while
it delivers: no event lost, none delivered twice to the receiver's de-duplication, none marked
delivered that was not, and the lost claim recorded when its lease ran out."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from core.services.outbox import OutboxEvent
from core.services.outbox.dispatch import LEASE_LOST
from core.plumbing.outbox_models import OutboxAttempt

from .test_delivery import exchange_center, publish_many

pytestmark = [pytest.mark.anyio, pytest.mark.postgres_only, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[3]


def start_dispatcher(database_url: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "GOVHALL_DATABASE_URL": database_url,
        "GOVHALL_OUTBOX_SECONDS": "0.2",
        "GOVHALL_OUTBOX_LEASE_SECONDS": "4",
        "GOVHALL_OUTBOX_BACKOFF_SECONDS": "0.2",
        "GOVHALL_OUTBOX_MAX_BACKOFF_SECONDS": "1",
        "GOVHALL_OUTBOX_MAX_ATTEMPTS": "100",
        "GOVHALL_OUTBOX_BATCH": "8",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "core.faces.cli", "dispatch"], env=env, cwd=ROOT,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )


async def test_three_dispatchers_and_a_kill_9(govhall, settings, receiver):
    center = await exchange_center(govhall, receiver, timeout=2)
    ids = await publish_many(center, 200)
    receiver.delay = 0.05
    receiver.faults = {"500": 0.1, "twice": 0.05}
    processes = [start_dispatcher(settings.database_url) for _ in range(3)]
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # until every process has settled a batch
            workers = set(await OutboxAttempt.exclude(worker="").values_list("worker", flat=True))
            if {w.rsplit(":", 1)[1] for w in workers} >= {str(p.pid) for p in processes}:
                break
            await asyncio.sleep(0.05)
        else:
            pytest.fail("the three dispatchers did not all start delivering")
        for victim in processes[:2]:  # a kill between two batches orphans nothing: then kill another
            held = list(await OutboxEvent.filter(state="delivering").values_list("id", flat=True))
            os.kill(victim.pid, signal.SIGKILL)
            victim.wait()
            deadline = time.monotonic() + 60  # what was in flight at the kill is settled, by its owner or after the lease
            while time.monotonic() < deadline and await OutboxEvent.filter(id__in=held, state="delivering").exists():
                await asyncio.sleep(0.3)
            if await OutboxAttempt.filter(error=LEASE_LOST).exists():
                break
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if await OutboxEvent.exclude(state="delivered").count() == 0:
                break
            await asyncio.sleep(0.3)
    finally:
        for p in processes:
            if p.poll() is None:
                p.terminate()
        for p in processes:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
    events = await OutboxEvent.all()
    assert {e.state for e in events} == {"delivered"}
    assert set(receiver.processed) == set(ids)  # none lost
    assert set(receiver.processed.values()) == {1}  # de-duplication by id sees each once
    assert {e.event_id for e in events} <= receiver.acked  # none reported delivered that was not
    attempts = await OutboxAttempt.all()
    assert any(a.error == LEASE_LOST for a in attempts)  # a killed process's claims were taken over
    workers = {a.worker for a in attempts if a.worker}
    assert len(workers) == 3  # all three shared the work
    assert sum(a.ok for a in attempts) >= len(ids)
