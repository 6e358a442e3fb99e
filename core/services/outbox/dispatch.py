"""The dispatcher: claims due events, hands them to their targets, retries, dead-letters.

Claiming is one short statement and never holds a lock while delivering. PostgreSQL: the due rows
are picked with ``FOR UPDATE SKIP LOCKED`` and marked ``delivering`` with a lease and a claim token
in the same statement, so many dispatchers (``govhall serve`` workers, ``govhall dispatch``) never
take one event twice at once. SQLite: a conditional ``UPDATE … RETURNING`` (one writer at a time)
does the same. A dispatcher killed mid-delivery leaves its events ``delivering``; when the lease
runs out another one claims them again and records the lost attempt. Delivery is therefore at least
once and duplicates carry the same ``event_id``; an event is ``delivered`` only after every target
acknowledged it, and only by the claim that still holds it.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import random
import socket
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

from tortoise.connection import get_connection
from tortoise.transactions import in_transaction

from core.plumbing.sql import for_dialect
from core.services.plugins import acall, acall_first
from core.plumbing.outbox_models import OutboxAttempt, OutboxEvent

if TYPE_CHECKING:
    from core.plumbing.models import Center
    from core.services.runtime import GovHall

log = logging.getLogger("govhall.outbox")

LEASE_LOST = "上次投递未完成（进程中断或超时），租约到期后重新投递"
NO_HANDLER = "没有插件处理该投递目标（插件未启用或已卸载）"
NOTHING_TO_DELIVER = "nothing_to_deliver"
"""What ``deliver_event`` returns when its target reports nothing for this event (a 好差评 connector and
a complaint about no case): the target is settled without an attempt, so nothing counts as a delivery
the receiver acknowledged."""


class DeliveryFailed(Exception):
    """Try again later: the receiver is down, slow or failing. Its message is what the administrator
    reads on the attempt (in Chinese, e.g. 接收方返回 HTTP 500：…), recorded as it is; any other
    exception is recorded with its class name, as a plugin's bug."""


class DeliveryRefused(Exception):
    """The receiver refused the event for good (a 4xx answer): retrying cannot help, so the event
    becomes a dead letter at once for an administrator to look at and re-send."""


@dataclass(frozen=True)
class OutboxConfig:
    """How the dispatcher retries: ``backoff_seconds * 2**(attempt-1)`` (±20 %), at most
    ``max_backoff_seconds``; a dead letter after ``max_attempts`` claims. ``lease_seconds`` must
    exceed the slowest delivery (connectors time out sooner). ``poll_seconds``: how often
    ``serve`` and ``govhall dispatch`` look for due events (0 turns the in-process dispatcher off)."""

    batch: int = 50
    lease_seconds: float = 60.0
    max_attempts: int = 8
    backoff_seconds: float = 5.0
    max_backoff_seconds: float = 3600.0
    poll_seconds: float = 2.0
    concurrency: int = 16
    keep_days: float = 90.0

    @classmethod
    def from_env(cls, **overrides: Any) -> "OutboxConfig":
        env = os.environ
        values: dict[str, Any] = {}
        for name, key, kind in (
            ("batch", "GOVHALL_OUTBOX_BATCH", int), ("lease_seconds", "GOVHALL_OUTBOX_LEASE_SECONDS", float),
            ("max_attempts", "GOVHALL_OUTBOX_MAX_ATTEMPTS", int), ("backoff_seconds", "GOVHALL_OUTBOX_BACKOFF_SECONDS", float),
            ("max_backoff_seconds", "GOVHALL_OUTBOX_MAX_BACKOFF_SECONDS", float), ("poll_seconds", "GOVHALL_OUTBOX_SECONDS", float),
            ("keep_days", "GOVHALL_OUTBOX_KEEP_DAYS", float),
        ):
            if env.get(key):
                values[name] = kind(env[key])
        values.update(overrides)
        return cls(**values)

    def backoff(self, attempt: int) -> float:
        delay = min(self.backoff_seconds * 2 ** max(attempt - 1, 0), self.max_backoff_seconds)
        return delay * random.uniform(0.8, 1.2)


@dataclass
class Claimed:
    event: OutboxEvent
    claim: str
    lease_lost: bool


@dataclass
class Outcome:
    """What delivering one claimed event found, before it is written."""

    claimed: Claimed
    state: str
    update: dict[str, Any]
    attempts: list[OutboxAttempt]
    settled: bool = True


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:64]


def _is_postgres() -> bool:
    return bool(get_connection("default").capabilities.dialect == "postgres")


DUE = "((state IN ('pending', 'failed') AND next_attempt_at <= {now}) OR (state = 'delivering' AND lease_until < {now}))"


async def claim(config: OutboxConfig, *, now: datetime | None = None, limit: int | None = None) -> list[Claimed]:
    """Mark up to ``limit`` due events as ``delivering`` under a new claim token and lease."""
    now = now or datetime.now(timezone.utc)
    token = str(uuid.uuid4())
    lease = now + timedelta(seconds=config.lease_seconds)
    limit = limit or config.batch
    conn = get_connection("default")
    if _is_postgres():
        sql = for_dialect(
            "WITH c AS (SELECT id, state AS was FROM outbox_event WHERE " + DUE.format(now="?")
            + " ORDER BY next_attempt_at, id LIMIT ? FOR UPDATE SKIP LOCKED)"
            " UPDATE outbox_event AS e SET state = 'delivering', attempts = e.attempts + 1, lease_until = ?, claim = ?"
            " FROM c WHERE e.id = c.id RETURNING e.id, c.was",
            postgres=True,
        )
        rows = await conn.execute_query_dict(sql, [now, now, limit, lease, token])
        was = {r["id"]: r["was"] for r in rows}
    else:
        field = OutboxEvent._meta.fields_map["next_attempt_at"]
        at = field.to_db_value(now, OutboxEvent)
        picked = await conn.execute_query_dict(
            "SELECT id, state FROM outbox_event WHERE " + DUE.format(now="?") + " ORDER BY next_attempt_at, id LIMIT ?",
            [at, at, limit],
        )
        if not picked:
            return []
        ids = [r["id"] for r in picked]
        marks = ",".join("?" * len(ids))
        rows = await conn.execute_query_dict(
            f"UPDATE outbox_event SET state = 'delivering', attempts = attempts + 1, lease_until = ?, claim = ?"
            f" WHERE id IN ({marks}) AND " + DUE.format(now="?") + " RETURNING id",
            [field.to_db_value(lease, OutboxEvent), token, *ids, at, at],
        )
        states = {r["id"]: r["state"] for r in picked}
        was = {r["id"]: states[r["id"]] for r in rows}
    if not was:
        return []
    events = await OutboxEvent.filter(id__in=sorted(was)).order_by("id")
    return [Claimed(e, token, was[e.id] == "delivering") for e in events]


class Dispatcher:
    """Delivers the outbox of one app (its plugins decide the targets)."""

    def __init__(self, govhall: GovHall, config: OutboxConfig | None = None) -> None:
        self.govhall = govhall
        self.config = config or OutboxConfig.from_env()
        self.worker = worker_name()
        self._centers: dict[int, asyncio.Future[Center | None]] = {}

    async def _center(self, center_id: int | None) -> Center | None:
        from core.plumbing.models import Center

        if center_id is None:
            return None
        # re-read each batch: a center's plugins and connectors may change while we run; one read
        # per center, shared by the batch's deliveries that run at once
        if center_id not in self._centers:
            self._centers[center_id] = asyncio.ensure_future(Center.get_or_none(id=center_id))
        return await self._centers[center_id]

    def _hooks(self, center: Center | None) -> Any:
        return self.govhall.hub.for_center(center) if center is not None else self.govhall.hub.hook

    async def run_once(self, *, now: datetime | None = None) -> int:
        """Claim one batch, deliver it (``concurrency`` at once), settle it in a few statements;
        the number of events claimed."""
        self._centers = {}
        claimed = await claim(self.config, now=now)
        if not claimed:
            return 0
        limit = asyncio.Semaphore(self.config.concurrency)

        async def one(c: Claimed) -> Outcome:
            async with limit:
                return await self.attempt(c)

        await self.settle(list(await asyncio.gather(*(one(c) for c in claimed))))
        return len(claimed)

    async def drain(self, *, rounds: int = 1000) -> int:
        """Deliver until nothing is due (tests, ``govhall dispatch --once``)."""
        total = 0
        for _ in range(rounds):
            n = await self.run_once()
            total += n
            if n == 0:
                break
        return total

    async def deliver(self, c: Claimed) -> str:
        """Deliver and settle one claimed event: ``delivered``, ``failed``, ``dead`` or ``lost``
        (another claim took it over meanwhile)."""
        outcome = await self.attempt(c)
        await self.settle([outcome])
        return outcome.state if outcome.settled else "lost"

    async def attempt(self, c: Claimed) -> Outcome:
        """Hand one claimed event to each target that has not acknowledged it; nothing is written."""
        event = c.event
        attempts: list[OutboxAttempt] = []
        now = datetime.now(timezone.utc)
        if c.lease_lost:
            attempts.append(OutboxAttempt(
                event_id=event.id, number=event.attempts - 1, target="", ok=False, error=LEASE_LOST,
                worker="", started_at=event.lease_until or now, finished_at=now,
            ))
        center = await self._center(event.center_id)  # type: ignore[attr-defined]
        hooks = self._hooks(center)
        done = list(event.done_targets or [])
        errors: list[str] = []
        refused = False
        try:
            targets = [t for group in await acall(hooks.event_targets, center=center, kind=event.kind) for t in group]
        except Exception as exc:  # noqa: BLE001 - a plugin's bug must not stop the dispatcher
            targets, errors = [], [f"event_targets: {exc}"]
        for target in dict.fromkeys(targets):
            if target in done:
                continue
            started = datetime.now(timezone.utc)
            error = ""
            try:
                handled = await acall_first(hooks.deliver_event, center=center, target=target, event=event)
                if handled == NOTHING_TO_DELIVER:
                    done.append(target)
                    continue
                if handled is not True:
                    error = NO_HANDLER
            except DeliveryRefused as exc:
                error, refused = f"拒收：{exc}", True
            except DeliveryFailed as exc:
                error = str(exc)[:2000] or "投递失败，稍后重试"
            except Exception as exc:  # noqa: BLE001 - any failure is a retry
                error = f"{type(exc).__name__}: {exc}"[:2000] or type(exc).__name__
            if not error:
                done.append(target)
            else:
                errors.append(f"{target}: {error}")
            attempts.append(OutboxAttempt(
                event_id=event.id, number=event.attempts, target=target[:64], ok=not error, error=error,
                worker=self.worker, started_at=started, finished_at=datetime.now(timezone.utc),
            ))
        now = datetime.now(timezone.utc)
        update: dict[str, Any] = {"done_targets": done, "lease_until": None}
        if not errors:
            state = "delivered"
            update.update(delivered_at=now, last_error="")
        elif refused or event.attempts >= self.config.max_attempts:
            state = "dead"
            update["last_error"] = "；".join(errors)[:4000]
        else:
            state = "failed"
            update.update(last_error="；".join(errors)[:4000],
                          next_attempt_at=now + timedelta(seconds=self.config.backoff(event.attempts)))
        return Outcome(c, state, update, attempts)

    async def settle(self, outcomes: list[Outcome]) -> None:
        """Write what the attempts found. Only the claim that still holds an event may settle it
        (a lease taken over is not ours); the deliveries of a batch that all succeeded with the
        same targets are settled by one UPDATE. Every attempt is recorded either way, in the same
        transaction as the states."""
        # the states and the attempt rows commit together: a process killed in between loses neither
        async with in_transaction():
            groups: dict[tuple[str, str], list[Outcome]] = {}
            for o in outcomes:
                if o.state == "delivered":
                    groups.setdefault((o.claimed.claim, json.dumps(o.update["done_targets"])), []).append(o)
                else:
                    groups[(o.claimed.claim, f"#{o.claimed.event.id}")] = [o]
            for group in groups.values():
                ids = [o.claimed.event.id for o in group]
                update = dict(group[0].update)
                if group[0].state == "delivered":
                    update["delivered_at"] = max(o.update["delivered_at"] for o in group)
                settled = await OutboxEvent.filter(id__in=ids, claim=group[0].claimed.claim, state="delivering").update(
                    state=group[0].state, **update,
                )
                if settled < len(ids):
                    taken = set(await OutboxEvent.filter(id__in=ids).exclude(claim=group[0].claimed.claim).values_list("id", flat=True))
                    for o in group:
                        o.settled = o.claimed.event.id not in taken and settled > 0
                    log.warning("%d event(s) were claimed again before their delivery finished", len(ids) - settled)
                for o in group:
                    if o.state == "dead" and o.settled:
                        log.warning("event %s (%s) is a dead letter: %s", o.claimed.event.event_id, o.claimed.event.kind, o.update["last_error"])
            attempts = [a for o in outcomes for a in o.attempts]
            if attempts:
                await OutboxAttempt.bulk_create(attempts)


async def purge(config: OutboxConfig, *, now: datetime | None = None) -> int:
    """Delete events delivered more than ``keep_days`` ago (their attempts go with them); dead
    letters and everything not yet delivered are kept. The number deleted."""
    if config.keep_days <= 0:
        return 0
    cutoff = (now or datetime.now(timezone.utc)) - timedelta(days=config.keep_days)
    deleted = 0
    while ids := await OutboxEvent.filter(state="delivered", delivered_at__lt=cutoff).limit(5000).values_list("id", flat=True):
        await OutboxEvent.filter(id__in=list(ids)).delete()
        deleted += len(ids)
    return deleted


PURGE_SECONDS = 3600.0


async def run_dispatcher(govhall: GovHall, config: OutboxConfig | None = None) -> None:
    """Deliver forever (the app lifespan, ``govhall dispatch``): a full batch is followed at once by
    the next, otherwise it waits ``poll_seconds``; once an hour old delivered events are purged.
    Failures are logged and retried next tick."""
    dispatcher = Dispatcher(govhall, config)
    purged_at = 0.0
    loop = asyncio.get_running_loop()
    while True:
        try:
            if loop.time() - purged_at > PURGE_SECONDS:
                purged_at = loop.time()
                if deleted := await purge(dispatcher.config):
                    log.info("purged %d delivered event(s) older than %g days", deleted, dispatcher.config.keep_days)
            n = await dispatcher.run_once()
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("outbox dispatch failed; retrying in %.0f s", dispatcher.config.poll_seconds)
            n = 0
        if n < dispatcher.config.batch:
            await asyncio.sleep(dispatcher.config.poll_seconds)
