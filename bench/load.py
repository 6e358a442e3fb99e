"""Throughput of `govhall serve` under a realistic mix, with 1 and 2 workers, against a bare
Starlette + asyncpg server that answers each POST with one INSERT, in one run on PostgreSQL.

    .venv/bin/python bench/load.py                  # ~1.5 minutes
    .venv/bin/python bench/load.py --seconds 20 --concurrency 16

The mix (per request, drawn at random): 40% a case list (`cases`, 20 per page, as the clerk),
25% a case's details (`case`, as the clerk), 25% submitCase (as the applicant), 10% a transition
(`mark_urgent`, as the head, on a case submitted earlier in the run). Clients keep their
connections alive; the load generator is a small raw HTTP/1.1 client so that it, not the server,
is not what is measured. Reported: requests per second, p50/p99 latency, each worker's resident
memory after the run, and the time from starting the server to its first answer.

PostgreSQL: GOVHALL_BENCH_DATABASE (its public schema is dropped!), else ``govhall_load`` on the
local server, created if missing. Target: GovHall's throughput >= 25% of the bare server's.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

GOVHALL = [sys.executable, "-m", "core.faces.cli"]
LOGIN = "mutation($u: String!, $p: String!) { login(username: $u, password: $p) { ... on LoginSuccess { token } } }"
LIST = """query { cases(center: "lianzhou", first: 20) { edges { node { id number state stateLabel kind urgent alert
  submittedAt promisedDue applicantName department item { code name } } } pageInfo { hasNextPage endCursor } } }"""
DETAIL = """query($id: ID!) { case(id: $id) { id number state stateLabel kind version urgent alert promisedDue legalDue
  availableActions item { code name version } data events { seq action actor role fromState toState } } }"""
SUBMIT = """mutation($d: JSON!) { submitCase(center: "lianzhou", item: "test-permit", data: $d) {
  __typename ... on Case { id number version } ... on UserErrors { errors { code } } } }"""
TRANSITION = """mutation($id: ID!, $v: Int) { transitionCase(id: $id, action: "mark_urgent", expectedVersion: $v) {
  __typename ... on Case { id version } ... on UserErrors { errors { code } } } }"""
GOOD_DATA = {"companyName": "连州市测试贸易有限公司", "uscc": "91310115591693856A", "contactMobile": "13800138000"}
COMPANIES = itertools.count(1)


def first_filing() -> dict[str, Any]:
    """The application for a company of its own: a first filing, which the duplicate check lets through."""
    return {**GOOD_DATA, "companyName": f"{GOOD_DATA['companyName']}{next(COMPANIES)}"}


# --- a small keep-alive HTTP/1.1 client ------------------------------------------------------


class Connection:
    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self, path: str, body: dict[str, Any], token: str | None = None) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
            self.writer.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        payload = json.dumps(body, ensure_ascii=False).encode()
        auth = f"Authorization: Bearer {token}\r\n" if token else ""
        head = (f"POST {path} HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\n{auth}"
                f"Content-Length: {len(payload)}\r\n\r\n").encode()
        self.writer.write(head + payload)
        assert self.reader is not None
        status_line = await self.reader.readuntil(b"\r\n")
        length = 0
        while (line := await self.reader.readuntil(b"\r\n")) != b"\r\n":
            name, _, value = line.decode("latin-1").partition(":")
            if name.lower() == "content-length":
                length = int(value)
        return int(status_line.split()[1]), await self.reader.readexactly(length)


async def graphql(conn: Connection, query: str, variables: dict[str, Any], token: str | None) -> dict[str, Any]:
    status, body = await conn.post("/graphql", {"query": query, "variables": variables}, token)
    data = json.loads(body)
    if status != 200 or data.get("errors"):
        raise RuntimeError(f"{status}: {body[:300]!r}")
    return data["data"]


# --- the servers ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_answering(port: int, process: subprocess.Popen[bytes], path: str) -> float:
    """Seconds until ``path`` answers 200 (the server was started just before)."""
    started = time.monotonic()
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
                s.sendall(f"GET {path} HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n".encode())
                if s.recv(64).startswith(b"HTTP/1.1 200"):
                    return time.monotonic() - started
        except OSError:
            pass
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {process.stderr.read().decode()[-2000:] if process.stderr else ''}")
        if time.monotonic() - started > 120:
            raise RuntimeError("server did not answer within 2 minutes")
        time.sleep(0.02)


def resident_mib(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def worker_pids(pid: int) -> list[int]:
    children: list[int] = []
    for task in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{task}/children") as f:
            children += [int(p) for p in f.read().split()]
    return children or [pid]


BARE_APP = '''
import asyncpg, json, os, sys, uvicorn
from starlette.applications import Starlette
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import Route

pool = None

async def lifespan(app):
    global pool
    pool = await asyncpg.create_pool(os.environ["BARE_DATABASE"], min_size=1, max_size=5)
    await pool.execute("CREATE TABLE IF NOT EXISTS bare_insert (id bigserial PRIMARY KEY, body jsonb NOT NULL)")
    yield
    await pool.close()

async def insert(request):
    body = await request.json()
    row = await pool.fetchrow("INSERT INTO bare_insert (body) VALUES ($1) RETURNING id", json.dumps(body))
    return JSONResponse({"id": row["id"]})

async def health(request):
    return PlainTextResponse("ok")

app = Starlette(routes=[Route("/graphql", insert, methods=["POST"]), Route("/healthz", health)], lifespan=lifespan)
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
'''


# --- the load -----------------------------------------------------------------------------------


async def run_load(port: int, seconds: float, concurrency: int, step: Any) -> tuple[int, list[float]]:
    """``concurrency`` clients, each on its own connection, calling ``step`` for ``seconds``."""
    latencies: list[float] = []
    done = 0
    end = time.monotonic() + seconds

    async def client(i: int) -> None:
        nonlocal done
        conn = Connection(port)
        rng = random.Random(i)
        while time.monotonic() < end:
            t0 = time.perf_counter()
            await step(conn, rng)
            latencies.append(time.perf_counter() - t0)
            done += 1

    await asyncio.gather(*(client(i) for i in range(concurrency)))
    return done, latencies


def govhall_mix(tokens: dict[str, str], cases: list[dict[str, Any]]) -> Any:
    async def step(conn: Connection, rng: random.Random) -> None:
        draw = rng.random()
        if draw < 0.40:
            await graphql(conn, LIST, {}, tokens["lz-clerk"])
        elif draw < 0.65:
            await graphql(conn, DETAIL, {"id": rng.choice(cases)["id"]}, tokens["lz-clerk"])
        elif draw < 0.90 or len(cases) < 50:
            case = (await graphql(conn, SUBMIT, {"d": first_filing()}, tokens["zhangsan"]))["submitCase"]
            assert case["__typename"] == "Case", case
            cases.append(case)
        else:
            case = cases.pop(rng.randrange(len(cases) // 2))  # an older one: nobody else fires on it
            result = (await graphql(conn, TRANSITION, {"id": case["id"], "v": case["version"]}, tokens["lz-head"]))
            assert result["transitionCase"]["__typename"] == "Case", result

    return step


async def bare_step(conn: Connection, rng: random.Random) -> None:
    status, _ = await conn.post("/graphql", {"data": GOOD_DATA})
    assert status == 200


def summary(name: str, done: int, latencies: list[float], seconds: float, memory: list[float], startup: float) -> dict[str, Any]:
    ordered = sorted(latencies)
    return {
        "name": name, "rps": done / seconds, "p50": statistics.median(ordered) * 1000,
        "p99": ordered[int(len(ordered) * 0.99) - 1] * 1000, "memory": memory, "startup": startup,
    }


async def prepare(port: int) -> tuple[dict[str, str], list[dict[str, Any]]]:
    conn = Connection(port)
    tokens = {u: (await graphql(conn, LOGIN, {"u": u, "p": "demo1234"}, None))["login"]["token"]
              for u in ("zhangsan", "lz-clerk", "lz-head")}
    cases = []
    for _ in range(60):
        cases.append((await graphql(conn, SUBMIT, {"d": first_filing()}, tokens["zhangsan"]))["submitCase"])
    return tokens, cases


async def analyze(url: str) -> None:
    """What autovacuum does on a running center within a minute of the tables growing: statistics.
    Without them PostgreSQL plans a never-analyzed case table growing from empty (the run submits
    ~150 cases a second) as if it held a handful of rows, and reads every case of the center to
    sort a 20-case page (7 ms instead of 0.4 at 8,000 cases), so the figure would measure the
    planner's guess on a table no hall runs for more than its first minute."""
    import asyncpg

    conn = await asyncpg.connect(url)
    try:
        await conn.execute("ANALYZE")
    finally:
        await conn.close()


def measure_govhall(url: str, workers: int, seconds: float, concurrency: int) -> dict[str, Any]:
    port = free_port()
    env = {**os.environ, "GOVHALL_DATABASE_URL": url, "GOVHALL_SWEEP_SECONDS": "0", "GOVHALL_LOG_REQUESTS": "0"}
    process = subprocess.Popen(GOVHALL + ["serve", "--port", str(port), "--workers", str(workers), "--log-level", "warning"],
                               cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        startup = wait_until_answering(port, process, "/healthz")

        async def go() -> tuple[int, list[float]]:
            tokens, cases = await prepare(port)
            await run_load(port, 2, concurrency, govhall_mix(tokens, cases))  # warm every worker up
            await analyze(url)
            return await run_load(port, seconds, concurrency, govhall_mix(tokens, cases))

        done, latencies = asyncio.run(go())
        memory = [resident_mib(pid) for pid in worker_pids(process.pid)]
    finally:
        process.terminate()
        process.wait(timeout=30)
    return summary(f"govhall --workers {workers}", done, latencies, seconds, memory, startup)


def measure_bare(url: str, seconds: float, concurrency: int) -> dict[str, Any]:
    port = free_port()
    process = subprocess.Popen([sys.executable, "-c", BARE_APP, str(port)], env={**os.environ, "BARE_DATABASE": url},
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        startup = wait_until_answering(port, process, "/healthz")

        async def go() -> tuple[int, list[float]]:
            await run_load(port, 2, concurrency, bare_step)
            return await run_load(port, seconds, concurrency, bare_step)

        done, latencies = asyncio.run(go())
        memory = [resident_mib(process.pid)]
    finally:
        process.terminate()
        process.wait(timeout=30)
    return summary("bare Starlette+asyncpg", done, latencies, seconds, memory, startup)


def database_url() -> str:
    if url := os.environ.get("GOVHALL_BENCH_DATABASE"):
        return url
    import asyncpg

    async def ensure() -> None:
        conn = await asyncpg.connect("postgres://postgres@127.0.0.1:5432/postgres")
        try:
            if not await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = 'govhall_load'"):
                await conn.execute("CREATE DATABASE govhall_load")
        finally:
            await conn.close()

    asyncio.run(ensure())
    return "postgres://postgres@127.0.0.1:5432/govhall_load"


def fresh_database(url: str) -> None:
    """An empty schema, the demo, and the test item the mix submits."""
    import asyncpg

    async def drop() -> None:
        conn = await asyncpg.connect(url)
        try:
            await conn.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
        finally:
            await conn.close()

    asyncio.run(drop())
    env = {**os.environ, "GOVHALL_DATABASE_URL": url}
    subprocess.run(GOVHALL + ["demo"], cwd=ROOT, env=env, check=True, capture_output=True)
    from tests.hall import PERMIT

    items = Path(os.environ.get("TMPDIR", "/tmp")) / f"govhall-load-items-{os.getpid()}"
    items.mkdir(exist_ok=True)
    (items / "test-permit.json").write_text(json.dumps(PERMIT, ensure_ascii=False), "utf-8")
    subprocess.run(GOVHALL + ["items", "load", str(items), "--center", "lianzhou"], cwd=ROOT, env=env, check=True,
                   capture_output=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    url = database_url()
    fresh_database(url)
    # An installed server runs compiled modules (pip compiles them when it installs the wheel); with
    # PYTHONDONTWRITEBYTECODE set, a checkout would compile ~200 modules at every start instead.
    subprocess.run([sys.executable, "-m", "compileall", "-q", "core", "plugins"], cwd=ROOT, check=True)
    results = [measure_bare(url, args.seconds, args.concurrency)]
    for workers in (1, 2):
        results.append(measure_govhall(url, workers, args.seconds, args.concurrency))
    bare = results[0]
    print(f"Load: {args.concurrency} keep-alive clients for {args.seconds:.0f} s each, PostgreSQL, {os.cpu_count()} CPUs")
    print(f"  {'server':<24} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'RSS MiB/worker':>15} {'startup s':>9}  vs bare")
    for r in results:
        memory = "/".join(f"{m:.0f}" for m in r["memory"])
        ratio = "" if r is bare else f"{r['rps'] / bare['rps']:.0%} (target >= 25%)"
        print(f"  {r['name']:<24} {r['rps']:7.0f} {r['p50']:7.1f} {r['p99']:7.1f} {memory:>15} {r['startup']:9.2f}  {ratio}")


if __name__ == "__main__":
    main()
