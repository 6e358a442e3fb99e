"""superviseCase: 催办 / 督办 on an open case (supervisors, heads, administrators of its center)."""

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
    kind: str = strawberry.field(description="urge 催办，supervise 督办")
    kind_label: str
    department: str
    recipients: list[str] = strawberry.field(description="收到站内通知的人员")
    at: datetime


SupervisionNoticeResult = Annotated[SupervisionNoticeType | UserErrors, strawberry.union("SupervisionNoticeResult")]


def _present(n: service.Notice) -> SupervisionNoticeType:
    return SupervisionNoticeType(
        case_id=strawberry.ID(str(n.case.id)), case_number=n.case.number, kind=n.kind, kind_label=service.KINDS[n.kind],
        department=n.department, recipients=n.recipients, at=n.event.at,
    )


@strawberry.type
class Mutation:
    @strawberry.mutation(description="催办（kind: urge）或督办（kind: supervise，须写明督办事项）：记入办件日志，并通知负责人和部门审批人员")
    async def supervise_case(self, info: Info, id: strawberry.ID, kind: str, text: str | None = None) -> SupervisionNoticeResult:
        ctx = info.context
        return await mutation_result(lambda: service.supervise_case(govhall=ctx.govhall, actor=ctx.actor, case_id=id, kind=kind, text=text or ""), _present)
