"""The fields one_window contributes: hand-overs, the pickup register, the SMS sent for a case.

Every resolver refuses a center that has not enabled the plugin (``require_plugin``): a query
with a FORBIDDEN error, a mutation with ``UserErrors`` code ``forbidden``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import strawberry

from core.api import (
    Info,
    IssueRegisterResult,
    Notification,
    UserErrors,
    issued_document,
    load_visible_case,
    mutation_result,
    require_plugin,
)

from . import handovers as service
from .models import HandOver
from .pickup import PickupRow, print_register, register_center, register_rows


@strawberry.type(name="HandOver", description="流转交接记录")
class HandOverType:
    id: strawberry.ID
    case_id: strawberry.ID
    case_number: str
    stage: str = strawberry.field(description="front_desk_to_department 综合窗口→后台部门；department_to_pickup 后台部门→统一出件窗口")
    stage_label: str
    from_user: str
    to_department: str | None
    to_department_name: str | None
    to_pickup: bool
    materials: list[str]
    comment: str
    handed_at: datetime
    received_by: str | None
    received_at: datetime | None
    _row: strawberry.Private[HandOver]

    @strawberry.field(description="当前用户能否签收（未签收，且是接收部门的审批人员、出件窗口人员或首席代表）")
    def can_receive(self, info: Info) -> bool:
        row = self._row
        return row.received_at is None and service.refusal_to_receive(info.context.actor, row.case.center_id, row) is None


def handover_type(row: HandOver) -> HandOverType:
    department = row.to_department
    received = row.received_by
    return HandOverType(
        id=strawberry.ID(str(row.id)), case_id=strawberry.ID(str(row.case.id)), case_number=row.case.number,
        stage=row.stage, stage_label=service.STAGE_LABELS.get(row.stage, row.stage),
        from_user=row.from_user.display_name or row.from_user.username,
        to_department=department.code if department else None, to_department_name=department.name if department else None,
        to_pickup=row.to_pickup, materials=list(row.materials or []), comment=row.comment, handed_at=row.handed_at,
        received_by=(received.display_name or received.username) if received else None, received_at=row.received_at,
        _row=row,
    )


@strawberry.type(name="PickupRegisterRow", description="出件登记：身份证号码已脱敏")
class PickupRowType:
    case_id: strawberry.ID
    case_number: str
    item_name: str
    applicant_name: str
    method: str
    method_label: str
    receiver: str
    id_number: str
    tracking_number: str
    by: str
    at: datetime


def pickup_row_type(row: PickupRow) -> PickupRowType:
    return PickupRowType(
        case_id=strawberry.ID(str(row.case_id)), case_number=row.number, item_name=row.item, applicant_name=row.applicant,
        method=row.method, method_label=row.method_label, receiver=row.receiver, id_number=row.id_number,
        tracking_number=row.tracking_number, by=row.by, at=row.at,
    )


@strawberry.type(description="发给申请人的短信（默认适配器记录在库）")
class SmsMessage:
    id: strawberry.ID
    channel: str
    recipient: str
    text: str
    created_at: datetime


HandOverResult = Annotated[HandOverType | UserErrors, strawberry.union("HandOverResult")]
FromDate = Annotated[date, strawberry.argument(name="from", description="起始日期（含）")]
ToDate = Annotated[date, strawberry.argument(description="截止日期（含）")]


@strawberry.type
class Query:
    @strawberry.field(description="未签收的交接，最早移交的在前：督查、首席代表看全部；后台审批人员看移交本部门的，出件人员看移交出件窗口的（待签收）")
    async def pending_handovers(self, info: Info, center: str) -> list[HandOverType]:
        return [handover_type(r) for r in await service.pending_handovers(info.context.actor, center)]

    @strawberry.field(description="一个办件的全部流转交接")
    async def case_handovers(self, info: Info, id: strawberry.ID) -> list[HandOverType]:
        return [handover_type(r) for r in await service.case_handovers(info.context.actor, id)]

    @strawberry.field(description="出件登记簿（出件、窗口、首席代表、督查、管理员）")
    async def pickup_register(self, info: Info, center: str, from_: FromDate, to: ToDate) -> list[PickupRowType]:
        row = await register_center(info.context.actor, center)
        return [pickup_row_type(r) for r in await register_rows(row, from_, to)]

    @strawberry.field(description="办件的短信通知记录")
    async def sms_messages(self, info: Info, id: strawberry.ID) -> list[SmsMessage]:
        case = await load_visible_case(info.context.actor, id)
        require_plugin(case.center, service.PLUGIN)
        rows = await Notification.filter(case_id=case.id).order_by("id")
        return [SmsMessage(id=strawberry.ID(str(n.id)), channel=n.channel, recipient=n.recipient, text=n.text,
                           created_at=n.created_at) for n in rows]


@strawberry.type
class Mutation:
    @strawberry.mutation(description="流转交接：综合窗口移交后台部门（toDepartment），或办结后移交统一出件窗口（toPickup）。"
                                     "补办件在移交时补勾审查要点（checklist、originalsChecked）")
    async def hand_over_case(
        self, info: Info, id: strawberry.ID, to_department: str | None = None, to_pickup: bool | None = None,
        materials: list[str] | None = None, comment: str | None = None, checklist: list[str] | None = None,
        originals_checked: bool | None = None,
    ) -> HandOverResult:
        ctx = info.context

        async def work() -> HandOver:
            row = await service.hand_over(
                ctx.govhall, ctx.actor, id, to_department=to_department, to_pickup=bool(to_pickup), materials=materials,
                comment=(comment or "").strip(), checklist=checklist, originals_checked=originals_checked,
            )
            return await service.load_handover(row.id)

        return await mutation_result(work, handover_type)

    @strawberry.mutation(description="签收交接：后台部门审批人员签收移交的办件；出件窗口签收办理结果（随即短信通知申请人）")
    async def receive_handover(self, info: Info, id: strawberry.ID) -> HandOverResult:
        ctx = info.context

        async def work() -> HandOver:
            row = await service.receive_handover(ctx.govhall, ctx.actor, id)
            return await service.load_handover(row.id)

        return await mutation_result(work, handover_type)

    @strawberry.mutation(description="打印出件登记簿：期间内的出件登记，出具为可核验的 PDF")
    async def print_pickup_register(self, info: Info, center: str, from_: FromDate, to: ToDate) -> IssueRegisterResult:
        ctx = info.context
        return await mutation_result(lambda: print_register(govhall=ctx.govhall, actor=ctx.actor, center_code=center, start=from_, end=to), issued_document)
