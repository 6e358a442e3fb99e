"""Cost of a supervision sweep with few due timers among many open ones, at two sizes.

The sweeper reads timers by ``check_at`` (an index range), so with the same number of due timers a
sweep over N open cases should cost what it costs over N/10. Target: ratio (N / (N/10)) <= 1.5.

N open cases (default 100,000), each with a running promised timer whose next check is years away,
plus D = 200 overdue timers that every measured sweep raises to RED (and that are reset between
runs). SQLite always; PostgreSQL too when ``GOVHALL_BENCH_POSTGRES`` is set (see ``bench/stats.py``).

Run: ``.venv/bin/python bench/sweep.py [N]``; the target size: ``.venv/bin/python bench/sweep.py 1000000``
(exit status 1 when the target is missed).
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from stats import bench_database, case_rows, database_urls, insert_cases, make_center, sizes_from_argv  # noqa: E402
from tortoise.connection import get_connection  # noqa: E402

from core.services.runtime import GovHall  # noqa: E402
from core.plumbing.settings import Settings  # noqa: E402
from core.services.sweeper import sweep  # noqa: E402

TARGET_RATIO = 1.5
DUE_TIMERS = 200
NOW = datetime(2026, 11, 26, 2, 0, tzinfo=timezone.utc)


def timer_sql(dialect: str) -> str:
    """A running timer for every case above an id, its next check far in the future."""
    mark = "$1" if dialect == "postgres" else "?"
    later = "'2030-01-01 00:00:00+00:00'"
    return (
        "INSERT INTO timer (case_id, kind, working_days, extra_days, started_on, due, provisional, state, alert, check_at)"
        f" SELECT id, 'promised', promised_days, 0, accepted_on, promised_due, FALSE, 'running', 'NONE', {later}"
        f" FROM gh_case WHERE id > {mark}"
    )


async def grow(dialect: str, ids: tuple[int, int, int, list[int]], have: int, want: int) -> None:
    center_id, version_id, applicant_id, departments = ids
    conn = get_connection("default")
    (top,) = await conn.execute_query_dict("SELECT COALESCE(MAX(id), 0) AS top FROM gh_case")
    await insert_cases(
        dialect,
        lambda first, count: case_rows(center_id, version_id, applicant_id, departments, first, count, first,
                                       open_cases=True, dialect=dialect),
        want - have,
        first=have,
    )
    await conn.execute_query(timer_sql(dialect), [top["top"]])
    if dialect == "postgres":
        await conn.execute_script("ANALYZE timer; ANALYZE gh_case")


async def make_due(dialect: str, due_ids: list[int]) -> None:
    """Make the chosen timers overdue again (alert NONE, check passed), as before each sweep."""
    marks = ", ".join(f"${i + 1}" if dialect == "postgres" else "?" for i in range(len(due_ids)))
    past = "'2026-11-01 00:00:00+00:00'"
    due = "'2026-11-02'"
    await get_connection("default").execute_query(
        f"UPDATE timer SET alert = 'NONE', check_at = {past}, due = {due} WHERE id IN ({marks})", due_ids
    )


async def measure(govhall: GovHall, dialect: str, due_ids: list[int], rounds: int = 11) -> float:
    best = float("inf")
    for _ in range(rounds + 1):  # the first run warms up
        await make_due(dialect, due_ids)
        start = time.perf_counter()
        raised = await sweep(govhall, now=NOW)
        elapsed = time.perf_counter() - start
        assert len(raised) == len(due_ids), (len(raised), len(due_ids))
        best = min(best, elapsed)
    return best


async def run(label: str, url: str, n: int) -> bool:
    small = max(n // 10, DUE_TIMERS * 2)
    govhall = GovHall.create(Settings(database_url=url, plugins=()))
    async with bench_database(url) as dialect:
        center, version, applicant, departments = await make_center()
        ids = (center.id, version.id, applicant.id, departments)
        started = time.perf_counter()
        await grow(dialect, ids, 0, small)
        rows = await get_connection("default").execute_query_dict(
            f"SELECT id FROM timer ORDER BY id LIMIT {DUE_TIMERS}"
        )
        due_ids = [r["id"] for r in rows]
        print(f"[{label}] {small:,} open cases and timers in {time.perf_counter() - started:.1f} s")
        t_small = await measure(govhall, dialect, due_ids)
        started = time.perf_counter()
        await grow(dialect, ids, small, n)
        print(f"[{label}] grown to {n:,} open cases and timers in {time.perf_counter() - started:.1f} s")
        t_big = await measure(govhall, dialect, due_ids)
    ratio = t_big / t_small
    ok = ratio <= TARGET_RATIO
    print(f"[{label}] sweep of {DUE_TIMERS} due timers: {t_small * 1000:.1f} ms among {small:,} open,"
          f" {t_big * 1000:.1f} ms among {n:,} open ({t_big / DUE_TIMERS * 1000:.2f} ms per due timer);"
          f" ratio {ratio:.2f} (target <= {TARGET_RATIO}) {'OK' if ok else 'MISSED'}")
    return ok


async def main() -> int:
    n = sizes_from_argv()
    print(f"sweep cost at {n // 10:,} and {n:,} open cases (the target size: python bench/sweep.py 1000000)")
    with tempfile.TemporaryDirectory() as tmp:
        results = [await run(label, url, n) for label, url in database_urls(Path(tmp))]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
