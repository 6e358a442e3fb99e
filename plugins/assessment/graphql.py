"""The fields the assessment plugin contributes: rankings, manual scores, complaints, the report.

Every resolver refuses a center that has not enabled the plugin (``require_plugin``), and anyone
but its supervisors, heads and administrators (applicants may file a complaint about their own
case): a query with a FORBIDDEN error, a mutation with ``UserErrors`` code ``forbidden``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from core.api import (
    Complaint,
    Document,
    Info,
    IssueRegisterResult,
    UserErrors,
    issued_document,
    mutation_result,
)

from . import complaints as complaint_service
from .assess import Ranking, YearRanking, assess, assessor_center
from .assess import department_year as year_ranking
from .facts import CHANNELS
from .manual import ManualInput, enter_manual_score
from .models import ManualScore
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
    total: float


@strawberry.type(name="DepartmentYearRow")
class YearRowType:
    rank: int
    subject_id: strawberry.ID
    code: str
    name: str
    total: float = strawberry.field(description="各季度得分的平均分")
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


@strawberry.type(name="Complaint", description="投诉")
class ComplaintType:
    id: strawberry.ID
    channel: str
    channel_label: str
    text: str
    case_id: strawberry.ID | None
    case_number: str | None
    department: str | None
    window: str | None
    staff: str | None
    verified: bool
    reply: str
    status: str = strawberry.field(description="待核查、属实、不属实")
    created_at: datetime


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
                          quarters=[QuarterScore(quarter=k, total=t) for k, t in zip(keys, r.quarters)])
              for r in ranking.rows],
    )


def manual_type(row: ManualScore) -> ManualScoreType:
    return ManualScoreType(
        id=strawberry.ID(str(row.id)), kind=row.subject_kind, subject_id=strawberry.ID(str(row.subject_id)),
        period=row.period, rule_set=row.rule_set, category=row.category, rule=row.rule or None, label=row.label,
        count=row.count, points=row.points, reason=row.reason, at=row.at,
    )


def complaint_type(row: Complaint) -> ComplaintType:
    status = "属实" if row.verified else ("不属实" if row.reply else "待核查")
    staff = row.staff
    return ComplaintType(
        id=strawberry.ID(str(row.id)), channel=row.channel, channel_label=CHANNELS.get(row.channel, row.channel),
        text=row.text, case_id=strawberry.ID(str(row.case.id)) if row.case else None,
        case_number=row.case.number if row.case else None,
        department=row.department.code if row.department else None, window=row.window.code if row.window else None,
        staff=(staff.display_name or staff.username) if staff else None, verified=row.verified, reply=row.reply,
        status=status, created_at=row.created_at,
    )


ManualScoreResult = Annotated[ManualScoreType | UserErrors, strawberry.union("ManualScoreResult")]
ComplaintResult = Annotated[ComplaintType | UserErrors, strawberry.union("ComplaintResult")]
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

    @strawberry.field(description="投诉登记（督查、首席代表、管理员）：最新的在前")
    async def complaints(self, info: Info, center: str, pending: bool | None = None) -> list[ComplaintType]:
        row = await assessor_center(info.context.actor, center)
        return [complaint_type(k) for k in await complaint_service.list_complaints(row, pending)]


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

    @strawberry.mutation(description="登记投诉：督查科登记当面、电话、书面等投诉；申请人可就本人办件网上投诉")
    async def file_complaint(
        self, info: Info, center: str, text: str, channel: str | None = None, case: strawberry.ID | None = None,
        department: str | None = None, window: str | None = None, staff: str | None = None,
    ) -> ComplaintResult:
        given = complaint_service.ComplaintInput(
            channel=channel or "written", text=text, case=str(case) if case else None, department=department,
            window=window, staff=staff,
        )
        actor = info.context.actor
        return await mutation_result(lambda: complaint_service.file_complaint(actor, center, given), complaint_type)

    @strawberry.mutation(description="核查投诉：是否属实及答复（书面投诉须书面答复）；属实的投诉计入考核")
    async def verify_complaint(self, info: Info, id: strawberry.ID, verified: bool, reply: str) -> ComplaintResult:
        return await mutation_result(
            lambda: complaint_service.verify_complaint(info.context.actor, str(id), verified, reply), complaint_type
        )

    @strawberry.mutation(description="打印考核排名表（PDF）：kind 为 window、staff 或 department；部门可按季度或年度")
    async def print_assessment(self, info: Info, center: str, kind: str, period: Period) -> IssueRegisterResult:
        ctx = info.context

        async def work() -> Document:
            return await issue_report(ctx.govhall, ctx.actor, center, kind, period)

        return await mutation_result(work, issued_document)
