"""Year-end figures (the approval center's rules) and the live supervision board (电子监察), as SQL aggregates.

A county hall completes ~75,000 cases a year and a city many times that: the figures are sums over
the summary ``case_day_stat`` (one row per center, department and day, kept by triggers in the
transaction of every case change: :mod:`core.plumbing.stats_summary`), so a year reads at most 366 rows per
department whatever the number of cases; the divisions are done here on those few numbers.
``STATISTICS_SQL`` is the same figures aggregated from ``gh_case`` itself: the tests check the
summary against it. The SQL is written once with ``?`` and numbered for PostgreSQL.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from tortoise.connection import get_connection

from core.plumbing.models import Center
from core.plumbing.sql import for_dialect

__all__ = [
    "STATISTICS_SQL", "SUMMARY_SQL", "figures", "raw_statistics", "statistics", "statistics_by_department", "statistics_params",
    "supervision",
]

# Cases accepted in [start, end], and cases completed in [start, end] with their promised and
# actual working days. A case without a promised due date (an immediate case, 即办件) cannot be late.
STATISTICS_SQL = """
SELECT
  COALESCE(SUM(CASE WHEN accepted_on >= ? AND accepted_on <= ? THEN 1 ELSE 0 END), 0) AS accepted,
  COALESCE(SUM(CASE WHEN completed_on >= ? AND completed_on <= ? THEN 1 ELSE 0 END), 0) AS completed,
  COALESCE(SUM(CASE WHEN completed_on >= ? AND completed_on <= ? THEN promised_days ELSE 0 END), 0) AS promised_sum,
  COALESCE(SUM(CASE WHEN completed_on >= ? AND completed_on <= ? THEN COALESCE(actual_days, 0) ELSE 0 END), 0) AS actual_sum,
  COALESCE(SUM(CASE WHEN completed_on >= ? AND completed_on <= ?
                     AND (promised_due IS NULL OR completed_on <= promised_due) THEN 1 ELSE 0 END), 0) AS on_time
FROM gh_case
WHERE {center_column} = ?
  AND ((accepted_on >= ? AND accepted_on <= ?) OR (completed_on >= ? AND completed_on <= ?))
"""

_DEPARTMENT_FILTER = "  AND department_id = (SELECT id FROM department WHERE center_id = ? AND code = ?)\n"

# The same figures from the summary: accepted counts sit on the acceptance day's row, the others on
# the completion day's, so one range over ``day`` gives both.
_SUMS = """COALESCE(SUM(accepted), 0) AS accepted, COALESCE(SUM(completed), 0) AS completed,
  COALESCE(SUM(promised_sum), 0) AS promised_sum, COALESCE(SUM(actual_sum), 0) AS actual_sum,
  COALESCE(SUM(on_time), 0) AS on_time"""
SUMMARY_SQL = f"""
SELECT {_SUMS}
FROM case_day_stat
WHERE center_id = ? AND day >= ? AND day <= ?
"""
_BY_DEPARTMENT_SQL = f"""
SELECT department_id, {_SUMS}
FROM case_day_stat
WHERE center_id = ? AND day >= ? AND day <= ?
GROUP BY department_id
"""


def _is_postgres() -> bool:
    return get_connection("default").capabilities.dialect == "postgres"



def statistics_params(
    center_id: int, start: date, end: date, department: str | None, postgres: bool
) -> tuple[str, list[Any]]:
    """The statistics query and its parameters (shared with ``bench/stats.py``)."""
    d0: Any = start if postgres else start.isoformat()
    d1: Any = end if postgres else end.isoformat()
    # SQLite would walk the center_id index and fetch every row of the center by rowid, in random
    # order: ~20x slower at 1,000,000 cases than reading the table once (``+`` disables the index).
    sql = STATISTICS_SQL.replace("{center_column}", "center_id" if postgres else "+center_id")
    params: list[Any] = [d0, d1] * 5 + [center_id, d0, d1, d0, d1]
    if department is not None:
        sql += _DEPARTMENT_FILTER
        params += [center_id, department]
    return for_dialect(sql, postgres), params


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _dates(start: date, end: date, postgres: bool) -> list[Any]:
    return [start, end] if postgres else [start.isoformat(), end.isoformat()]


async def statistics(center: Center, *, start: date, end: date, department: str | None = None) -> dict[str, Any]:
    """The approval center's figures for cases of ``center`` (and ``department``, a department code) between
    ``start`` and ``end`` inclusive, from the summary. Averages and percentages are None when
    nothing was completed."""
    postgres = _is_postgres()
    sql, params = SUMMARY_SQL, [center.id, *_dates(start, end, postgres)]
    if department is not None:
        sql, params = sql + _DEPARTMENT_FILTER, params + [center.id, department]
    (row,) = await get_connection("default").execute_query_dict(for_dialect(sql, postgres), params)
    return figures(row)


async def statistics_by_department(center: Center, *, start: date, end: date) -> dict[int, dict[str, Any]]:
    """The figures of every department id (0: cases without a department) in one query; a
    department without cases in the period is absent."""
    postgres = _is_postgres()
    found = await get_connection("default").execute_query_dict(
        for_dialect(_BY_DEPARTMENT_SQL, postgres), [center.id, *_dates(start, end, postgres)]
    )
    return {int(row["department_id"]): figures(row) for row in found}


async def raw_statistics(center: Center, *, start: date, end: date, department: str | None = None) -> dict[str, Any]:
    """The same figures aggregated from the cases themselves (reads every case of the period):
    what the summary must always equal."""
    postgres = _is_postgres()
    sql, params = statistics_params(center_id=center.id, start=start, end=end, department=department, postgres=postgres)
    (row,) = await get_connection("default").execute_query_dict(sql, params)
    return figures(row)


def figures(row: dict[str, Any]) -> dict[str, Any]:
    """The published figures from the five sums."""
    accepted, completed = int(row["accepted"]), int(row["completed"])
    promised_sum, actual_sum, on_time = float(row["promised_sum"]), float(row["actual_sum"]), int(row["on_time"])
    avg_promised = promised_sum / completed if completed else None
    avg_actual = actual_sum / completed if completed else None
    speed_up = (avg_promised - avg_actual) / avg_promised * 100 if avg_promised and avg_actual is not None else None
    return {
        "accepted": accepted,
        "completed": completed,
        "averagePromisedDays": _round(avg_promised),
        "averageActualDays": _round(avg_actual),
        "speedUpPercent": _round(speed_up),
        "onTimePercent": _round(on_time / completed * 100) if completed else None,
    }


# --- supervision -----------------------------------------------------------------------------------

_ALERTED = "c.center_id = ? AND c.alert IN ('YELLOW', 'RED')"

_CASES_SQL = f"""
SELECT c.id, c.number, c.state, c.alert, c.promised_due, c.legal_due, c.applicant_name,
       iv.code AS item_code, iv.name AS item_name,
       d.code AS department_code, d.name AS department_name, w.code AS window_code, w.name AS window_name,
       u.display_name AS responsible_name, u.username AS responsible_username
FROM gh_case c
JOIN item_version iv ON iv.id = c.item_version_id
LEFT JOIN department d ON d.id = c.department_id
LEFT JOIN service_window w ON w.id = c.window_id
LEFT JOIN user_account u ON u.id = c.responsible_id
WHERE {_ALERTED}
ORDER BY CASE c.alert WHEN 'RED' THEN 0 ELSE 1 END, c.promised_due, c.id
LIMIT ?
"""

_GROUP_SQL = """
SELECT t.code AS code, t.name AS name,
       SUM(CASE WHEN c.alert = 'YELLOW' THEN 1 ELSE 0 END) AS yellow,
       SUM(CASE WHEN c.alert = 'RED' THEN 1 ELSE 0 END) AS red
FROM gh_case c
LEFT JOIN {table} t ON t.id = c.{column}
WHERE {where}
GROUP BY t.code, t.name
ORDER BY t.code
"""


def _date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


async def supervision(center: Center, *, limit: int = 500) -> dict[str, Any]:
    """The supervision board: cases with a yellow or red card (red first, then by promised due
    date; at most ``limit``), and yellow/red counts per department and per window (GROUP BY)."""
    postgres = _is_postgres()
    conn = get_connection("default")
    rows = await conn.execute_query_dict(for_dialect(_CASES_SQL, postgres), [center.id, limit])
    groups = {}
    for key, table, column in (("byDepartment", "department", "department_id"), ("byWindow", "service_window", "window_id")):
        sql = _GROUP_SQL.format(table=table, column=column, where=_ALERTED)
        groups[key] = [
            {"code": g["code"], "name": g["name"], "yellow": int(g["yellow"]), "red": int(g["red"])}
            for g in await conn.execute_query_dict(for_dialect(sql, postgres), [center.id])
        ]
    cases = [
        {**r, "promised_due": _date(r["promised_due"]), "legal_due": _date(r["legal_due"])} for r in rows
    ]
    return {
        "yellow": sum(g["yellow"] for g in groups["byDepartment"]),
        "red": sum(g["red"] for g in groups["byDepartment"]),
        "cases": cases,
        **groups,
    }
