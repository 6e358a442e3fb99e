"""The fields the assessment plugin contributes: rankings, manual scores, the report
and the year figures (complaints are the core's).

Every resolver refuses a center that has not enabled the plugin (``require_plugin``), and anyone
but its supervisors, heads and administrators: a query with a FORBIDDEN error, a mutation with
``UserErrors`` code ``forbidden``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import strawberry

from core.api import (
    Document,
    Info,
    IssueRegisterResult,
    UserErrors,
    issued_document,
    local_today,
    mutation_result,
)

from .assess import Ranking, YearRanking, assess, assessed_since, assessor_center
from .assess import department_year as year_ranking
from .manual import ManualInput, enter_manual_score
from .figures import Figures
from .figures import figures as period_figures
from .models import ManualScore, Publication
from .publication import publications as list_publications
from .publication import publish
from .periods import parse_period
from .report import print_assessment as issue_report


@strawberry.type(name="AssessmentCategory", description="一个考核项目的得分及加减分说明")
class CategoryType:
    code: str
    name: str
    group: str | None
    max: float = strawberry.field(description="本项分值")
    points: float
    floored: bool = strawberry.field(description="扣分超过本项分值，扣完为止")
    explanations: list[str]


@strawberry.type(name="AssessmentRow", description="排名中的一行：一个窗口、工作人员或部门")
class RowType:
    rank: int
    subject_id: strawberry.ID
    code: str = strawberry.field(description="窗口编号、用户名或部门代码")
    name: str
    total: float
    raw_total: float = strawberry.field(description="封顶前的合计")
    capped: bool = strawberry.field(description="合计超过最高分，按最高分计")
    grade: str | None = strawberry.field(description="等次（工作人员：优秀、称职、不称职）")
    categories: list[CategoryType]


@strawberry.type(name="AssessmentRanking", description="考核排名")
class RankingType:
    rule_set: str
    title: str
    basis: str
    kind: str
    period: str
    period_label: str
    base: float
    max: float
    rows: list[RowType]


@strawberry.type(name="AssessmentQuarterScore")
class QuarterScore:
    quarter: str
    total: float | None = strawberry.field(
        description="该季度得分；季度在中心启用（建立或首件受理）之前结束的为空（无数据），在部门设立之前结束的为空"
                    "（未设立），均不计入年度平均")
    unscored: str | None = strawberry.field(
        description="得分为空的原因：无数据（中心启用前）或未设立（部门设立前）；有得分的为空")


@strawberry.type(name="DepartmentYearRow")
class YearRowType:
    rank: int | None = strawberry.field(description="名次；本年尚无其设立后结束的季度的部门为空，列在最后")
    subject_id: strawberry.ID
    code: str
    name: str
    total: float | None = strawberry.field(
        description="有数据的各季度得分的平均分（中心启用前、部门设立前的季度不计）；没有这样的季度的为空")
    quarters: list[QuarterScore]


@strawberry.type(name="DepartmentYear", description="进驻部门年度考核：已结束季度的平均分")
class YearType:
    rule_set: str
    title: str
    year: int
    quarters: list[str]
    rows: list[YearRowType]


@strawberry.type(name="ManualScore", description="督查科录入的加减分")
class ManualScoreType:
    id: strawberry.ID
    kind: str
    subject_id: strawberry.ID
    period: str
    rule_set: str
    category: str
    rule: str | None
    label: str
    count: int
    points: float = strawberry.field(description="负数为扣分")
    reason: str
    at: datetime


@strawberry.type(name="AssessmentFigures", description="年度（季度、月度）数据；计算公式见考核插件说明")
class FiguresType:
    period: str
    period_label: str
    accepted: int = strawberry.field(description="受理件数")
    completed: int = strawberry.field(description="办结件数（有承诺时限的）")
    legal_days: int = strawberry.field(description="受理件的法定时限之和（工作日）")
    promised_days_accepted: int = strawberry.field(description="同一批受理件的承诺时限之和")
    promised_days_completed: int = strawberry.field(description="办结件的承诺时限之和")
    actual_days: int = strawberry.field(description="办结件的实际办理工作日之和")
    promise_speed_up: float | None = strawberry.field(description="承诺时限比法定时限提速（%）")
    actual_speed_up: float | None = strawberry.field(description="实际办理比承诺时限提速（%）")
    ratings: int = strawberry.field(description="评价数：办件的评价和无办件的现场评价（咨询）")
    satisfied: int = strawberry.field(description="基本满意及以上的评价数")
    satisfaction: float | None = strawberry.field(description="满意率（%）")
    ratings_without_case: int = strawberry.field(description="其中无办件的现场评价数（评价器对咨询排队号的评价）")
    yellow_cards: int = strawberry.field(description="期间被亮黄牌的办件数（一件办件的承诺、法定等期限先后亮牌只计一次）")
    red_cards: int = strawberry.field(description="期间被亮红牌的办件数（一件办件的承诺、法定等期限先后亮牌只计一次）")
    immediate: int
    immediate_share: float | None = strawberry.field(description="即办件比例（%）")
    on_spot: int
    on_spot_share: float | None = strawberry.field(description="现场办结比例（%）")


@strawberry.type(name="AssessmentPublicationRow")
class PublicationRowType:
    rank: int
    code: str
    name: str
    total: float
    grade: str | None


@strawberry.type(name="AssessmentPublication", description="考核排名公示（不少于3个工作日）")
class PublicationType:
    id: strawberry.ID
    kind: str
    period: str
    rule_set: str
    days: int
    starts_on: date
    ends_on: date
    status: str = strawberry.field(description="公示中或公示期满")
    published_by: str
    rows: list[PublicationRowType]


def figures_type(f: Figures) -> FiguresType:
    return FiguresType(
        period=f.period.key, period_label=f.period.label, accepted=f.accepted, completed=f.completed,
        legal_days=f.legal_days, promised_days_accepted=f.promised_days_accepted,
        promised_days_completed=f.promised_days_completed, actual_days=f.actual_days,
        promise_speed_up=f.promise_speed_up, actual_speed_up=f.actual_speed_up, ratings=f.ratings,
        satisfied=f.satisfied, satisfaction=f.satisfaction, ratings_without_case=f.ratings_without_case,
        yellow_cards=f.yellow_cards, red_cards=f.red_cards,
        immediate=f.immediate, immediate_share=f.immediate_share, on_spot=f.on_spot, on_spot_share=f.on_spot_share,
    )


def publication_type(p: Publication) -> PublicationType:
    user = p.published_by
    return PublicationType(
        id=strawberry.ID(str(p.id)), kind=p.subject_kind, period=p.period, rule_set=p.rule_set, days=p.days,
        starts_on=p.starts_on, ends_on=p.ends_on, status="公示中" if local_today() <= p.ends_on else "公示期满",
        published_by=user.display_name or user.username,
        rows=[PublicationRowType(rank=r["rank"], code=r["code"], name=r["name"], total=r["total"], grade=r.get("grade"))
              for r in p.rows],
    )


def ranking_type(ranking: Ranking) -> RankingType:
    rules = ranking.rules
    return RankingType(
        rule_set=rules["id"], title=rules["title"], basis=rules.get("basis", ""), kind=ranking.kind,
        period=ranking.period.key, period_label=ranking.period.label, base=rules["base"], max=rules["max"],
        rows=[
            RowType(
                rank=r.rank, subject_id=strawberry.ID(str(r.subject.id)), code=r.subject.code, name=r.subject.name,
                total=r.result.total, raw_total=r.result.raw_total, capped=r.result.capped, grade=r.result.grade,
                categories=[CategoryType(code=c.code, name=c.name, group=c.group, max=c.max, points=c.points,
                                         floored=c.floored, explanations=list(c.lines)) for c in r.result.categories],
            )
            for r in ranking.rows
        ],
    )


def year_type(ranking: YearRanking) -> YearType:
    keys = [q.key for q in ranking.quarters]
    return YearType(
        rule_set=ranking.rules["id"], title=ranking.rules["title"], year=ranking.year, quarters=keys,
        rows=[YearRowType(rank=r.rank, subject_id=strawberry.ID(str(r.subject.id)), code=r.subject.code,
                          name=r.subject.name, total=r.total,
                          quarters=[QuarterScore(quarter=q.key, total=t, unscored=ranking.unscored(r, q))
                                    for q, t in zip(ranking.quarters, r.quarters)])
              for r in ranking.rows],
    )


def manual_type(row: ManualScore) -> ManualScoreType:
    return ManualScoreType(
        id=strawberry.ID(str(row.id)), kind=row.subject_kind, subject_id=strawberry.ID(str(row.subject_id)),
        period=row.period, rule_set=row.rule_set, category=row.category, rule=row.rule or None, label=row.label,
        count=row.count, points=row.points, reason=row.reason, at=row.at,
    )


PublicationResult = Annotated[PublicationType | UserErrors, strawberry.union("AssessmentPublicationResult")]
ManualScoreResult = Annotated[ManualScoreType | UserErrors, strawberry.union("ManualScoreResult")]
Period = Annotated[str, strawberry.argument(description="月度 2026-11、季度 2026-Q3 或年度 2026")]


@strawberry.type
class Query:
    @strawberry.field(description="窗口单位考核排名（督查、首席代表、管理员）")
    async def window_assessment(self, info: Info, center: str, period: Period) -> RankingType:
        row = await assessor_center(info.context.actor, center)
        return ranking_type(await assess(info.context.govhall, row, "window", parse_period(period)))

    @strawberry.field(description="窗口工作人员考核排名及等次（督查、首席代表、管理员）")
    async def staff_assessment(self, info: Info, center: str, period: Period) -> RankingType:
        row = await assessor_center(info.context.actor, center)
        return ranking_type(await assess(info.context.govhall, row, "staff", parse_period(period)))

    @strawberry.field(description="进驻部门季度考核排名（督查、首席代表、管理员）")
    async def department_assessment(
        self, info: Info, center: str, quarter: Annotated[str, strawberry.argument(description="季度，如 2026-Q3")]
    ) -> RankingType:
        row = await assessor_center(info.context.actor, center)
        period = parse_period(quarter, ("quarter",), "/quarter")
        return ranking_type(await assess(info.context.govhall, row, "department", period))

    @strawberry.field(description="进驻部门年度考核：已结束季度得分的平均分")
    async def department_year(self, info: Info, center: str, year: int) -> YearType:
        row = await assessor_center(info.context.actor, center)
        return year_type(await year_ranking(info.context.govhall, row, year))

    @strawberry.field(description="本中心考核的起始日：中心启用之日（导入的更早受理的办件从其受理日起）；此前的考核期没有数据")
    async def assessment_since(self, info: Info, center: str) -> date:
        return await assessed_since(await assessor_center(info.context.actor, center))

    @strawberry.field(description="年度（季度、月度）数据：提速、满意率、红黄牌、即办件和现场办结比例")
    async def assessment_figures(self, info: Info, center: str, period: Period) -> FiguresType:
        row = await assessor_center(info.context.actor, center)
        return figures_type(await period_figures(info.context.govhall, row, parse_period(period)))

    @strawberry.field(description="考核排名公示，最新的在前")
    async def assessment_publications(self, info: Info, center: str) -> list[PublicationType]:
        return [publication_type(p) for p in await list_publications(info.context.actor, center)]


@strawberry.type
class Mutation:
    @strawberry.mutation(description="录入系统无法计量的加减分（考勤、收费、档案、卫生等）：按扣分规则（rule）或直接填写分值"
                                     "（points，负数扣分）；录入后不可修改，更正请录入相反分值")
    async def enter_manual_score(
        self, info: Info, center: str, kind: str, subject: str, period: Period, category: str, reason: str,
        rule: str | None = None, count: int | None = None, points: float | None = None,
    ) -> ManualScoreResult:
        ctx = info.context
        given = ManualInput(kind=kind, subject=subject, period=period, category=category, reason=reason, rule=rule,
                            count=1 if count is None else count, points=points)

        async def work() -> ManualScore:
            row = await assessor_center(ctx.actor, center)
            return await enter_manual_score(ctx.govhall, ctx.actor, row, given)

        return await mutation_result(work, manual_type)

    @strawberry.mutation(description="公示考核排名：部门按季度，公示时间不少于3个工作日（days，默认3）")
    async def publish_assessment(
        self, info: Info, center: str, kind: str, period: Period, days: int = 3
    ) -> PublicationResult:
        ctx = info.context

        async def work() -> Publication:
            done = await publish(
                govhall=ctx.govhall, actor=ctx.actor, center_code=center, kind=kind, period_text=period, days=days
            )
            return await Publication.get(id=done.id).select_related("published_by")

        return await mutation_result(work, publication_type)

    @strawberry.mutation(description="打印考核排名表（PDF）：kind 为 window、staff 或 department；部门可按季度或年度")
    async def print_assessment(self, info: Info, center: str, kind: str, period: Period) -> IssueRegisterResult:
        ctx = info.context

        async def work() -> Document:
            return await issue_report(
                govhall=ctx.govhall, actor=ctx.actor, center_code=center, kind=kind, period_text=period
            )

        return await mutation_result(work, issued_document)
