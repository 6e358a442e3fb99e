"""Lists that stay flat: every list and board query the web UI sends, the year statistics and the
deadline sweeper, timed at 1,000 and at 1,000,000 cases on PostgreSQL; prints the 1M/1k ratio of
each (goal: at most 1.5).

Both databases have the same open workload — 600 open cases (queues, under review, awaiting
pickup, some urgent, some with yellow or red cards, joint tasks, running timers, 20 timers due) —
and differ in history: 400 against 999,400 completed cases over the past years (300 a day), each
with its stopped timer, one joint task in ten. The large one is loaded with ``generate_series`` in
its own database (``govhall_bench_scale_1m``; ``_1k`` for the small one), after ``govhall db
upgrade`` made the schema, so the indexes, the statistics summary and its triggers are the
product's. Every figure is measured through the app: GraphQL over httpx's ASGI transport as the
web UI sends it (``web/views/work.js``, ``mine.js``, ``pickup.js``, ``supervision.js``…), the
statistics export over HTTP, the sweeper by calling :func:`core.services.sweeper.sweep`. Each database is
served by a process of its own and the runs alternate between them, query by query, so the load
other work puts on a shared machine falls on both alike; medians of ``--repeat`` runs after
warming up.

Run: ``GOVHALL_BENCH_POSTGRES=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/scale.py``
(``--keep`` reuses databases loaded by an earlier run, brought up to date by the migrations; ``--small N
--large N`` change the sizes; ``--only TEXT`` times only the queries whose name contains it, e.g.
``--only search``; ``--prefix NAME`` names the databases ``NAME_1k`` and ``NAME_1m``).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import secrets
import statistics as pystats
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import asyncpg  # noqa: E402
import httpx  # noqa: E402
from tortoise import Tortoise  # noqa: E402
from tortoise.connection import get_connection  # noqa: E402

from core.services.accounts import grant_role  # noqa: E402
from core.faces.app import create_app  # noqa: E402
from core.services.centers import load_center  # noqa: E402
from core.plumbing.db import open_database, upgrade  # noqa: E402
from core.plumbing.models import Center, Department, Item, ItemVersion, Token, User  # noqa: E402
from core.plumbing.settings import Settings  # noqa: E402
from core.plumbing.search_index import FILL_SQL as SEARCH_FILL_SQL  # noqa: E402
from core.plumbing.stats_summary import rebuild  # noqa: E402
from core.services.sweeper import sweep  # noqa: E402

GOAL = 1.5
OPEN = 600  # open cases, the same in both databases
DUE_TIMERS = 20
PER_DAY = 300
DEPARTMENTS = 8
ITEMS = 20

CASE_ROW = ("id number state stateLabel kind kindLabel urgent alert submittedAt acceptedAt promisedDue legalDue "
            "deadlineProvisional applicantName department item { code name version }")
QUEUE_COUNTS = " ".join(
    f'q_{key}: cases(center: $c, state: "{state}", first: 100) {{ edges {{ node {{ id }} }} pageInfo {{ hasNextPage }} }}'
    for key, state in (("new", "submitted"), ("supplied", "supplied"), ("waiting", "supplementing"))
)
WORK = f"""query($c: String!, $s: String, $k: String, $al: Alert, $d: String, $m: Boolean!, $a: String, $q: String) {{
  cases(center: $c, state: $s, kind: $k, alert: $al, department: $d, mine: $m, first: 30, after: $a, search: $q) {{
    edges {{ node {{ {CASE_ROW} }} }} pageInfo {{ hasNextPage endCursor }} }}
  {QUEUE_COUNTS} }}"""
WORK_MORE = WORK.replace(QUEUE_COUNTS, "")
POLL = f"query($c: String!) {{ {QUEUE_COUNTS} }}"
MINE_ALL = f"""query($a: String) {{ myCases(first: 20, after: $a) {{
  edges {{ node {{ {CASE_ROW} center {{ code name }} }} }} pageInfo {{ hasNextPage endCursor }} }} }}"""
MINE_CENTER = f"""query($c: String!, $a: String) {{ cases(center: $c, mine: true, first: 20, after: $a) {{
  edges {{ node {{ {CASE_ROW} }} }} pageInfo {{ hasNextPage endCursor }} }} }}"""
PICKUP = """query($c: String!) { cases(center: $c, state: "approved", first: 100) { edges { node {
  id number version applicantName completedAt data item { code name } } } } }"""
BOARD = """yellow red byDepartment { code name yellow red } byWindow { code name yellow red }
  cases { id number state alert promisedDue legalDue applicantName itemName departmentName windowName responsible daysOverdue }"""
STATS = "accepted completed averagePromisedDays averageActualDays speedUpPercent onTimePercent"
SUPERVISION = f"""query($c: String!, $f: Date!, $t: Date!, $d: String) {{
  supervision(center: $c) {{ {BOARD} }} statistics(center: $c, from: $f, to: $t, department: $d) {{ {STATS} }} }}"""
STATISTICS = f"""query($c: String!, $f: Date!, $t: Date!, $d: String) {{
  statistics(center: $c, from: $f, to: $t, department: $d) {{ {STATS} }} }}"""


def definition(code: str) -> dict[str, Any]:
    """An item definition the size of a real one (a form of 60 fields): a list must not read it."""
    props = {f"f{i}": {"type": "string", "title": f"字段{i}", "description": "填写说明" * 20, "maxLength": 200} for i in range(60)}
    return {"code": code, "name": f"事项{code}", "process": "standard", "department": "d0", "caseKind": "promised",
            "legalDays": 20, "promisedDays": 5, "form": {"type": "object", "properties": props}}


CASES_SQL = """
INSERT INTO gh_case (id, center_id, number, item_version_id, process, applicant_id, responsible_id, department_id,
  window_id, applicant_name, data, state, kind, urgent, flags, channel, version, submitted_at, accepted_at,
  completed_at, accepted_on, completed_on, promised_due, legal_due, deadline_provisional, promised_days,
  actual_days, alert, updated_at)
SELECT i, $1::int, 'SC-' || lpad(i::text, 8, '0'), $2::int + (i % $3::int), 'standard',
  CASE WHEN i % $4::int = 0 THEN $5::int ELSE $6::int END, $7::int, $8::int + (i % $9::int), $10::int,
  '申请人' || i,
  jsonb_build_object('companyName', '企业' || i, 'uscc', '91440000' || lpad(i::text, 10, '0'),
                     'contactMobile', '139' || lpad(i::text, 8, '0')),
  s.state, 'promised', s.open AND i % 29 = 0, '{}'::jsonb, 'web', 3,
  s.day::timestamp AT TIME ZONE 'Asia/Shanghai',
  CASE WHEN s.accepted THEN s.day::timestamp AT TIME ZONE 'Asia/Shanghai' END,
  CASE WHEN NOT s.open THEN s.done::timestamp AT TIME ZONE 'Asia/Shanghai' END,
  CASE WHEN s.accepted THEN s.day END, CASE WHEN NOT s.open THEN s.done END,
  CASE WHEN s.accepted THEN s.day + 7 END, CASE WHEN s.accepted THEN s.day + 28 END, FALSE, 5,
  CASE WHEN NOT s.open THEN i % 7 END,
  CASE WHEN s.state = 'under_review' AND i % 11 = 0 THEN 'RED' WHEN s.state = 'under_review' AND i % 7 = 0 THEN 'YELLOW'
       ELSE 'NONE' END,
  now()
FROM generate_series(1, $11::int) AS i
CROSS JOIN LATERAL (SELECT i > $11::int - $12::int AS open) o
CROSS JOIN LATERAL (
  SELECT o.open,
    CASE WHEN NOT o.open THEN 'delivered'
         WHEN i % 20 < 3 THEN 'submitted' WHEN i % 20 = 3 THEN 'supplied' WHEN i % 20 < 6 THEN 'supplementing'
         WHEN i % 20 < 17 THEN 'under_review' ELSE 'approved' END AS state,
    (NOT o.open OR i % 20 >= 6) AS accepted,
    CASE WHEN o.open THEN current_date - (i % 10)
         ELSE current_date - 12 - ($11::int - $12::int - i) / $13::int END AS day,
    LEAST(current_date - 1, current_date - 12 - ($11::int - $12::int - i) / $13::int + (i % 9)) AS done
) s
"""

TIMERS_SQL = """
INSERT INTO timer (case_id, kind, working_days, extra_days, started_on, due, provisional, state, alert, check_at)
SELECT c.id, 'promised', 5, 0, COALESCE(c.accepted_on, current_date), c.promised_due, FALSE,
  CASE WHEN c.completed_on IS NULL AND c.accepted_on IS NOT NULL THEN 'running' ELSE 'stopped' END,
  c.alert,
  CASE WHEN c.completed_on IS NULL AND c.accepted_on IS NOT NULL THEN now() + (c.id % 50 + 1) * interval '1 hour' END
FROM gh_case c
"""

TASKS_SQL = """
INSERT INTO case_task (case_id, department_id, lead, state, due, comment, basis)
SELECT c.id, $1::int + ((c.id + 3) % $2::int), FALSE, CASE WHEN c.completed_on IS NULL THEN 'open' ELSE 'approved' END,
  c.promised_due, '', ''
FROM gh_case c WHERE c.id % 10 = 0
"""

# the due timers a sweep raises: reset before each timed sweep
DUE_SQL = """
UPDATE timer SET check_at = now() - interval '1 hour', alert = 'NONE', due = current_date + 1
WHERE id IN (SELECT id FROM timer WHERE state = 'running' ORDER BY id DESC LIMIT $1::int)
"""


def server_url() -> str:
    url = os.environ.get("GOVHALL_BENCH_POSTGRES") or os.environ.get("GOVHALL_BENCH_DATABASE") or ""
    return url if "://" in url else "postgres://postgres@127.0.0.1:5432/postgres"


def database_url(server: str, name: str) -> str:
    return f"{server.rsplit('/', 1)[0]}/{name}"


async def recreate(server: str, name: str) -> None:
    conn = await asyncpg.connect(server.replace("postgres://", "postgresql://", 1))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


async def exists(server: str, name: str) -> bool:
    conn = await asyncpg.connect(server.replace("postgres://", "postgresql://", 1))
    try:
        return bool(await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name))
    finally:
        await conn.close()


async def load(settings: Settings, n: int) -> dict[str, float]:
    """Schema by the migrations, the center, staff and items by the services, the cases by SQL."""
    from core.services.runtime import GovHall

    govhall = GovHall.create(settings)
    took: dict[str, float] = {}
    t0 = time.perf_counter()
    await upgrade(govhall.tortoise_config)
    await Tortoise.close_connections()
    async with open_database(govhall.tortoise_config):
        took["schema"] = time.perf_counter() - t0
        doc = {
            "code": "scale", "name": "规模测试政务服务中心", "shortName": "SC", "plugins": [],
            "departments": [{"code": f"d{i}", "name": f"部门{i}"} for i in range(DEPARTMENTS)],
            "windows": [{"code": f"W{i}", "name": f"窗口{i}", "kind": "comprehensive"} for i in range(3)],
        }
        center = await load_center(doc, None)
        users = {}
        for name, role, department in (("clerk", "clerk", None), ("sup", "supervisor", None),
                                       ("rev", "reviewer", "d1"), ("zhang", None, None), ("crowd", None, None)):
            users[name] = await User.create(username=f"scale-{name}", password_hash="-", display_name=name)
            if role:
                await grant_role(users[name], center, role, department_code=department)
        first_version = None
        for i in range(ITEMS):
            item = await Item.create(center=center, code=f"i{i:02d}", latest_version=1)
            v = await ItemVersion.create(item=item, center=center, code=item.code, version=1, name=f"事项{i}",
                                         definition=definition(item.code))
            first_version = first_version or v.id
        d0 = min(await Department.filter(center=center).values_list("id", flat=True))
        window = await center.windows.all().first()
        conn = get_connection("default")
        t1 = time.perf_counter()
        # the migrations' indexes, dropped for the bulk load and built again after it (a sort per
        # index instead of a million insertions into each)
        indexes = await conn.execute_query_dict(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN ('gh_case', 'timer', 'case_task', 'gh_case_search')"
            " AND indexdef NOT LIKE '%UNIQUE%'")
        for index in indexes:
            await conn.execute_script(f'DROP INDEX "{index["indexname"]}"')
        await conn.execute_script("ALTER TABLE gh_case DISABLE TRIGGER USER")
        await conn.execute_query(CASES_SQL, [
            center.id, first_version, ITEMS, max(1, n // 25), users["zhang"].id, users["crowd"].id, users["clerk"].id,
            d0, DEPARTMENTS, window.id, n, OPEN, PER_DAY,
        ])
        await conn.execute_script("ALTER TABLE gh_case ENABLE TRIGGER USER")
        await conn.execute_query(SEARCH_FILL_SQL)  # what the search table's triggers would have written
        await conn.execute_query(TIMERS_SQL)
        await conn.execute_query(TASKS_SQL, [d0, DEPARTMENTS])
        await conn.execute_script("SET maintenance_work_mem = '256MB'")
        for index in indexes:
            await conn.execute_script(index["indexdef"])
        await conn.execute_script("SELECT setval(pg_get_serial_sequence('gh_case', 'id'), (SELECT MAX(id) FROM gh_case))")
        await rebuild()
        took["cases"] = time.perf_counter() - t1
        await conn.execute_script("VACUUM ANALYZE")
        took["total"] = time.perf_counter() - t0
    return took


async def tokens() -> dict[str, str]:
    out = {}
    for name in ("clerk", "sup", "rev", "zhang"):
        token = secrets.token_urlsafe(24)
        user = await User.get(username=f"scale-{name}")
        await Token.create(token_hash=hashlib.sha256(token.encode()).hexdigest(), user=user,
                           expires_at=datetime.now(timezone.utc) + timedelta(hours=6))
        out[name] = token
    return out


Run = Callable[[], Awaitable[Any]]


async def child(settings: Settings, only: str = "") -> None:
    """One database's side of the measurement: builds the app, then runs the query named on each
    line of stdin once and answers its time in ms (the parent interleaves the two databases, so
    the load other work puts on the machine falls on both alike)."""
    app = create_app(settings)
    govhall = app.state.govhall
    async with app.router.lifespan_context(app):
        tok = await tokens()
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:

            def gql(user: str, query: str, **variables: Any) -> Run:
                async def run() -> Any:
                    r = await http.post("/graphql", json={"query": query, "variables": variables},
                                        headers={"Authorization": f"Bearer {tok[user]}"})
                    body = r.json()
                    if body.get("errors"):
                        raise RuntimeError(f"{user}: {body['errors']}")
                    return body["data"]

                return run

            work = {"c": "scale", "s": None, "k": None, "al": None, "d": None, "m": False, "a": None, "q": None}
            page1 = await gql("clerk", WORK, **work)()
            cursor = page1["cases"]["pageInfo"]["endCursor"]
            year_from = (datetime.now() - timedelta(days=365)).date().isoformat()
            today = datetime.now().date().isoformat()
            number = (await gql("zhang", MINE_ALL, a=None)())["myCases"]["edges"][0]["node"]["number"]

            async def export() -> None:
                r = await http.get(f"/exports/statistics?center=scale&from={year_from}&to={today}&format=csv",
                                   headers={"Authorization": f"Bearer {tok['sup']}"})
                assert r.status_code == 200, r.text

            async def due() -> None:
                await get_connection("default").execute_query(DUE_SQL, [DUE_TIMERS])

            async def sweep_due() -> None:
                await sweep(govhall)

            cases: dict[str, tuple[Run, Run | None]] = {
                "工作台 clerk (30 rows + queue counts)": (gql("clerk", WORK, **work), None),
                "工作台 clerk, load more (page 2)": (gql("clerk", WORK_MORE, **{**work, "a": cursor}), None),
                "工作台 clerk, state under_review": (gql("clerk", WORK, **{**work, "s": "under_review"}), None),
                "工作台 clerk, alert RED": (gql("clerk", WORK, **{**work, "al": "RED"}), None),
                "工作台 clerk, kind promised": (gql("clerk", WORK, **{**work, "k": "promised"}), None),
                "工作台 clerk, department d3": (gql("clerk", WORK, **{**work, "d": "d3"}), None),
                "工作台 clerk, mine": (gql("clerk", WORK, **{**work, "m": True}), None),
                "工作台 clerk, search case number": (gql("clerk", WORK, **{**work, "q": number}), None),
                "工作台 clerk, search applicant name (substring)": (gql("clerk", WORK, **{**work, "q": "申请人" + number[-5:]}), None),
                "工作台 clerk, search partial case number": (gql("clerk", WORK, **{**work, "q": number[-7:]}), None),
                "工作台 clerk, search USCC (partial)": (gql("clerk", WORK, **{**work, "q": "0" + number[3:]}), None),
                "工作台 clerk, search 2 characters, no match": (gql("clerk", WORK, **{**work, "q": "王芳"}), None),
                "工作台 clerk, search 1 character, every case": (gql("clerk", WORK, **{**work, "q": "申"}), None),
                "工作台 clerk, search no match": (gql("clerk", WORK, **{**work, "q": "无此申请人"}), None),
                "工作台 supervisor": (gql("sup", WORK, **work), None),
                "工作台 reviewer": (gql("rev", WORK, **work), None),
                "工作台 reviewer 待审批 (under_review, mine)": (gql("rev", WORK, **{**work, "s": "under_review", "m": True}), None),
                "queue counts poll": (gql("clerk", POLL, c="scale"), None),
                "出件 pickup queue (100)": (gql("clerk", PICKUP, c="scale"), None),
                "我的办件 myCases": (gql("zhang", MINE_ALL, a=None), None),
                "我的办件 one center": (gql("zhang", MINE_CENTER, c="scale", a=None), None),
                "电子监察 board + year statistics": (gql("sup", SUPERVISION, c="scale", f=year_from, t=today, d=None), None),
                "statistics, year": (gql("sup", STATISTICS, c="scale", f=year_from, t=today, d=None), None),
                "statistics, year, department": (gql("sup", STATISTICS, c="scale", f=year_from, t=today, d="d2"), None),
                "statistics export (CSV, every department)": (export, None),
                "sweeper, nothing due": (lambda: sweep(govhall), None),
                f"sweeper, {DUE_TIMERS} timers due": (sweep_due, due),
            }
            cases = {name: run for name, run in cases.items() if only in name}
            for run, before in cases.values():  # warm up
                for _ in range(2):
                    if before:
                        await before()
                    await run()
            print(json.dumps(list(cases)), flush=True)
            loop = asyncio.get_running_loop()
            while line := (await loop.run_in_executor(None, sys.stdin.readline)).strip():
                run, before = cases[json.loads(line)]
                if before:
                    await before()
                t = time.perf_counter()
                await run()
                print((time.perf_counter() - t) * 1000, flush=True)


async def interleaved(databases: dict[str, str], repeat: int, only: str = "") -> dict[str, dict[str, float]]:
    """Median ms of each query per database, the databases' runs taken in turn."""
    procs = {}
    for label, name in databases.items():
        procs[label] = await asyncio.create_subprocess_exec(
            sys.executable, __file__, "--child", name, "--only", only, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            limit=1 << 20,
        )
    names: list[str] = []
    for p in procs.values():
        names = json.loads(await p.stdout.readline())  # type: ignore[union-attr]
    times: dict[str, dict[str, list[float]]] = {q: {label: [] for label in procs} for q in names}
    order = list(procs)
    for rep in range(repeat):
        for q in names:
            for label in order if rep % 2 == 0 else reversed(order):
                p = procs[label]
                p.stdin.write((json.dumps(q) + "\n").encode())  # type: ignore[union-attr]
                await p.stdin.drain()  # type: ignore[union-attr]
                times[q][label].append(float(await p.stdout.readline()))  # type: ignore[union-attr]
    for p in procs.values():
        p.stdin.write(b"\n")  # type: ignore[union-attr]
        await p.stdin.drain()  # type: ignore[union-attr]
        await p.wait()
    return {q: {label: pystats.median(v) for label, v in per.items()} for q, per in times.items()}


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--large", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--keep", action="store_true", help="reuse the databases an earlier run loaded")
    parser.add_argument("--only", default="", help="time only the queries whose name contains this text")
    parser.add_argument("--prefix", default="govhall_bench_scale", help="database names: PREFIX_1k and PREFIX_1m")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    server = server_url()
    if args.child:
        await child(Settings(database_url=database_url(server, args.child), sweep_seconds=0, log_requests=False), args.only)
        return 0
    sizes = {"1k": args.small, "1M": args.large}
    settings = {}
    for label, n in sizes.items():
        name = f"{args.prefix}_{label.lower()}"
        settings[label] = Settings(database_url=database_url(server, name), sweep_seconds=0, log_requests=False)
        if args.keep and await exists(server, name):
            from core.services.runtime import GovHall

            t0 = time.perf_counter()
            applied = await upgrade(GovHall.create(settings[label]).tortoise_config)
            await Tortoise.close_connections()
            print(f"{label}: reusing {name}" + (f", {', '.join(applied)} applied in {time.perf_counter() - t0:.1f} s"
                                                 if applied else ""))
            continue
        await recreate(server, name)
        took = await load(settings[label], n)
        print(f"{label}: {n:,} cases loaded into {name} in {took['total']:.1f} s"
              f" (schema {took['schema']:.1f} s, cases, timers, tasks and summary {took['cases']:.1f} s)")
    results = await interleaved({label: f"{args.prefix}_{label.lower()}" for label in sizes}, args.repeat, args.only)
    width = max(len(k) for k in results)
    print(f"\n{'query (as the web UI sends it)'.ljust(width)}  {'1k ms':>8}  {'1M ms':>8}  {'1M/1k':>6}")
    missed = 0
    for k, v in results.items():
        ratio = v["1M"] / v["1k"]
        flag = "" if ratio <= GOAL else "  > goal"
        missed += bool(flag)
        print(f"{k.ljust(width)}  {v['1k']:8.2f}  {v['1M']:8.2f}  {ratio:6.2f}{flag}")
    print(f"\ngoal: 1M/1k ≤ {GOAL} for each; {len(results) - missed} of {len(results)} met")
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
