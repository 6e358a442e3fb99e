"""The outbox for administrators: events by state (pending, failed, dead letters), their attempts,
and re-sending a dead letter."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry.scalars import JSON

from core.services.outbox import admin
from core.plumbing.outbox_models import OutboxAttempt, OutboxEvent
from core.faces.graphql.context import Info
from core.faces.graphql.types import UserErrors, mutation_result


@strawberry.type(name="OutboxAttempt", description="一次投递尝试")
class OutboxAttemptType:
    number: int = strawberry.field(description="第几次领取")
    target: str = strawberry.field(description="投递目标，如 exchange:city-supervision；空为租约到期记录")
    ok: bool
    error: str
    worker: str = strawberry.field(description="投递进程（主机:进程号）")
    started_at: datetime
    finished_at: datetime


@strawberry.type(name="OutboxEvent", description="发件箱中的事件：与所报告的变更同一事务写入，至少投递一次")
class OutboxEventType:
    id: strawberry.ID
    event_id: str = strawberry.field(description="稳定的事件标识（UUID），接收方据此去重")
    kind: str
    subject: str = strawberry.field(description="事件所涉对象，如办件编号")
    state: str = strawberry.field(description="pending / delivering / failed / delivered / dead")
    state_label: str
    attempts: int
    next_attempt_at: datetime | None
    created_at: datetime
    delivered_at: datetime | None
    last_error: str
    done_targets: list[str] = strawberry.field(description="已确认收到的投递目标")
    payload: JSON

    @strawberry.field(description="每一次投递尝试（最早的在前）")
    async def attempt_log(self) -> list[OutboxAttemptType]:
        return [_attempt(a) for a in await admin.attempts_of(int(self.id))]


@strawberry.type(name="OutboxSummary", description="发件箱各状态的事件数")
class OutboxSummaryType:
    pending: int
    delivering: int
    failed: int
    delivered: int
    dead: int


ResendOutboxEventResult = Annotated[OutboxEventType | UserErrors, strawberry.union("ResendOutboxEventResult")]


def _attempt(a: OutboxAttempt) -> OutboxAttemptType:
    return OutboxAttemptType(number=a.number, target=a.target, ok=a.ok, error=a.error, worker=a.worker,
                             started_at=a.started_at, finished_at=a.finished_at)


def present(e: OutboxEvent) -> OutboxEventType:
    return OutboxEventType(
        id=strawberry.ID(str(e.id)), event_id=e.event_id, kind=e.kind, subject=e.subject, state=e.state,
        state_label=admin.STATE_LABELS.get(e.state, e.state), attempts=e.attempts,
        next_attempt_at=e.next_attempt_at if e.state in ("pending", "failed") else None, created_at=e.created_at,
        delivered_at=e.delivered_at, last_error=e.last_error, done_targets=list(e.done_targets or []), payload=e.payload,
    )


@strawberry.type
class Query:
    @strawberry.field(description="发件箱中的事件（管理员），最新的在前；state 可选 pending、failed、dead 等")
    async def outbox_events(self, info: Info, center: str, state: str | None = None, first: int = 50) -> list[OutboxEventType]:
        return [present(e) for e in await admin.list_events(info.context.actor, center, state, first)]

    @strawberry.field(description="发件箱各状态的事件数（管理员）")
    async def outbox_summary(self, info: Info, center: str) -> OutboxSummaryType:
        return OutboxSummaryType(**await admin.counts(info.context.actor, center))


@strawberry.type
class Mutation:
    @strawberry.mutation(description="重新投递死信或失败待重试的事件（管理员）：已确认收到的目标不再重复发送")
    async def resend_outbox_event(self, info: Info, id: strawberry.ID) -> ResendOutboxEventResult:
        actor = info.context.actor
        return await mutation_result(lambda: admin.resend(id, actor), present)
