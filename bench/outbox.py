"""The outbox: events dispatched per second against the bare INSERT rate, and what writing its
event adds to submitCase.

    .venv/bin/python bench/outbox.py                  # SQLite
    GOVHALL_BENCH_DATABASE=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/outbox.py

Three numbers, each a ratio measured in one run on one database:
  * dispatch rate to a real HTTP receiver on 127.0.0.1 (the exchange plugin's webhook, signed) and
    with no subscriber (claim + settle only), against the rate of bare single-row INSERTs;
  * submitCase through GraphQL with its ``case.submitted`` event against the same without it
    (goal: at most +10 %).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from tortoise import Tortoise  # noqa: E402
from tortoise.connection import get_connection  # noqa: E402

from core.faces.app import create_app  # noqa: E402
from core.plumbing.models import Center  # noqa: E402
from core.services.outbox import Dispatcher, OutboxConfig, OutboxEvent  # noqa: E402
from core.services.outbox import events as outbox_events  # noqa: E402
from core.plumbing.settings import Settings  # noqa: E402
from plugins.exchange.tests.receiver import SECRET  # noqa: E402
from bench.submit import first_filing  # noqa: E402
from tests.hall import build_hall  # noqa: E402
from tests.helpers import TEST_PASSWORD_HASHING  # noqa: E402

SUBMIT_LEAN = """mutation($center: String!, $item: String!, $data: JSON!) {
  submitCase(center: $center, item: $item, data: $data) { __typename ... on Case { id } ... on UserErrors { errors { code } } } }"""


class Gql:
    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    async def __call__(self, query: str, variables: dict[str, Any] | None = None, token: str | None = None) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        body = (await self.http.post("/graphql", json={"query": query, "variables": variables or {}}, headers=headers)).json()
        if body.get("errors"):
            raise RuntimeError(body["errors"])
        return body["data"]

    async def login(self, username: str, password: str) -> str:
        data = await self("mutation($u: String!, $p: String!) { login(username: $u, password: $p) { ... on LoginSuccess { token } } }",
                          {"u": username, "p": password})
        return data["login"]["token"]


async def bare_inserts(center_id: int, n: int) -> float:
    """Rows per second of single-row autocommitted INSERTs of the same table (Tortoise create)."""
    t0 = time.perf_counter()
    now = datetime.now(timezone.utc)
    for i in range(n):
        await OutboxEvent.create(center_id=center_id, kind="bench.bare", subject=f"B{i}", payload={"i": i},
                                 next_attempt_at=now, state="delivered")
    return n / (time.perf_counter() - t0)


async def publish(center_id: int, n: int) -> None:
    for i in range(n):
        await outbox_events.publish("bench.event", center=center_id, payload={"i": i, "case": {"number": f"E{i}"}}, subject=f"E{i}")


async def dispatch_rate(govhall: Any, center_id: int, n: int) -> float:
    await publish(center_id, n)
    dispatcher = Dispatcher(govhall, OutboxConfig(batch=100, concurrency=16))
    t0 = time.perf_counter()
    delivered = await dispatcher.drain()
    elapsed = time.perf_counter() - t0
    assert delivered == n, (delivered, n)
    assert await OutboxEvent.filter(center_id=center_id, state="delivered", kind="bench.event").count() == n
    return n / elapsed


async def raw_posts(url: str, n: int) -> float:
    """The same receiver without the outbox: signed-size JSON POSTs, 16 at once, one pooled client."""
    async with httpx.AsyncClient() as client:
        limit = asyncio.Semaphore(16)

        async def one(i: int) -> None:
            async with limit:
                await client.post(url.replace("/events", "/raw"), content=b'{"i": %d}' % i,
                                  headers={"Idempotency-Key": f"raw-{i}", "X-GovHall-Timestamp": "0"})

        t0 = time.perf_counter()
        await asyncio.gather(*(one(i) for i in range(n)))
        return n / (time.perf_counter() - t0)


async def submit_cost(gql: Gql, token: str, n: int) -> tuple[float, float]:
    """Median submitCase with and without its event, in interleaved rounds."""
    real = outbox_events.case_submitted

    async def skip(*args: Any, **kwargs: Any) -> None:
        return None

    async def one() -> float:
        t0 = time.perf_counter()
        result = (await gql(SUBMIT_LEAN, {"center": "hall", "item": "test-permit", "data": first_filing()}, token=token))["submitCase"]
        assert result["__typename"] == "Case", result
        return time.perf_counter() - t0

    with_event: list[float] = []
    without: list[float] = []
    for _ in range(10):
        outbox_events.case_submitted = skip  # type: ignore[assignment]
        without += [await one() for _ in range(n // 10)]
        outbox_events.case_submitted = real  # type: ignore[assignment]
        with_event += [await one() for _ in range(n // 10)]
    return statistics.median(with_event), statistics.median(without)


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=1000, help="events per dispatch measurement")
    parser.add_argument("--submits", type=int, default=300)
    args = parser.parse_args()
    url = os.environ.get("GOVHALL_BENCH_DATABASE") or f"sqlite://{tempfile.mkdtemp()}/bench.sqlite3"
    app = create_app(Settings(database_url=url, token_hours=2, sweep_seconds=0, outbox_seconds=0,
                              password_hashing=TEST_PASSWORD_HASHING, log_requests=False))
    # the receiver in its own process, so that it does not share this one's interpreter lock
    receiver = subprocess.Popen([sys.executable, "-m", "plugins.exchange.tests.receiver"], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    receiver_url = f"http://127.0.0.1:{int(receiver.stdout.readline())}/events"
    async with app.router.lifespan_context(app):
        if url.startswith("postgres"):
            await get_connection("default").execute_script("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
        await Tortoise.generate_schemas(safe=True)
        govhall = app.state.govhall
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as http:
            gql = Gql(http)
            hall = await build_hall(govhall, gql, plugins=["exchange"])
            quiet = await Center.get(code="other")  # no connectors: claim and settle only
            center = await Center.get(code="hall")
            center.settings = {"exchange": {"connectors": [
                {"name": "bench", "type": "webhook", "url": receiver_url, "secret": SECRET, "events": ["bench.*"]}]}}
            await center.save(update_fields=["settings"])
            await bare_inserts(center.id, 50)  # warm up
            bare = statistics.median([await bare_inserts(center.id, args.n // 5) for _ in range(3)])
            idle = await dispatch_rate(govhall, quiet.id, args.n)
            http_rate = await dispatch_rate(govhall, center.id, args.n)
            posts = await raw_posts(receiver_url, args.n)
            await submit_cost(gql, hall.tokens["app1"], 50)  # warm up
            with_event, without = await submit_cost(gql, hall.tokens["app1"], args.submits)
        stats = httpx.get(receiver_url).json()
    receiver.stdin.close()
    receiver.wait()
    assert stats["processed"] == args.n and stats["duplicates"] == 0, stats
    db = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    print(f"database: {db}; {args.n} events per measurement, one dispatcher (batch 100, 16 deliveries at once)")
    print(f"  bare single-row INSERT           : {bare:8.0f} rows/s")
    print(f"  dispatched, no subscriber        : {idle:8.0f} events/s   ratio {idle / bare:.2f}x of the INSERT rate")
    print(f"  dispatched to an HTTP receiver   : {http_rate:8.0f} events/s   ratio {http_rate / bare:.2f}x of the INSERT rate")
    print(f"  bare POSTs to that receiver      : {posts:8.0f} posts/s    dispatch is {http_rate / posts:.2f}x of it")
    print(f"  submitCase without its event     : {without * 1000:8.2f} ms (median)")
    print(f"  submitCase with its event        : {with_event * 1000:8.2f} ms   added {100 * (with_event / without - 1):+.1f} % (goal <= +10 %)")


if __name__ == "__main__":
    asyncio.run(main())
