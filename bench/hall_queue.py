"""The hall floor's queue: tickets taken and tickets called per second through GraphQL, with
`govhall serve --workers 3` on PostgreSQL, against a bare INSERT of a ticket row (asyncpg, as many
connections as there are concurrent requests) in the same run, on the same server.

    GOVHALL_BENCH_DATABASE=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/hall_queue.py
    ... bench/hall_queue.py --tickets 600 --concurrency 12

A fresh database is created next to the given one (and dropped afterwards), `govhall demo` fills it.
Tickets are taken in Lianzhou's queues A and B at the kiosk (anonymous), then called at the two windows
serving them (ZH01 serves both, DB01 serves B) by several requests at once: the benchmark also checks
that no ticket was called twice. It prints rates and the ratios to the bare INSERT; it asserts nothing
about time. The server's clock runs from a working morning: the kiosk gives numbers only within the
hall's hours.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import asyncpg
import httpx

ROOT = Path(__file__).resolve().parent.parent
GOVHALL = [sys.executable, "-m", "core.faces.cli"]
TAKE = """mutation($q: String!) { takeTicket(center: "lianzhou", queue: $q) {
  __typename ... on HallTicket { id number } ... on UserErrors { errors { code } } } }"""
CALL = """mutation($w: String!) { callNextTicket(center: "lianzhou", window: $w) {
  __typename ... on HallTicket { id number } ... on UserErrors { errors { code } } } }"""
LOGIN = 'mutation { login(username: "lz-clerk", password: "demo1234") { ... on LoginSuccess { token } } }'


# The kiosk gives numbers only within the hall's hours: the server's clock (the product's, which its
# forked workers inherit) runs from 09:30 of the first working day from today on, whenever the
# benchmark is run.
AT_OPEN_HALL = """
import sys
from datetime import datetime, time, timedelta, timezone
from core.services import clock
from core.services.calendar import CENTER_TZ, WorkCalendar
from core.faces.cli import main
day, calendar = datetime.now(CENTER_TZ).date(), WorkCalendar()
while not calendar.is_workday(day):
    day += timedelta(days=1)
offset = datetime.combine(day, time(9, 30), tzinfo=CENTER_TZ) - datetime.now(timezone.utc)
clock.now = lambda: datetime.now(timezone.utc) + offset
sys.exit(main(sys.argv[1:]))
"""


def dsn(url: str) -> str:
    return url.replace("postgres://", "postgresql://", 1)


async def admin(url: str, sql: str) -> None:
    conn = await asyncpg.connect(dsn(url))
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(url: str, port: int) -> subprocess.Popen:
    env = {**os.environ, "GOVHALL_DATABASE_URL": url, "GOVHALL_SWEEP_SECONDS": "0", "PYTHONPATH": str(ROOT)}
    demo = subprocess.run(GOVHALL + ["demo"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    if demo.returncode:
        raise SystemExit(f"govhall demo failed:\n{demo.stderr}")
    serve = [sys.executable, "-c", AT_OPEN_HALL, "serve", "--port", str(port), "--workers", "3", "--log-level", "warning"]
    server = subprocess.Popen(serve, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code == 200:
                return server
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    server.kill()
    raise SystemExit("the server did not start")


async def spread(n: int, concurrency: int, one) -> float:
    """Run ``one(i)`` n times, ``concurrency`` at once; the seconds it took."""
    todo = iter(range(n))

    async def worker() -> None:
        for i in todo:
            await one(i)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return time.perf_counter() - started


async def measure(base: str, url: str, tickets: int, concurrency: int) -> None:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as http:
        token = (await http.post("/graphql", json={"query": LOGIN})).json()["data"]["login"]["token"]
        staff = {"Authorization": f"Bearer {token}"}

        async def take(i: int) -> None:
            body = (await http.post("/graphql", json={"query": TAKE, "variables": {"q": "AB"[i % 2]}})).json()
            assert body["data"]["takeTicket"]["__typename"] == "HallTicket", body

        called: list[str] = []

        async def call(i: int) -> None:
            body = (await http.post("/graphql", json={"query": CALL, "variables": {"w": ("ZH01", "DB01")[i % 2]}},
                                    headers=staff)).json()
            result = body["data"]["callNextTicket"]
            if result["__typename"] == "HallTicket":
                called.append(result["id"])

        take_s = await spread(tickets, concurrency, take)
        call_s = await spread(tickets, concurrency, call)

    pool = await asyncpg.create_pool(dsn(url), min_size=concurrency, max_size=concurrency)
    try:
        await pool.execute("CREATE TABLE bench_bare_ticket (id serial PRIMARY KEY, center_id int, queue varchar(8), "
                           "day date, number varchar(16), status varchar(16), taken_at timestamptz)")

        async def bare(i: int) -> None:
            await pool.execute("INSERT INTO bench_bare_ticket (center_id, queue, day, number, status, taken_at) "
                               "VALUES (1, $1, current_date, $2, 'waiting', now())", "AB"[i % 2], f"X{i:05d}")

        bare_s = await spread(tickets, concurrency, bare)
    finally:
        await pool.close()

    assert len(called) == len(set(called)), "a ticket was called twice"
    rate = lambda n, s: n / s if s else float("inf")  # noqa: E731
    print(f"{tickets} tickets, {concurrency} requests at once, govhall serve --workers 3, PostgreSQL")
    print(f"  takeTicket      {rate(tickets, take_s):8.1f}/s")
    print(f"  callNextTicket  {rate(len(called), call_s):8.1f}/s  ({len(called)} called, none twice)")
    print(f"  bare INSERT     {rate(tickets, bare_s):8.1f}/s")
    print(f"  ratio bare INSERT / takeTicket      {take_s / bare_s:6.1f}x")
    print(f"  ratio bare INSERT / callNextTicket  {call_s / bare_s:6.1f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=9)
    args = parser.parse_args()
    given = os.environ.get("GOVHALL_BENCH_DATABASE", "postgres://postgres@127.0.0.1:5432/postgres")
    if not given.startswith("postgres"):
        raise SystemExit("GOVHALL_BENCH_DATABASE must be a PostgreSQL URL")
    name = f"bench_queue_{uuid.uuid4().hex[:8]}"
    url = f"{given.rsplit('/', 1)[0]}/{name}"
    asyncio.run(admin(given, f'CREATE DATABASE "{name}"'))
    server = None
    try:
        port = free_port()
        server = start_server(url, port)
        asyncio.run(measure(f"http://127.0.0.1:{port}", url, args.tickets, args.concurrency))
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        asyncio.run(admin(given, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


if __name__ == "__main__":
    main()
