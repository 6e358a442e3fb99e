"""superviseCase: 催办 / 督办 on an open case (supervisors, heads, administrators of its center);
answerSupervision: 督办反馈 by the case's center staff; staffMessages: a member of staff's internal
messages."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from core.services import supervision_notices as service
from core.faces.graphql.context import Info
from core.faces.graphql.types import UserErrors, mutation_result


@strawberry.type(name="SupervisionNotice", description="记入办件的催办或督办")
class SupervisionNoticeType:
    case_id: strawberry.ID
    case_number: str
    kind: str = strawberry.field(description="urge 催办，supervise 督办，supervision_reply 督办反馈")
    kind_label: str
    department: str
    recipients: list[str] = strawberry.field(description="收到站内通知的人员")
    at: datetime


SupervisionNoticeResult = Annotated[SupervisionNoticeType | UserErrors, strawberry.union("SupervisionNoticeResult")]


def _present(n: service.Notice) -> SupervisionNoticeType:
    return SupervisionNoticeType(
        case_id=strawberry.ID(str(n.case.id)), case_number=n.case.number, kind=n.kind, kind_label=service.LABELS[n.kind],
        department=n.department, recipients=n.recipients, at=n.event.at,
    )


@strawberry.type(name="StaffMessage", description="工作人员的站内消息（催办、督办、督办反馈、投诉分派等）")
class StaffMessageType:
    id: strawberry.ID
    case_id: strawberry.ID | None
    case_number: str
    text: str
    at: datetime


@strawberry.type
class Query:
    @strawberry.field(description="本人在该中心的站内消息（催办、督办、督办反馈、投诉分派、请假审批等），最新在前；收到消息的人都可查看本人的消息，不论角色")
    async def staff_messages(self, info: Info, center: str, first: int = 50) -> list[StaffMessageType]:
        rows = await service.staff_messages(info.context.actor, center, first)
        return [StaffMessageType(id=strawberry.ID(str(m.id)), case_id=strawberry.ID(str(m.case_id)) if m.case_id else None,
                                 case_number=m.case_number, text=m.text, at=m.at) for m in rows]


@strawberry.type
class Mutation:
    @strawberry.mutation(description="催办（kind: urge）或督办（kind: supervise，须写明督办事项）：记入办件日志，并通知负责人和部门审批人员")
    async def supervise_case(self, info: Info, id: strawberry.ID, kind: str, text: str | None = None) -> SupervisionNoticeResult:
        ctx = info.context
        return await mutation_result(lambda: service.supervise_case(govhall=ctx.govhall, actor=ctx.actor, case_id=id, kind=kind, text=text or ""), _present)

    @strawberry.mutation(description="督办反馈：本中心工作人员就催办、督办说明办理情况，记入办件日志并通知催办（督办）人；催办（督办）人不能反馈本人发出的催办、督办（own_notice）")
    async def answer_supervision(self, info: Info, id: strawberry.ID, text: str) -> SupervisionNoticeResult:
        ctx = info.context
        return await mutation_result(lambda: service.answer_supervision(govhall=ctx.govhall, actor=ctx.actor, case_id=id, text=text), _present)
