"""Submitting a case: GovHall's submitCase through GraphQL vs a bare Starlette endpoint that inserts
the same row with Tortoise, on SQLite and on PostgreSQL in one run (each database in a process of
its own: Tortoise keeps compiled SQL per connection name). Then transitions per second, and
optionally the cost of submit, transition and `case` with few and with many stored cases.

    .venv/bin/python bench/submit.py                 # SQLite and PostgreSQL, 300 requests each
    .venv/bin/python bench/submit.py --large 100000  # also 1,000 vs 100,000 stored cases
    GOVHALL_BENCH_DATABASE=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python bench/submit.py

PostgreSQL: GOVHALL_BENCH_DATABASE (its public schema is dropped!), else the database
``govhall_bench`` on the local server, created if missing; skipped when no server answers.
Target: submitCase <= 2.0x the bare insert on both databases.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx  # noqa: E402
from starlette.requests import Request  # noqa: E402
from starlette.responses import JSONResponse  # noqa: E402
from starlette.routing import Route  # noqa: E402
from tortoise.connection import get_connection  # noqa: E402

from bench.schema import delivering, fresh_schema  # noqa: E402
from core.faces.app import create_app  # noqa: E402
from core.plumbing.models import Case, Center, ItemVersion, User  # noqa: E402
from core.plumbing.settings import Settings  # noqa: E402
from tests.hall import GOOD_DATA, SUBMIT, TRANSITION, build_hall  # noqa: E402
from tests.helpers import TEST_PASSWORD_HASHING  # noqa: E402

SUBMIT_LEAN = """mutation($center: String!, $item: String!, $data: JSON!) {
  submitCase(center: $center, item: $item, data: $data) { __typename ... on Case { id number version } ... on UserErrors { errors { code } } } }"""
COMPANIES = itertools.count(1)  # numbers the companies the measured submissions are filed for
GET_LEAN = "query($id: ID!) { case(id: $id) { id number state version promisedDue } }"
TRANSITION_LEAN = """mutation($id: ID!, $action: String!, $v: Int) {
  transitionCase(id: $id, action: $action, expectedVersion: $v) { __typename ... on Case { id state version } } }"""


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


def first_filing() -> dict[str, Any]:
    """The test permit's application for a company of its own: a first filing, which the duplicate
    check (您已有该事项的在办件) probes for and lets through, as most filings are."""
    return {**GOOD_DATA, "companyName": f"{GOOD_DATA['companyName']}{next(COMPANIES)}"}


def bare_route() -> Route:
    """The reference: parse JSON, insert the same case row with Tortoise, answer JSON."""

    async def insert(request: Request) -> JSONResponse:
        body = await request.json()
        case = await Case.create(
            center_id=body["center_id"], number=uuid.uuid4().hex, item_version_id=body["item_version_id"],
            process="standard", applicant_id=body["applicant_id"], data=body["data"], state="submitted", kind="promised",
        )
        return JSONResponse({"id": case.id, "number": case.number})

    return Route("/bare", insert, methods=["POST"])


async def fill(n: int, center_id: int, item_version_id: int, applicant_id: int) -> None:
    """Add n stored cases quickly (raw multi-row inserts), so the measured queries meet a big table."""
    conn = get_connection("default")
    postgres = conn.capabilities.dialect == "postgres"
    existing = await Case.all().count()
    batch = 2000
    data = json.dumps(GOOD_DATA, ensure_ascii=False)
    cols = "(center_id, number, item_version_id, process, applicant_id, data, state, kind, urgent, flags, channel, version, submitted_at, updated_at, deadline_provisional, promised_days, alert, applicant_name)"
    for start in range(existing, existing + n, batch):
        rows = range(start, min(start + batch, existing + n))
        if postgres:
            values = ",".join(
                f"({center_id}, 'FILL-{i:08d}', {item_version_id}, 'standard', {applicant_id}, '{data}'::jsonb, 'delivered', 'promised', false, '{{}}'::jsonb, 'web', 4, now(), now(), false, 10, 'NONE', '填充')"
                for i in rows
            )
        else:
            values = ",".join(
                f"({center_id}, 'FILL-{i:08d}', {item_version_id}, 'standard', {applicant_id}, '{data}', 'delivered', 'promised', 0, '{{}}', 'web', 4, datetime('now'), datetime('now'), 0, 10, 'NONE', '填充')"
                for i in rows
            )
        await conn.execute_script(f'INSERT INTO gh_case {cols} VALUES {values}')
    if postgres:
        await conn.execute_script("ANALYZE gh_case")
    else:
        await conn.execute_script("ANALYZE")


async def timed(n: int, make) -> list[float]:
    out = []
    for i in range(n):
        t0 = time.perf_counter()
        await make(i)
        out.append(time.perf_counter() - t0)
    return out


def ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


async def measure(gql: Gql, http: httpx.AsyncClient, token: str, clerk: str, ids: dict[str, int], n: int) -> dict[str, float]:
    async def bare(i: int) -> None:
        r = await http.post("/bare", json={**ids, "data": GOOD_DATA})
        assert r.status_code == 200, r.text

    submitted: list[dict[str, Any]] = []

    async def submit(i: int) -> None:
        result = (await gql(SUBMIT_LEAN, {"center": "hall", "item": "test-permit", "data": first_filing()}, token=token))["submitCase"]
        assert result["__typename"] == "Case", result
        submitted.append(result)

    async def get(i: int) -> None:
        await gql(GET_LEAN, {"id": submitted[i]["id"]}, token=token)

    async def transition(i: int) -> None:
        case = submitted[i]
        result = (await gql(TRANSITION_LEAN, {"id": case["id"], "action": "mark_urgent", "v": case["version"]}, token=clerk))["transitionCase"]
        assert result["__typename"] == "Case", result

    # alternate bare and submit request by request, so machine noise hits both alike
    bare_t, submit_t = [], []
    for i in range(n):
        bare_t += await timed(1, bare)
        submit_t += await timed(1, submit)
    get_t = await timed(len(submitted), get)
    transition_t = await timed(len(submitted), transition)
    return {"bare": ms(bare_t), "submit": ms(submit_t), "case": ms(get_t), "transition": ms(transition_t)}


async def run_one(url: str, n: int, small: int, large: int) -> dict[str, Any]:
    """Measure on one database; returns the medians (ms) at ``small`` stored cases (and ``large``)."""
    settings = Settings(database_url=url, token_hours=2, password_hashing=TEST_PASSWORD_HASHING,
                        sweep_seconds=0, outbox_seconds=0, log_requests=False)
    app = create_app(settings)
    app.router.routes.append(bare_route())
    async with app.router.lifespan_context(app):
        await fresh_schema(app.state.govhall)
        async with delivering(app.state.govhall), httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as http:
            gql = Gql(http)
            hall = await build_hall(app.state.govhall, gql)
            center = await Center.get(code="hall")
            item = await ItemVersion.get(center=center, code="test-permit")
            applicant = await User.get(username="app1")
            ids = {"center_id": center.id, "item_version_id": item.id, "applicant_id": applicant.id}
            token, head = hall.tokens["app1"], hall.tokens["head1"]
            await measure(gql, http, token, head, ids, 50)  # warm up caches and the JIT-less interpreter alike
            await fill(small - await Case.all().count(), **ids)
            result: dict[str, Any] = {"small": await measure(gql, http, token, head, ids, n)}
            if large > small:
                await fill(large - await Case.all().count(), **ids)
                result["large"] = await measure(gql, http, token, head, ids, n)
    return result


def postgres_url() -> str | None:
    """The PostgreSQL database to use, created if it is the default one; None without a server."""
    if url := os.environ.get("GOVHALL_BENCH_DATABASE"):
        return url
    import asyncpg

    async def ensure() -> str | None:
        try:
            conn = await asyncpg.connect("postgres://postgres@127.0.0.1:5432/postgres", timeout=5)
        except (OSError, asyncpg.PostgresError):
            return None
        try:
            if not await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = 'govhall_bench'"):
                await conn.execute("CREATE DATABASE govhall_bench")
        finally:
            await conn.close()
        return "postgres://postgres@127.0.0.1:5432/govhall_bench"

    return asyncio.run(ensure())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=300, help="requests per measurement")
    parser.add_argument("--small", type=int, default=1000)
    parser.add_argument("--large", type=int, default=0, help="also measure with this many stored cases")
    parser.add_argument("--one", help=argparse.SUPPRESS)  # child process: measure this database, print JSON
    args = parser.parse_args()
    if args.one:
        print(json.dumps(asyncio.run(run_one(args.one, args.n, args.small, args.large))))
        return
    databases = {"SQLite": f"sqlite://{tempfile.mkdtemp()}/bench.sqlite3"}
    if pg := postgres_url():
        databases["PostgreSQL"] = pg
    results = {}
    for name, url in databases.items():
        child = subprocess.run(
            [sys.executable, __file__, "--one", url, "-n", str(args.n), "--small", str(args.small), "--large", str(args.large)],
            capture_output=True, text=True, env={**os.environ, "GOVHALL_LOG_REQUESTS": "0"},
        )
        if child.returncode != 0:
            sys.exit(f"{name}: {child.stderr[-3000:]}")
        results[name] = json.loads(child.stdout.strip().splitlines()[-1])
    print(f"submitCase vs a bare Starlette + Tortoise insert: median per request of {args.n}, in-process HTTP "
          f"(httpx ASGITransport), {args.small:,} stored cases")
    for name, result in results.items():
        small = result["small"]
        print(f"  {name:<10} bare {small['bare']:6.2f} ms   submitCase {small['submit']:6.2f} ms   "
              f"ratio {small['submit'] / small['bare']:.2f}x (target <= 2.0x)   "
              f"transition {small['transition']:.2f} ms   case {small['case']:.2f} ms")
    for name, result in results.items():
        if "large" in result:
            print(f"  {name}: {args.small:,} vs {args.large:,} stored cases (target: within 1.5x)")
            for key in ("submit", "transition", "case"):
                a, b = result["small"][key], result["large"][key]
                print(f"    {key:<10} {a:.2f} ms -> {b:.2f} ms   ratio {b / a:.2f}x")


if __name__ == "__main__":
    main()
