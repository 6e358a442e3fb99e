"""Year-end figures (the approval center's rules) and the live supervision board (电子监察), as SQL aggregates.

A county hall completes ~75,000 cases a year and a city many times that: the figures are sums over
the summary ``case_day_stat`` (one row per center, department and day, kept by triggers in the
transaction of every case change: :mod:`core.plumbing.stats_summary`), so a year reads at most 366 rows per
department whatever the number of cases; the divisions are done here on those few numbers.
``STATISTICS_SQL`` is the same figures aggregated from ``gh_case`` itself: the tests check the
summary against it. The SQL is written once with ``?`` and numbered for PostgreSQL.

The figures, in working days, of the cases accepted (受理) or completed (办结) in the period
(:data:`FORMULAS` says each in Chinese, as the statistics screen and the exports print it):

* 平均承诺时限 = Σ承诺时限 ÷ 办结件数; 平均实际办理 = Σ实际办理时间 ÷ 办结件数, over every completed
  case; 实际办理时间 runs from acceptance to completion, without the days the promised clock was
  paused (补正; a special procedure where the center's promise stops for it).
* 平均法定时限 = Σ法定时限 ÷ 有法定时限的办结件数, over the completed cases whose legal time limit is
  set (the case's legal timer, else its item's ``legalDays`` if it was accepted; an item without one,
  and a case answered without acceptance (答复件), are left out).
* 实际提速 (``speedUpPercent``) = (Σ法定时限 − Σ法定口径实际办理时间) ÷ Σ法定时限 × 100 over those same
  cases: how much faster than the law the center worked — the 92.12 % of a year-end report whose
  average promise is 6.33 days and average actual 1.47 (against an average legal limit of about 18.7).
  Both sides leave out what the law leaves out (补正, 听证, 检验检测, 专家评审, 现场勘查): the
  actual time on the legal clock, so a case's contribution is negative only when it ran past its
  legal limit (overdue, or within an approved extension, which the limit does not include).
* 比承诺时限提速 (``speedUpVsPromisedPercent``) = (Σ承诺时限 − Σ实际办理时间) ÷ Σ承诺时限 × 100 over the
  completed cases with a promised limit (an immediate case promises none: it would only add days
  to the actual side): the assessment plugin's 实际办理比承诺时限提速.
* 按时办结率 = 在承诺期限内办结的件数 ÷ 办结件数 × 100 (a case without a promised due date is on time).

Every average and percentage is None (shown —) when its denominator is 0: nothing completed, no
completed case with a legal (or promised) limit. Rounded to two decimals.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from tortoise.connection import get_connection

from core.plumbing.models import Center
from core.plumbing.sql import for_dialect
from core.services.calendar import cn_day

__all__ = [
    "FORMULAS", "MAX_PERIOD_DAYS", "STATISTICS_SQL", "SUMMARY_SQL", "SUM_NAMES", "empty_figures", "figures", "raw_statistics",
    "period_problem", "statistics", "statistics_by_department", "statistics_params", "supervision",
]

# The longest period the figures are asked for: ten years and their leap days.
MAX_PERIOD_DAYS = 3660


def period_problem(start: date, end: date) -> tuple[str, str] | None:
    """Why the period ``start``..``end`` is refused, as ``(path, Chinese message)`` with the code
    ``range``, or None: the one check of the ``statistics`` query and ``GET /exports/statistics``."""
    if start > end:
        return "/from", f"起始日{cn_day(start)}晚于结束日{cn_day(end)}"
    if (end - start).days > MAX_PERIOD_DAYS:
        return "/to", f"统计期间不能超过十年（起始日{cn_day(start)}，结束日{cn_day(end)}），请缩短期间"
    return None

# The sums the figures divide (the summary's columns, and the raw aggregate's names).
SUM_NAMES = ("accepted", "completed", "promised_sum", "actual_sum", "on_time", "promised_actual_sum",
             "legal_completed", "legal_sum", "legal_actual_sum")

FORMULAS: dict[str, str] = {
    "averageLegalDays": "平均法定时限 = Σ法定时限 ÷ 有法定时限的办结件数（工作日）",
    "averagePromisedDays": "平均承诺时限 = Σ承诺时限 ÷ 办结件数（工作日）",
    "averageActualDays": "平均实际办理 = Σ实际办理时间 ÷ 办结件数（工作日）；实际办理时间自受理次日起算至办结日，"
                         "不计补正材料等暂停计时的时间",
    "speedUpPercent": "实际提速 =（Σ法定时限 − Σ实际办理时间）÷ Σ法定时限 × 100%，按有法定时限的办结件计算；"
                      "实际办理时间不计补正、听证、检验检测、专家评审、现场勘查等不计入法定期限的时间；"
                      "为负数表示办件超过了法定时限",
    "speedUpVsPromisedPercent": "比承诺时限提速 =（Σ承诺时限 − Σ实际办理时间）÷ Σ承诺时限 × 100%，按有承诺时限的办结件计算",
    "onTimePercent": "按时办结率 = 在承诺期限内办结的件数 ÷ 办结件数 × 100%",
}
"""How each figure is computed, in the words the statistics screen and the exports print."""

# Cases accepted in [start, end], and cases completed in [start, end] with their promised, legal and
# actual working days. A case without a promised due date (an immediate case, 即办件) cannot be late.
_DONE = "completed_on >= ? AND completed_on <= ?"
STATISTICS_SQL = f"""
SELECT
  COALESCE(SUM(CASE WHEN accepted_on >= ? AND accepted_on <= ? THEN 1 ELSE 0 END), 0) AS accepted,
  COALESCE(SUM(CASE WHEN {_DONE} THEN 1 ELSE 0 END), 0) AS completed,
  COALESCE(SUM(CASE WHEN {_DONE} THEN promised_days ELSE 0 END), 0) AS promised_sum,
  COALESCE(SUM(CASE WHEN {_DONE} THEN COALESCE(actual_days, 0) ELSE 0 END), 0) AS actual_sum,
  COALESCE(SUM(CASE WHEN {_DONE}
                     AND (promised_due IS NULL OR completed_on <= promised_due) THEN 1 ELSE 0 END), 0) AS on_time,
  COALESCE(SUM(CASE WHEN {_DONE} AND promised_days > 0 THEN COALESCE(actual_days, 0) ELSE 0 END), 0) AS promised_actual_sum,
  COALESCE(SUM(CASE WHEN {_DONE} AND legal_days > 0 THEN 1 ELSE 0 END), 0) AS legal_completed,
  COALESCE(SUM(CASE WHEN {_DONE} AND legal_days > 0 THEN legal_days ELSE 0 END), 0) AS legal_sum,
  COALESCE(SUM(CASE WHEN {_DONE} AND legal_days > 0 THEN COALESCE(legal_actual_days, 0) ELSE 0 END), 0) AS legal_actual_sum
FROM gh_case
WHERE {{center_column}} = ?
  AND ((accepted_on >= ? AND accepted_on <= ?) OR (completed_on >= ? AND completed_on <= ?))
"""
_RANGES = 1 + 8  # the accepted range, then the completed range of each completed sum

_DEPARTMENT_FILTER = "  AND department_id = (SELECT id FROM department WHERE center_id = ? AND code = ?)\n"

# The same figures from the summary: accepted counts sit on the acceptance day's row, the others on
# the completion day's, so one range over ``day`` gives both.
_SUMS = ", ".join(f"COALESCE(SUM({name}), 0) AS {name}" for name in SUM_NAMES)
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
    params: list[Any] = [d0, d1] * _RANGES + [center_id, d0, d1, d0, d1]
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
    ``start`` and ``end`` inclusive, from the summary (see the module's formulas)."""
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


def _ratio(part: float, whole: float, scale: float = 1) -> float | None:
    """``part ÷ whole × scale``, rounded; None when ``whole`` is 0 (nothing to measure)."""
    return _round(part / whole * scale) if whole else None


def figures(row: dict[str, Any]) -> dict[str, Any]:
    """The published figures from the sums (:data:`SUM_NAMES`; see the module's formulas)."""
    n = {name: int(row[name]) for name in SUM_NAMES}
    completed, legal_sum, promised_sum = n["completed"], n["legal_sum"], n["promised_sum"]
    return {
        "accepted": n["accepted"],
        "completed": completed,
        "legalCompleted": n["legal_completed"],
        "averageLegalDays": _ratio(legal_sum, n["legal_completed"]),
        "averagePromisedDays": _ratio(promised_sum, completed),
        "averageActualDays": _ratio(n["actual_sum"], completed),
        "speedUpPercent": _ratio(legal_sum - n["legal_actual_sum"], legal_sum, 100),
        "speedUpVsPromisedPercent": _ratio(promised_sum - n["promised_actual_sum"], promised_sum, 100),
        "onTimePercent": _ratio(n["on_time"], completed, 100),
    }


def empty_figures() -> dict[str, Any]:
    """The figures of a period (or department) without cases."""
    return figures({name: 0 for name in SUM_NAMES})


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
GROUP BY {order}, t.code, t.name
ORDER BY CASE WHEN t.id IS NULL THEN 1 ELSE 0 END, {order}
"""


def _date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


async def supervision(center: Center, *, limit: int = 500) -> dict[str, Any]:
    """The supervision board: cases with a yellow or red card (red first, then by promised due
    date; at most ``limit``), and yellow/red counts per department and per window (GROUP BY), in
    the center's order (as its file lists them and 中心管理 shows them), cases of none last."""
    postgres = _is_postgres()
    conn = get_connection("default")
    rows = await conn.execute_query_dict(for_dialect(_CASES_SQL, postgres), [center.id, limit])
    groups = {}
    for key, table, column, order in (("byDepartment", "department", "department_id", "t.position, t.id"),
                                      ("byWindow", "service_window", "window_id", "t.id")):
        sql = _GROUP_SQL.format(table=table, column=column, where=_ALERTED, order=order)
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
