"""caseProgress: 办件进度查询 without signing in (see :mod:`core.services.progress`)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from core.faces.graphql.context import Info, client_address
from core.faces.graphql.types import UserErrors, mutation_result
from core.services import progress as service


@strawberry.type(description="办件进度中的一个公开环节（提交、受理、审批办结、送达出件窗口、出件…）：只有环节和日期，"
                             "不含经办人员、意见和文书")
class CaseProgressStep:
    step: str = strawberry.field(description="环节：submitted 提交、correction 一次性告知、supplied 补齐材料、accepted 受理、"
                                             "returned 退回、review_requested 申请复核、paused/resumed 特别程序暂停与恢复计时、"
                                             "reported_up/answered 上报与答复、extended 延期、due_recomputed 期限重新核定、"
                                             "completed 办结、ready 送达出件窗口、delivered 出件、withdrawn 撤回")
    label: str = strawberry.field(description="环节名称（中文）")
    date: date = strawberry.field(description="发生日期（中心所在时区）")


@strawberry.type(description="办件进度查询的结果：只含持受理通知书者可知的内容；不含申报数据、文书、工作人员和意见")
class CaseProgress:
    number: str = strawberry.field(description="受理编号（办件编号）")
    item_name: str = strawberry.field(description="事项名称")
    center_name: str = strawberry.field(description="政务服务中心")
    department_name: str | None = strawberry.field(description="承办部门")
    applicant: str = strawberry.field(description="申请人（已遮盖：张*三、连州市****有限公司）")
    state: str = strawberry.field(description="状态标识")
    state_label: str = strawberry.field(description="状态名称")
    submitted_on: date = strawberry.field(description="提交日期")
    accepted_on: date | None = strawberry.field(description="受理日期，未受理为 null")
    promised_due: date | None = strawberry.field(description="承诺办结日期（中心工作日历），未受理或即办件为 null")
    due_provisional: bool = strawberry.field(description="承诺办结日期所在年度的节假日安排尚未公布，日期为暂定")
    completed_on: date | None = strawberry.field(description="办结日期，未办结为 null")
    pickup_ready: bool = strawberry.field(description="办理结果已在出件窗口，可以领取")
    pickup_window: str | None = strawberry.field(description="领取结果的窗口（名称及编号），中心未设出件窗口时为 null")
    steps: list[CaseProgressStep] = strawberry.field(description="公开的办理环节，按时间先后")


CaseProgressResult = Annotated[CaseProgress | UserErrors, strawberry.union("CaseProgressResult")]


def _present(p: service.Progress) -> CaseProgress:
    return CaseProgress(
        number=p.number, item_name=p.item_name, center_name=p.center_name, department_name=p.department_name,
        applicant=p.applicant, state=p.state, state_label=p.state_label, submitted_on=p.submitted_on,
        accepted_on=p.accepted_on, promised_due=p.promised_due, due_provisional=p.due_provisional,
        completed_on=p.completed_on, pickup_ready=p.pickup_ready, pickup_window=p.pickup_window,
        steps=[CaseProgressStep(step=s.step, label=s.label, date=s.date) for s in p.steps],
    )


@strawberry.type
class Query:
    @strawberry.field(description=(
        "办件进度查询（无需登录）：受理编号与证件号码后六位（申请中申请人、法定代表人或经办人的身份证号码或统一社会信用代码，"
        "字母不区分大小写）均相符才答复；申请中没有证件号码的办件凭联系手机号码后四位。任何不符（编号不存在、后几位不对）"
        "一律答复 no_match：未找到匹配的办件，请核对受理编号和证件号码后六位。按客户端地址、客户端地址与受理编号计数，"
        "多次不符暂停该地址的查询（too_many_attempts，说明需等待的分钟数），不影响他人；同一受理编号从众多地址"
        "不符次数过多时暂停该编号的网上查询（too_many_attempts，请到服务大厅咨询台或致电查询）。center：只查该中心的办件（中心网站、大厅自助终端）"
    ))
    async def case_progress(
        self, info: Info,
        number: Annotated[str, strawberry.argument(description="受理编号，如 LZ-20261127-000123（不区分大小写）")],
        check: Annotated[str, strawberry.argument(description="证件号码后六位，或（无证件号码的办件）手机号码后四位")],
        center: Annotated[str | None, strawberry.argument(description="中心编码；给出时只查该中心的办件")] = None,
    ) -> CaseProgressResult:
        ctx = info.context
        return await mutation_result(
            lambda: service.case_progress(ctx.govhall, number=number, check=check, center_code=center,
                                          address=client_address(ctx.request)),
            _present,
        )
