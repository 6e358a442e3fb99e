"""Rankings: a center's windows, staff or departments scored for a period; a department year.

A department's 人员管理 is its staff's mean score under the staff rule set for the same period
(进驻部门工作人员考核得分折合后作为本项分); the year is the mean of the quarters that have ended
(当年累计季度考评总成绩/累计考核季度). A quarter that ended before the center began, the earlier of
the day it was created and the day it accepted its first case, was never assessed: it shows no score
(无数据) and is not one of the 累计考核季度, so a center created in November is not given 100 for
the first three quarters. Likewise a department added after its center began (``Department.created_at``,
on the product clock) is not ranked for a quarter that ended before the day it was added: that quarter
shows no score (未设立) and its year is the mean of the quarters it existed in; a department whose
quarters all ended before it has no year score and is listed after the ranked ones, unranked.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from core.api import CENTER_TZ, Actor, Case, Center, Department, UserErrorsException, get_center, local_today, require_plugin

from .facts import Subject, gather, subjects
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
    rank: int | None  # None: no quarter it existed in has ended (listed last)
    subject: Subject
    total: float | None
    quarters: tuple[float | None, ...]  # None: the quarter ended before the center (无数据) or it (未设立) began
    since: date  # the day the department began: its center's, or the day it was added after it


UNSET = "未设立"
NO_DATA = "无数据"


@dataclass(frozen=True)
class YearRanking:
    rules: dict[str, Any]
    year: int
    quarters: tuple[Period, ...]
    rows: list[YearRow]
    since: date  # the day the center began: quarters ended before it are not assessed

    def unscored(self, row: YearRow, quarter: Period) -> str | None:
        """Why ``row`` has no score for ``quarter``: the center (无数据) or the department (未设立) had
        not begun when it ended; None when it has one."""
        if quarter.end < self.since:
            return NO_DATA
        return UNSET if quarter.end < row.since else None


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


def _tie_order(listed: list[Subject]) -> dict[int, int]:
    """How subjects with the same score are listed: in the center's order, as ``subjects`` lists them
    (windows as 中心管理 does; staff by their window's place, then name; departments in the center's
    order), the same on the screen, the printed ranking and the publicity."""
    return {s.id: i for i, s in enumerate(listed)}


async def assess(govhall: Any, center: Center, kind: str, period: Period, *, today: date | None = None) -> Ranking:
    """Every subject of ``kind`` scored under the center's rule set and ranked, best first."""
    today = today or local_today()
    check_started(period, today)
    rules = await rule_set_for(govhall, center, kind)
    facts = await gather(govhall=govhall, center=center, kind=kind, period=period, rule_set=rules["id"], today=today)
    ranked_subjects = await subjects(center, kind, also=facts if kind == "staff" else ())
    if kind == "department":  # not ranked for a quarter that ended before it was added (未设立)
        added = await departments_added(center)
        ranked_subjects = [s for s in ranked_subjects if s.id not in added or added[s.id] <= period.end]
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
    order = _tie_order(ranked_subjects)
    ranked = rank(((s.id, results[s.id].total) for s in ranked_subjects), order)
    return Ranking(rules, kind, period, [Row(position, by_id[key], results[key]) for position, key, _ in ranked])


async def assessed_since(center: Center) -> date:
    """The day the center began: the earlier of its creation and its first accepted case (a center
    entered after it opened, with its earlier cases carried over, began with those cases)."""
    began = center.created_at.astimezone(CENTER_TZ).date()
    first = await Case.filter(center_id=center.id, accepted_on__not_isnull=True).order_by("accepted_on") \
        .limit(1).values_list("accepted_on", flat=True)
    return min([began, *first])


async def departments_added(center: Center) -> dict[int, date]:
    """The day (center time) each department added after its center began was added; the others,
    there since the center began, are not listed."""
    rows = await Department.filter(center_id=center.id, created_at__not_isnull=True).values_list("id", "created_at")
    return {key: at.astimezone(CENTER_TZ).date() for key, at in rows}


async def department_year(govhall: Any, center: Center, year: int, *, today: date | None = None) -> YearRanking:
    """Each department's year score: the mean of its quarter scores, over the quarters ended since
    the center began (``assessed_since``) and since the department was added (``departments_added``);
    the quarters before have no score. Departments without any such quarter come last, unranked."""
    today = today or local_today()
    if not 2000 <= year <= 2100:  # the years parse_period accepts; date() would fail outside 1..9999
        raise UserErrorsException.single("period", f"考核年度“{year}”无效：应在 2000 至 2100 之间", "/year")
    ended = [q for q in quarters_of(year) if q.end < today]
    if not ended:
        raise UserErrorsException.single("period.future", f"{year}年尚无已结束的季度，暂不能计算年度考核。", "/year")
    since = await assessed_since(center)
    assessed = [q for q in ended if q.end >= since]
    if not assessed:
        message = f"本中心自{since.year}年{since.month}月{since.day}日起启用，{year}年尚无启用后已结束的季度，暂不能计算年度考核。"
        raise UserErrorsException.single("period.no_data", message, "/year")
    rankings = [await assess(govhall, center, "department", q, today=today) for q in assessed]
    scores: dict[int, dict[str, float]] = defaultdict(dict)  # a department's scored quarters only
    for ranking in rankings:
        for row in ranking.rows:
            scores[row.subject.id][ranking.period.key] = row.result.total
    listed = await subjects(center, "department")  # the center's order
    added = await departments_added(center)
    quarters = {s.id: tuple(scores[s.id].get(q.key) for q in ended) for s in listed}
    means: dict[int, float] = {}
    for key, scored in quarters.items():
        existed = [t for t in scored if t is not None]  # 累计考核季度: those it was assessed in
        if existed:
            means[key] = round(sum(existed) / len(existed), 2)
    ranked = rank(means.items(), _tie_order(listed))
    by_id = {s.id: s for s in listed}
    rows = [YearRow(rank=position, subject=by_id[key], total=total, quarters=quarters[key],
                    since=max(since, added.get(key, since))) for position, key, total in ranked]
    rows += [YearRow(rank=None, subject=s, total=None, quarters=quarters[s.id], since=max(since, added.get(s.id, since)))
             for s in listed if s.id not in means]  # no quarter it existed in has ended: unranked, last
    return YearRanking(rules=rankings[0].rules, year=year, quarters=tuple(ended), rows=rows, since=since)
