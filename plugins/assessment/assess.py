"""Rankings: a center's windows, staff or departments scored for a period; a department year.

A department's 人员管理 is its staff's mean score under the staff rule set for the same period
(进驻部门工作人员考核得分折合后作为本项分); the year is the mean of the quarters that have ended
(当年累计季度考评总成绩/累计考核季度). A quarter that ended before the center began, the earlier of
the day it was created and the day it accepted its first case, was never assessed: it shows no score
(无数据) and is not one of the 累计考核季度, so a center created in November is not given 100 for
the first three quarters.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from core.api import CENTER_TZ, Actor, Case, Center, UserErrorsException, get_center, local_today, require_plugin

from .facts import Subject, extra_staff, gather, subjects
from .periods import Period, quarters_of
from .ruleset import rule_set_for
from .scoring import Facts, Measure, Result, evaluate, grades_by_rank, rank

PLUGIN = "assessment"
ASSESSOR_ROLES = ("supervisor", "head", "admin")


@dataclass(frozen=True)
class Row:
    rank: int
    subject: Subject
    result: Result


@dataclass(frozen=True)
class Ranking:
    rules: dict[str, Any]
    kind: str
    period: Period
    rows: list[Row]


@dataclass(frozen=True)
class YearRow:
    rank: int
    subject: Subject
    total: float
    quarters: tuple[float | None, ...]  # None: the quarter ended before the center began (无数据)


@dataclass(frozen=True)
class YearRanking:
    rules: dict[str, Any]
    year: int
    quarters: tuple[Period, ...]
    rows: list[YearRow]
    since: date  # the day the center began: quarters ended before it are not assessed


async def assessor_center(actor: Actor, code: str) -> Center:
    """The center, if it enables the plugin and the actor supervises, heads or administers it."""
    center = await get_center(code)
    require_plugin(center, PLUGIN)
    actor.require(center.id, *ASSESSOR_ROLES)
    return center


def grade_shares(center: Center) -> dict[str, float]:
    """The center's grade quotas by label (``settings.assessment.gradeShares``, e.g. ``{"优秀": 0.15}``),
    overriding the rule set's ``share``."""
    given = ((center.settings or {}).get("assessment") or {}).get("gradeShares") or {}
    return {str(k): float(v) for k, v in given.items()
            if isinstance(v, (int, float)) and not isinstance(v, bool) and 0 <= v <= 1}


def check_started(period: Period, today: date) -> None:
    if period.start > today:
        raise UserErrorsException.single("period.future", f"{period.label}尚未开始，无法考核", "/period")


async def _staff_means(govhall: Any, center: Center, period: Period, today: date) -> dict[int, tuple[float, int]]:
    staff = await assess(govhall, center, "staff", period, today=today)
    totals: dict[int, list[float]] = defaultdict(list)
    for row in staff.rows:
        for department_id in row.subject.department_ids:
            totals[department_id].append(row.result.total)
    return {d: (round(sum(v) / len(v), 2), len(v)) for d, v in totals.items()}


def _tie_order(kind: str, ranked: list[Subject]) -> dict[int, Any]:
    """How subjects with the same score are listed: departments in the center's order (``subjects``
    lists them so), windows and staff by code."""
    if kind == "department":
        return {s.id: i for i, s in enumerate(ranked)}
    return {s.id: s.code for s in ranked}


async def assess(govhall: Any, center: Center, kind: str, period: Period, *, today: date | None = None) -> Ranking:
    """Every subject of ``kind`` scored under the center's rule set and ranked, best first."""
    today = today or local_today()
    check_started(period, today)
    rules = await rule_set_for(govhall, center, kind)
    facts = await gather(center=center, kind=kind, period=period, rule_set=rules["id"], today=today)
    ranked_subjects = await subjects(center, kind)
    if kind == "staff":
        known = {s.id for s in ranked_subjects}
        ranked_subjects += await extra_staff(set(facts) - known)
    if kind == "department":
        for department_id, (mean, count) in (await _staff_means(govhall, center, period, today)).items():
            measure = Measure(value=mean, info={"count": count})
            facts.setdefault(department_id, Facts()).measures["staff_score_mean"] = measure
    results = {s.id: evaluate(rules, facts.get(s.id, Facts())) for s in ranked_subjects}
    grades = rules.get("grades") or []
    if grades and any("share" in g for g in grades):
        by_rank = grades_by_rank(grades, {key: r.total for key, r in results.items()}, grade_shares(center))
        results = {key: replace(r, grade=by_rank[key]) for key, r in results.items()}
    by_id = {s.id: s for s in ranked_subjects}
    order = _tie_order(kind, ranked_subjects)
    ranked = rank(((s.id, results[s.id].total) for s in ranked_subjects), order)
    return Ranking(rules, kind, period, [Row(position, by_id[key], results[key]) for position, key, _ in ranked])


async def assessed_since(center: Center) -> date:
    """The day the center began: the earlier of its creation and its first accepted case (a center
    entered after it opened, with its earlier cases carried over, began with those cases)."""
    began = center.created_at.astimezone(CENTER_TZ).date()
    first = await Case.filter(center_id=center.id, accepted_on__not_isnull=True).order_by("accepted_on") \
        .limit(1).values_list("accepted_on", flat=True)
    return min([began, *first])


async def department_year(govhall: Any, center: Center, year: int, *, today: date | None = None) -> YearRanking:
    """Each department's year score: the mean of its quarter scores, over the quarters ended since
    the center began (``assessed_since``); the quarters before have no score."""
    today = today or local_today()
    if not 2000 <= year <= 2100:  # the years parse_period accepts; date() would fail outside 1..9999
        raise UserErrorsException.single("period", f"考核年度“{year}”无效：应在 2000 至 2100 之间", "/year")
    ended = [q for q in quarters_of(year) if q.end < today]
    if not ended:
        raise UserErrorsException.single("period.future", f"{year}年尚无已结束的季度，无法计算年度考核", "/year")
    since = await assessed_since(center)
    assessed = [q for q in ended if q.end >= since]
    if not assessed:
        message = f"中心自{since.year}年{since.month}月{since.day}日起启用，{year}年此后尚无已结束的季度，无法计算年度考核"
        raise UserErrorsException.single("period.no_data", message, "/year")
    rankings = [await assess(govhall, center, "department", q, today=today) for q in assessed]
    skipped = len(ended) - len(assessed)  # the quarters before the center began come first
    by_subject: dict[int, list[float]] = defaultdict(list)
    subject_of: dict[int, Subject] = {}
    for ranking in rankings:
        for row in ranking.rows:
            by_subject[row.subject.id].append(row.result.total)
            subject_of[row.subject.id] = row.subject
    means = {key: round(sum(v) / len(v), 2) for key, v in by_subject.items()}
    ranked = rank(means.items(), _tie_order("department", await subjects(center, "department")))
    rows = [YearRow(position, subject_of[key], total, (None,) * skipped + tuple(by_subject[key]))
            for position, key, total in ranked]
    return YearRanking(rules=rankings[0].rules, year=year, quarters=tuple(ended), rows=rows, since=since)
