"""The fields green_channel contributes: eligibility, the register, linking cases, the materials to
follow (先办理，后补齐), printing.

Every resolver refuses a center that has not enabled the plugin (``require_plugin``): a query with
a FORBIDDEN error, a mutation with ``UserErrors`` code ``forbidden``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

import strawberry
from strawberry.scalars import JSON

from core.api import (
    GraphQLUserError as UserError,
    Info,
    IssueRegisterResult,
    UserErrors,
    issued_document,
    mutation_result,
)

from . import follow_ups, printing, rules
from . import projects as service
from .follow_ups import FollowUpView
from .models import GreenProject
from .views import CaseView, ProjectView, StepView, case_view, project_view, project_views


@strawberry.type(name="GreenBasis", description="绿色通道受理依据（受理范围之一）")
class GreenBasisType:
    code: str = strawberry.field(description="key_project、foreign_capital、domestic_capital、construction_investment、leader_assigned")
    label: str
    detail: str


@strawberry.type(name="GreenEligibility", description="是否属于绿色通道受理范围：依据，或全部不符合的理由")
class GreenEligibilityType:
    eligible: bool
    basis: list[GreenBasisType]
    reasons: list[UserError]


@strawberry.type(name="GreenFollowUp", description="先办理，后补齐：一项后补的次要材料，补齐期限及窗口收取情况")
class GreenFollowUpType:
    material: str = strawberry.field(description="事项材料编码")
    name: str
    due: date | None = strawberry.field(description="补齐期限（含当日）：受理后按本中心工作日计算；为空：早期受理，未定期限")
    received_at: datetime | None = strawberry.field(description="窗口登记收取的时间")
    received_by: str
    state: str = strawberry.field(description="outstanding 待补齐 / overdue 已逾期（期限次日起）/ received 已补齐 / not_needed 无需补齐（办件不予许可）")
    state_label: str
    overdue_told_at: datetime | None = strawberry.field(description="逾期后通知窗口的时间（只通知一次）")
    provisional: bool = strawberry.field(description="补齐期限为暂定（尚待补齐时）：所计工作日所在年度的节假日安排尚未公布；导入该年度日历后重新计算")


@strawberry.type(name="GreenStep", description="受理表上一个窗口的一行：受理、办结时间及签注人")
class GreenStepType:
    id: strawberry.ID
    case_id: strawberry.ID
    case_number: str
    item_code: str
    item_name: str
    department: str | None
    department_name: str
    window_name: str
    ends_project: bool = strawberry.field(description="本办件事项为项目的终止环节")
    linked_at: datetime
    accepted_at: datetime | None
    accepted_by: str
    finished_at: datetime | None
    finished_by: str
    outcome: str
    outcome_label: str
    materials_to_follow: list[str] = strawberry.field(description="先办理，后补齐：受理时注明后补的次要材料")
    follow_ups: list[GreenFollowUpType] = strawberry.field(description="先办理，后补齐：各项后补材料的期限与补齐情况")
    waiting: list[str] = strawberry.field(description="待补齐材料：尚未补齐（含已逾期）的后补材料名称")
    follow_due: date | None = strawberry.field(description="待补齐材料中最早的补齐期限")
    follow_due_provisional: bool = strawberry.field(description="该最早补齐期限为暂定（所在年度节假日安排尚未公布）")
    overdue: bool = strawberry.field(description="有后补材料已逾期未补")


@strawberry.type(name="GreenCase", description="绿色通道办件：所属项目及其受理表一行（含后补材料）")
class GreenCaseType:
    project_id: strawberry.ID
    project_number: str
    project_name: str
    step: GreenStepType
    can_record: bool = strawberry.field(description="当前用户可登记收取后补材料（本中心窗口、首席代表，且有待补齐材料）")


@strawberry.type(name="GreenProject", description="绿色通道项目（登记簿一行）及其受理表")
class GreenProjectType:
    id: strawberry.ID
    center: str
    number: str
    name: str
    kind: str
    kind_label: str
    applicant: str
    uscc: str
    basis: list[GreenBasisType]
    amounts: JSON
    end_item: str
    end_item_name: str
    status: str
    status_label: str
    registered_by: str
    registered_at: datetime
    finished_at: datetime | None
    steps: list[GreenStepType]


def step_type(s: StepView) -> GreenStepType:
    return GreenStepType(
        id=strawberry.ID(str(s.id)), case_id=strawberry.ID(str(s.case_id)), case_number=s.case_number,
        item_code=s.item_code, item_name=s.item_name, department=s.department, department_name=s.department_name,
        window_name=s.window_name, ends_project=s.ends_project, linked_at=s.linked_at, accepted_at=s.accepted_at,
        accepted_by=s.accepted_by, finished_at=s.finished_at, finished_by=s.finished_by, outcome=s.outcome,
        outcome_label=s.outcome_label, materials_to_follow=s.materials_to_follow,
        follow_ups=[follow_up_type(f) for f in s.follow_ups], waiting=[f.name for f in s.waiting],
        follow_due=s.follow_due, follow_due_provisional=s.follow_due_provisional, overdue=s.overdue,
    )


def follow_up_type(f: FollowUpView) -> GreenFollowUpType:
    return GreenFollowUpType(
        material=f.code, name=f.name, due=f.due, received_at=f.received_at, received_by=f.received_by, state=f.state,
        state_label=f.state_label, overdue_told_at=f.overdue_told_at, provisional=f.provisional,
    )


def case_type(v: CaseView) -> GreenCaseType:
    return GreenCaseType(project_id=strawberry.ID(str(v.project.id)), project_number=v.project.number,
                         project_name=v.project.name, step=step_type(v.step), can_record=v.can_record)


def project_type(v: ProjectView) -> GreenProjectType:
    return GreenProjectType(
        id=strawberry.ID(str(v.id)), center=v.center, number=v.number, name=v.name, kind=v.kind,
        kind_label=v.kind_label, applicant=v.applicant, uscc=v.uscc,
        basis=[GreenBasisType(code=b["code"], label=b["label"], detail=b["detail"]) for b in v.basis],
        amounts=v.amounts, end_item=v.end_item, end_item_name=v.end_item_name, status=v.status,
        status_label=v.status_label, registered_by=v.registered_by, registered_at=v.registered_at,
        finished_at=v.finished_at, steps=[step_type(s) for s in v.steps],
    )


def eligibility_type(result: rules.Eligibility) -> GreenEligibilityType:
    return GreenEligibilityType(
        eligible=result.eligible,
        basis=[GreenBasisType(code=b.code, label=b.label, detail=b.detail) for b in result.basis],
        reasons=[UserError(path=e.path, code=e.code, message=e.message) for e in result.reasons],
    )


GreenProjectResult = Annotated[GreenProjectType | UserErrors, strawberry.union("GreenProjectResult")]
GreenCaseResult = Annotated[GreenCaseType | UserErrors, strawberry.union("GreenCaseResult")]
RECEIVED_HELP = ("窗口收取的后补材料：[{material, form, count}]，material 为事项材料编码（须为本办件待补齐的后补材料），"
                 "form 为 original 原件（默认）或 copy 复印件，count 为份数（1–99，默认1）")
FromDate = Annotated[date, strawberry.argument(name="from", description="起始日期（含）")]
ToDate = Annotated[date, strawberry.argument(description="截止日期（含）")]
INPUT_HELP = ("项目信息：kind（enterprise 企业投资项目 / construction 基本建设项目）、investor（foreign / domestic）、"
              "registeredCapital、capitalIncrease（外资万美元、内资万元）、investment（万元）、keyProject + keyProjectDocument、"
              "leaderAssigned + leaderInstruction；登记时另需 name、applicant、uscc、endItem")


@strawberry.type
class Query:
    @strawberry.field(description="绿色通道受理范围自查（公开）：" + INPUT_HELP)
    async def check_green_eligibility(
        self, center: str, input: Annotated[JSON, strawberry.argument(description=INPUT_HELP)]
    ) -> GreenEligibilityType:
        await service.plugin_center(center)
        return eligibility_type(rules.assess(input))

    @strawberry.field(description="绿色通道项目登记簿（本中心工作人员）：status 为 open 办理中 / finished 已办结")
    async def green_projects(self, info: Info, center: str, status: str | None = None) -> list[GreenProjectType]:
        rows = await service.list_projects(info.context.actor, center, status)
        return [project_type(v) for v in await project_views(info.context.govhall, rows)]

    @strawberry.field(description="一个绿色通道项目及其受理表")
    async def green_project(self, info: Info, id: strawberry.ID) -> GreenProjectType:
        row = await service.load_project(info.context.actor, id, *service.VIEW_ROLES)
        return project_type(await project_view(info.context.govhall, row))

    @strawberry.field(description="办件在绿色通道中的情况（可查看该办件的人员及申请人）：所属项目、受理表一行及后补材料；"
                                  "未纳入绿色通道时为空")
    async def green_case(self, info: Info, case: strawberry.ID) -> GreenCaseType | None:
        view = await case_view(info.context.govhall, info.context.actor, case)
        return case_type(view) if view is not None else None


@strawberry.type
class Mutation:
    @strawberry.mutation(description="登记绿色通道项目（窗口、首席代表、管理员）：不符合受理范围时列出全部理由。" + INPUT_HELP)
    async def register_green_project(self, info: Info, center: str, input: JSON) -> GreenProjectResult:
        ctx = info.context

        async def work() -> ProjectView:
            row = await service.register_project(ctx.govhall, ctx.actor, center, input)
            return await _view(ctx.govhall, row)

        return await mutation_result(work, project_type)

    @strawberry.mutation(description="将办件纳入绿色通道项目（窗口、首席代表）：办件列为急办件，在各队列中优先")
    async def link_case_to_green_project(
        self, info: Info, project: strawberry.ID, case: strawberry.ID
    ) -> GreenProjectResult:
        ctx = info.context

        async def work() -> ProjectView:
            row = await service.link_case(ctx.govhall, ctx.actor, project, case)
            return await _view(ctx.govhall, row)

        return await mutation_result(work, project_type)

    @strawberry.mutation(description="先办理，后补齐：窗口登记收取绿色通道办件的后补材料（本中心窗口、首席代表），"
                                     "记入办理过程及窗口收件登记；可只登记其中一部分")
    async def record_green_follow_up(
        self, info: Info, case: strawberry.ID, received: Annotated[JSON, strawberry.argument(description=RECEIVED_HELP)],
        comment: str | None = None,
    ) -> GreenCaseResult:
        ctx = info.context

        async def work() -> CaseView:
            await follow_ups.record_receipt(ctx.govhall, ctx.actor, case, received=received, comment=comment or "")
            view = await case_view(ctx.govhall, ctx.actor, case)
            assert view is not None
            return view

        return await mutation_result(work, case_type)

    @strawberry.mutation(description="打印快速审批绿色通道受理表：各窗口的受理、办结时间及签注人")
    async def print_green_form(self, info: Info, project: strawberry.ID) -> IssueRegisterResult:
        ctx = info.context
        return await mutation_result(lambda: printing.print_form(ctx.govhall, ctx.actor, project), issued_document)

    @strawberry.mutation(description="打印窗口受理审批“绿色通道”项目登记簿：期间内登记的项目")
    async def print_green_register(self, info: Info, center: str, from_: FromDate, to: ToDate) -> IssueRegisterResult:
        ctx = info.context
        return await mutation_result(
            lambda: printing.print_register(govhall=ctx.govhall, actor=ctx.actor, center_code=center, start=from_, end=to), issued_document
        )


async def _view(govhall: Any, row: GreenProject) -> ProjectView:
    fresh = await GreenProject.get(id=row.id).select_related("center")
    return await project_view(govhall, fresh)
