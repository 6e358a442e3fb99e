"""Cost of the year statistics (the approval center's figures) through ``core.services.stats.statistics`` vs the same SQL
aggregate run alone on the same connection. Target: within 1.5x at 1,000,000 cases.

N cases (default 100,000) spread over 2025-2027 are bulk-inserted into a fresh SQLite file, and into a
throw-away PostgreSQL database when ``GOVHALL_BENCH_POSTGRES`` is set (a server URL such as
``postgres://postgres@127.0.0.1:5432/postgres``, or ``1`` for that one).

Run: ``.venv/bin/python bench/stats.py [N]``; the target size: ``.venv/bin/python bench/stats.py 1000000``
(exit status 1 when the target is missed). ``bench/sweep.py`` reuses the setup helpers below.
"""

from __future__ import annotations

import asyncio
import os
import random
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tortoise import Tortoise  # noqa: E402
from tortoise.connection import get_connection  # noqa: E402

from core.services.centers import load_center  # noqa: E402
from core.plumbing.db import tortoise_config, upgrade  # noqa: E402
from core.plumbing.sql import for_dialect  # noqa: E402
from core.plumbing.models import Center, Department, Item, ItemVersion, User  # noqa: E402

TARGET_RATIO = 1.5
# What a DBA would type first: not the figures (no acceptance count, no on-time rate), only a yardstick.
PLAIN_SQL = (
    "SELECT COUNT(*) AS n, SUM(promised_days) AS p, SUM(actual_days) AS a FROM gh_case"
    " WHERE completed_on >= ? AND completed_on <= ?"
)
DEFAULT_N = 100_000
CHUNK = 20_000


def sizes_from_argv(default: int = DEFAULT_N) -> int:
    try:
        return int(sys.argv[1].replace("_", "")) if len(sys.argv) > 1 else default
    except ValueError:
        raise SystemExit(f"usage: {sys.argv[0]} [N]   (N = number of cases, default {default:,})")


def database_urls(tmp: Path) -> list[tuple[str, str]]:
    """(label, URL) of the databases to measure: SQLite always, PostgreSQL when asked for."""
    urls = [("SQLite", f"sqlite://{tmp / 'bench.sqlite3'}")]
    server = os.environ.get("GOVHALL_BENCH_POSTGRES")
    if server:
        if "://" not in server:
            server = "postgres://postgres@127.0.0.1:5432/postgres"
        urls.append(("PostgreSQL", server))
    return urls


@asynccontextmanager
async def bench_database(url: str) -> AsyncIterator[str]:
    """A fresh database with the core's tables; a PostgreSQL one is created and dropped here."""
    dialect = "postgres" if url.startswith(("postgres://", "postgresql://")) else "sqlite"
    drop = None
    if dialect == "postgres":
        import asyncpg

        base = url.rsplit("/", 1)[0]
        name = f"govhall_bench_{os.getpid()}"
        admin = url.replace("postgres://", "postgresql://", 1)
        conn = await asyncpg.connect(admin)
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        await conn.execute(f'CREATE DATABASE "{name}"')
        await conn.close()
        url = f"{base}/{name}"

        async def drop() -> None:
            conn = await asyncpg.connect(admin)
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await conn.close()

    from tortoise.backends.base.executor import EXECUTOR_CACHE

    EXECUTOR_CACHE.clear()  # SQL is cached per connection name: SQLite's would be wrong on PostgreSQL
    config = tortoise_config(url)
    await upgrade(config)  # the product's schema: its indexes, and the statistics summary with its triggers
    await Tortoise.close_connections()
    await Tortoise.init(config=config, _enable_global_fallback=True)
    try:
        yield dialect
    finally:
        await Tortoise.close_connections()
        if drop is not None:
            await drop()


async def make_center() -> tuple[Center, ItemVersion, User, list[int]]:
    doc = {
        "code": "bench", "name": "基准测试县政务服务中心", "shortName": "BN", "plugins": [],
        "departments": [{"code": f"d{i}", "name": f"部门{i}"} for i in range(12)],
        "windows": [{"code": "A01", "name": "综合受理窗口", "kind": "comprehensive"}],
    }
    center = await load_center(doc, None)
    applicant = await User.create(username="bench-applicant", password_hash="x")
    item = await Item.create(center=center, code="bench-item", latest_version=1)
    version = await ItemVersion.create(item=item, center=center, code="bench-item", version=1, name="基准事项", definition={})
    departments = sorted(await Department.filter(center=center).values_list("id", flat=True))
    return center, version, applicant, departments


_CASE_COLUMNS = (
    "center_id, number, item_version_id, process, applicant_id, applicant_name, data, state, kind, urgent,"
    " flags, channel, version, submitted_at, updated_at, accepted_on, completed_on, promised_due,"
    " deadline_provisional, promised_days, actual_days, alert, department_id, legal_days, legal_actual_days"
)


def _case_sql(dialect: str) -> str:
    marks = [f"${i}" for i in range(1, 14)] if dialect == "postgres" else ["?"] * 13
    c, n, v, a, ac, co, pd, pdays, ad, al, dep, ld, lad = marks
    return (
        f"INSERT INTO gh_case ({_CASE_COLUMNS}) VALUES ({c}, {n}, {v}, 'bench', {a}, '申请人', '{{}}', 'done', 'promised',"
        f" FALSE, '{{}}', 'web', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, {ac}, {co}, {pd}, FALSE, {pdays}, {ad},"
        f" {al}, {dep}, {ld}, {lad})"
    )


def case_rows(
    center_id: int, version_id: int, applicant_id: int, departments: list[int], first: int, n: int, seed: int,
    *, open_cases: bool = False, dialect: str = "sqlite",
) -> list[list[Any]]:
    """Rows for the case INSERT: accepted over 2025-2027, 95 % completed (unless ``open_cases``)."""
    rng = random.Random(seed)
    out = []
    for i in range(first, first + n):
        accepted = date(2025, 1, 1) + timedelta(days=rng.randrange(0, 3 * 365))
        promised = rng.choice((1, 3, 5, 5, 7, 10, 15, 20))
        due = accepted + timedelta(days=promised * 7 // 5 + 1)
        completed = actual = None
        if not open_cases and rng.random() < 0.95:
            completed = accepted + timedelta(days=rng.choice((0, 1, 2, 3, 5, 8)))
            actual = min(rng.randint(0, promised), (completed - accepted).days)
        values: list[Any] = [accepted, completed, due]
        if dialect == "sqlite":
            values = [d.isoformat() if d else None for d in values]
        out.append(
            [center_id, f"BN{i:09d}", version_id, applicant_id, *values, promised, actual,
             "NONE", departments[i % len(departments)], promised * 3, actual]
        )
    return out


async def insert_cases(dialect: str, rows_for: Callable[[int, int], list[list[Any]]], total: int, first: int = 0) -> None:
    """Bulk insert ``total`` cases in chunks, each chunk one executemany in one transaction."""
    from tortoise.transactions import in_transaction

    sql = _case_sql(dialect)
    for start in range(first, first + total, CHUNK):
        rows = rows_for(start, min(CHUNK, first + total - start))
        async with in_transaction() as conn:
            await conn.execute_many(sql, rows)


async def best_of(fns: list[Callable[[], Awaitable[Any]]], rounds: int = 7) -> list[float]:
    """Fastest of ``rounds`` runs of each function, in seconds, after one warm-up run each; the
    functions take turns within a round, so a drift of the machine hits them alike."""
    for fn in fns:
        await fn()
    best = [float("inf")] * len(fns)
    for _ in range(rounds):
        for i, fn in enumerate(fns):
            start = time.perf_counter()
            await fn()
            best[i] = min(best[i], time.perf_counter() - start)
    return best


async def run_stats(label: str, url: str, n: int) -> bool:
    from core.services import stats

    async with bench_database(url) as dialect:
        center, version, applicant, departments = await make_center()
        started = time.perf_counter()
        await insert_cases(
            dialect,
            lambda first, count: case_rows(center.id, version.id, applicant.id, departments, first, count, first, dialect=dialect),
            n,
        )
        print(f"[{label}] {n:,} cases inserted in {time.perf_counter() - started:.1f} s")
        if dialect == "postgres":
            await get_connection("default").execute_script("ANALYZE gh_case")
        start, end = date(2026, 1, 1), date(2026, 12, 31)
        sql, params = stats.statistics_params(center.id, start, end, None, dialect == "postgres")
        conn = get_connection("default")
        plain_sql = for_dialect(PLAIN_SQL, dialect == "postgres")
        plain_params = [start, end] if dialect == "postgres" else [start.isoformat(), end.isoformat()]
        raw, service, plain = await best_of(
            [
                lambda: conn.execute_query_dict(sql, params),
                lambda: stats.statistics(center, start=start, end=end),
                lambda: conn.execute_query_dict(plain_sql, plain_params),
            ],
            rounds=5,
        )
        figures = await stats.statistics(center, start=start, end=end)
        same = figures == await stats.raw_statistics(center, start=start, end=end)
        ratio = service / raw
        ok = ratio <= TARGET_RATIO and same
        print(f"[{label}] raw SQL aggregate {raw * 1000:.1f} ms; stats.statistics {service * 1000:.1f} ms;"
              f" ratio {ratio:.2f} (target <= {TARGET_RATIO}) {'OK' if ok else 'MISSED'}")
        print(f"[{label}] for scale: a plain one-range aggregate (count and two sums of completed cases)"
              f" {plain * 1000:.1f} ms")
        print(f"[{label}] 2026: {figures}")
        print(f"[{label}] the summary's figures equal the raw aggregate's: {'yes' if same else 'NO'}")
        return ok


async def main() -> int:
    n = sizes_from_argv()
    print(f"year statistics over {n:,} cases (the target size: python bench/stats.py 1000000)")
    with tempfile.TemporaryDirectory() as tmp:
        results = [await run_stats(label, url, n) for label, url in database_urls(Path(tmp))]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
