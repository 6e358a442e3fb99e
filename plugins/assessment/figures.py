"""The year-end figures of a center's report (年度数据), for a year, a quarter or a month.

Aggregates over the core's tables (``gh_case``, ``rating``, ``case_event``); the divisions are done
here on a few sums. Each percentage is ``None`` when its denominator is 0. The formulas
(``plugins/assessment/README.md`` repeats them):

* 承诺时限比法定时限提速 = (Σ法定时限 − Σ承诺时限) ÷ Σ法定时限 × 100, over the cases accepted in the
  period whose item has a legal time limit (``legalDays`` > 0 in the item version the case uses);
  法定时限 is the item's ``legalDays``, 承诺时限 the case's promised working days.
* 实际办理比承诺时限提速 = (Σ承诺时限 − Σ实际办理时间) ÷ Σ承诺时限 × 100, over the cases completed in
  the period with a promised time limit (promised working days > 0); 实际办理时间 is the case's
  working days from acceptance to completion (``actual_days``).
* 满意率 = ratings of level 3 (基本满意) or better ÷ all ratings given in the period × 100: the cases'
  (the core's ``rating``) and those given at a window that are no case's, which other plugins report
  (``assessment_window_ratings``: a rating tablet's of a queue number served without a case, 咨询), as
  the windows' and the staff's 服务对象评议 count them.
* 红牌、黄牌: the cases the deadline sweeper carded in the period (its ``alert`` events), whether or
  not the case still carries the card: one card a case and colour, whichever of its time limits
  (promised, legal, a department's task) raised it, as the supervision board counts 件.
* 即办件比例 = cases accepted in the period whose kind is ``immediate`` ÷ cases accepted × 100.
* 现场办结比例 = cases accepted in the period and completed the same day (办结日期 = 受理日期)
  ÷ cases accepted × 100.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from typing import Any

from core.api import CENTER_TZ, CaseEvent, Center, ItemVersion, fetch_rows

from .facts import window_ratings
from .periods import Period

SATISFIED_LEVEL = 3

_ACCEPTED_SQL = """
SELECT c.item_version_id AS version, COUNT(*) AS accepted, SUM(c.promised_days) AS promised,
  SUM(CASE WHEN c.kind = 'immediate' THEN 1 ELSE 0 END) AS immediate,
  SUM(CASE WHEN c.completed_on IS NOT NULL AND c.completed_on = c.accepted_on THEN 1 ELSE 0 END) AS on_spot
FROM gh_case c WHERE c.center_id = ? AND c.accepted_on >= ? AND c.accepted_on <= ?
GROUP BY c.item_version_id
"""
_COMPLETED_SQL = """
SELECT COUNT(*) AS completed, COALESCE(SUM(c.promised_days), 0) AS promised,
  COALESCE(SUM(COALESCE(c.actual_days, 0)), 0) AS actual
FROM gh_case c WHERE c.center_id = ? AND c.completed_on >= ? AND c.completed_on <= ? AND c.promised_days > 0
"""
_RATINGS_SQL = """
SELECT COUNT(*) AS n, COALESCE(SUM(CASE WHEN r.level >= ? THEN 1 ELSE 0 END), 0) AS satisfied
FROM rating r JOIN gh_case c ON c.id = r.case_id WHERE c.center_id = ? AND r.at >= ? AND r.at < ?
"""


@dataclass(frozen=True)
class Figures:
    period: Period
    accepted: int
    completed: int
    legal_days: int
    promised_days_accepted: int
    promised_days_completed: int
    actual_days: int
    promise_speed_up: float | None
    actual_speed_up: float | None
    ratings: int
    satisfied: int
    satisfaction: float | None
    ratings_without_case: int
    yellow_cards: int
    red_cards: int
    immediate: int
    immediate_share: float | None
    on_spot: int
    on_spot_share: float | None


def _pct(part: float, whole: float) -> float | None:
    return round(part / whole * 100, 2) if whole else None


def _legal_days(definition: Any) -> int:
    value = (definition or {}).get("legalDays") if isinstance(definition, dict) else None
    return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0 else 0


async def figures(govhall: Any, center: Center, period: Period) -> Figures:
    """The period's figures for ``center`` (see the module's formulas)."""
    accepted_rows = await fetch_rows(_ACCEPTED_SQL, [center.id, period.start, period.end])
    legal = {v.id: _legal_days(v.definition) for v in await ItemVersion.filter(
        id__in=[int(r["version"]) for r in accepted_rows])}
    accepted = sum(int(r["accepted"]) for r in accepted_rows)
    with_legal = [r for r in accepted_rows if legal.get(int(r["version"]), 0) > 0]
    legal_sum = sum(legal[int(r["version"])] * int(r["accepted"]) for r in with_legal)
    promised_accepted = sum(int(r["promised"] or 0) for r in with_legal)
    immediate = sum(int(r["immediate"] or 0) for r in accepted_rows)
    on_spot = sum(int(r["on_spot"] or 0) for r in accepted_rows)
    (done,) = await fetch_rows(_COMPLETED_SQL, [center.id, period.start, period.end])
    completed, promised_done, actual = int(done["completed"]), int(done["promised"]), int(done["actual"])
    since = datetime.combine(period.start, time.min, CENTER_TZ)
    until = datetime.combine(period.end + timedelta(days=1), time.min, CENTER_TZ)
    (rated,) = await fetch_rows(_RATINGS_SQL, [SATISFIED_LEVEL, center.id, since, until])
    at_windows = await window_ratings(govhall, center, since, until)
    ratings = int(rated["n"]) + len(at_windows)
    satisfied = int(rated["satisfied"]) + sum(1 for r in at_windows if r.level >= SATISFIED_LEVEL)
    # UTC bounds: SQLite compares the stored UTC text with the bound's text
    utc = (since.astimezone(timezone.utc), until.astimezone(timezone.utc))
    cards = await CaseEvent.filter(case__center_id=center.id, action="alert", at__gte=utc[0], at__lt=utc[1]) \
        .values_list("case_id", "changes")
    carded = {(case_id, changes.get("alert")) for case_id, changes in cards if isinstance(changes, dict)}
    levels = [level for _, level in carded]
    return Figures(
        period=period, accepted=accepted, completed=completed, legal_days=legal_sum,
        promised_days_accepted=promised_accepted, promised_days_completed=promised_done, actual_days=actual,
        promise_speed_up=_pct(legal_sum - promised_accepted, legal_sum),
        actual_speed_up=_pct(promised_done - actual, promised_done),
        ratings=ratings, satisfied=satisfied, satisfaction=_pct(satisfied, ratings),
        ratings_without_case=len(at_windows),
        yellow_cards=levels.count("YELLOW"), red_cards=levels.count("RED"),
        immediate=immediate, immediate_share=_pct(immediate, accepted),
        on_spot=on_spot, on_spot_share=_pct(on_spot, accepted),
    )
