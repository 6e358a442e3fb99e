"""The printed ranking (考核排名表): a numbered, verifiable PDF with the table, a bar chart of
the totals and each deduction explained (template ``templates/assessment_report.html``)."""

from __future__ import annotations

from typing import Any

from tortoise.transactions import in_transaction

from core.api import Actor, Document, UserErrorsException, issue_document

from .assess import UNSET, Ranking, YearRanking, YearRow, assess, assessor_center, department_year
from .periods import QUARTER_NAMES, Period, parse_period
from .ruleset import SUBJECT_KINDS
from .scoring import fmt

KIND = "assessment_report"


def ranking_context(ranking: Ranking) -> dict[str, Any]:
    rules = ranking.rules
    return {
        "document": {"title": f"{rules['title']}排名"},
        "assessment": {
            "title": rules["title"], "basis": rules.get("basis", ""), "period": ranking.period.label,
            "subjectLabel": SUBJECT_KINDS[ranking.kind], "max": float(rules["max"]), "maxText": fmt(rules["max"]),
            "columns": [f"{c['group'] + '·' if c.get('group') else ''}{c['name']}（{fmt(c['points'])}）"
                        for c in rules["categories"]],
            "graded": bool(rules.get("grades")),
            "rows": [
                {"rank": r.rank, "name": r.subject.name, "code": r.subject.code, "total": r.result.total,
                 "totalText": fmt(r.result.total), "grade": r.result.grade or "",
                 "values": [fmt(c.points) for c in r.result.categories],
                 "lines": [f"{c.name}：{line}" for c in r.result.categories for line in c.lines]
                 + ([f"合计{fmt(r.result.raw_total)}分，超过最高分{fmt(rules['max'])}分，按{fmt(r.result.total)}分计"]
                    if r.result.capped else [])}
                for r in ranking.rows
            ],
        },
    }


def _quarter_text(ranking: YearRanking, row: YearRow, quarter: Period, value: float | None) -> str:
    """A quarter's score; — before the center began, 未设立 before the department was added."""
    if value is not None:
        return fmt(value)
    return UNSET if ranking.unscored(row, quarter) == UNSET else "—"


def year_context(ranking: YearRanking) -> dict[str, Any]:
    rules = ranking.rules
    return {
        "document": {"title": f"{rules['title']}年度排名"},
        "assessment": {
            "title": rules["title"], "basis": rules.get("basis", ""), "period": f"{ranking.year}年度（季度平均）",
            "subjectLabel": SUBJECT_KINDS["department"], "max": float(rules["max"]), "maxText": fmt(rules["max"]),
            "columns": [f"第{QUARTER_NAMES[int(q.key[-1]) - 1]}季度" for q in ranking.quarters],
            "graded": False,
            "rows": [
                {"rank": "—" if r.rank is None else r.rank, "name": r.subject.name, "code": r.subject.code,
                 "total": r.total or 0, "totalText": "—" if r.total is None else fmt(r.total), "grade": "",
                 "values": [_quarter_text(ranking, r, q, v) for q, v in zip(ranking.quarters, r.quarters)], "lines": []}
                for r in ranking.rows
            ],
        },
    }


async def print_assessment(govhall: Any, actor: Actor, center_code: str, kind: str, period_text: str) -> Document:
    """Issue the ranking of ``kind`` (window, staff, department) for a period; a department year
    (``2026``) prints the mean of its quarters."""
    center = await assessor_center(actor, center_code)
    if kind not in SUBJECT_KINDS:
        raise UserErrorsException.single("kind", f"考核对象类型应为 {'、'.join(SUBJECT_KINDS)} 之一", "/kind")
    if kind == "department":
        period = parse_period(period_text, ("quarter", "year"))
        if period.unit == "year":
            context = year_context(await department_year(govhall, center, period.start.year))
        else:
            context = ranking_context(await assess(govhall, center, kind, period))
    else:
        context = ranking_context(await assess(govhall, center, kind, parse_period(period_text)))
    async with in_transaction():
        return await issue_document(govhall, center=center, kind=KIND, context=context)
