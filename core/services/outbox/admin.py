"""What administrators see of the outbox and may do with it: lists by state, attempts, re-send."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from core.services.accounts import Actor
from core.services.centers import get_center
from core.plumbing.errors import Forbidden, NotFound, UserErrorsException, one_of
from core.plumbing.outbox_models import STATES, OutboxAttempt, OutboxEvent

ADMIN_ROLES = ("admin",)
STATE_LABELS = {"pending": "待投递", "delivering": "投递中", "failed": "失败待重试", "delivered": "已送达", "dead": "死信"}
RESENDABLE = ("dead", "failed")


async def list_events(actor: Actor, center_code: str, state: str | None = None, first: int = 50) -> list[OutboxEvent]:
    """The center's events, newest first, optionally of one state (administrators)."""
    center = await get_center(center_code)
    actor.require(center.id, *ADMIN_ROLES)
    if state is not None and state not in STATES:
        raise UserErrorsException.single("state", f"状态应为：{one_of(STATE_LABELS[s] for s in STATES)}", "/state")
    query = OutboxEvent.filter(center_id=center.id)
    if state:
        query = query.filter(state=state)
    return await query.order_by("-id").limit(max(1, min(first, 200)))


async def counts(actor: Actor, center_code: str) -> dict[str, int]:
    """How many events of the center are in each state."""
    center = await get_center(center_code)
    actor.require(center.id, *ADMIN_ROLES)
    found = {s: 0 for s in STATES}
    for state in STATES:
        found[state] = await OutboxEvent.filter(center_id=center.id, state=state).count()
    return found


async def attempts_of(event_id: int) -> list[OutboxAttempt]:
    return await OutboxAttempt.filter(event_id=event_id).order_by("id")


async def load_for_admin(actor: Actor, key: str | int) -> OutboxEvent:
    try:
        event = await OutboxEvent.get_or_none(id=int(key))
    except (TypeError, ValueError):
        event = None
    if event is None:
        raise NotFound("事件不存在")
    if event.center_id is None:  # type: ignore[attr-defined]  (an event of no center: any administrator)
        actor.require_login()
        if not any(g.role in ADMIN_ROLES for g in actor.grants):
            raise Forbidden("只有管理员可以查看事件发件箱")
    else:
        actor.require(event.center_id, *ADMIN_ROLES)  # type: ignore[attr-defined]
    return event


async def resend(key: str | int, actor: Actor | None = None) -> OutboxEvent:
    """A dead letter (or a failed event) goes back to the queue now with a fresh attempt count;
    the targets that already acknowledged it are not sent it again."""
    event = await load_for_admin(actor, key) if actor is not None else await OutboxEvent.get(id=int(key))
    changed = await OutboxEvent.filter(id=event.id, state__in=RESENDABLE).update(
        state="pending", attempts=0, next_attempt_at=datetime.now(timezone.utc), lease_until=None,
    )
    if not changed:
        raise UserErrorsException.single(
            "not_resendable", f"该事件当前状态为“{STATE_LABELS.get(event.state, event.state)}”，只有死信或失败待重试的事件可以重新投递", "/id",
        )
    return await OutboxEvent.get(id=event.id)


@dataclass(frozen=True)
class TargetRecord:
    """What one target (``exchange:city-jiancha``…) did with a center's events: attempts that it
    acknowledged and that failed, and the last attempt (None before any)."""

    target: str
    acknowledged: int
    failed: int
    last_at: datetime | None
    last_ok: bool | None
    last_error: str


async def target_records(center_id: int, targets: list[str]) -> dict[str, TargetRecord]:
    """Each of ``targets``' record over the attempts to deliver the center's events still kept
    (delivered events are purged after ``GOVHALL_OUTBOX_KEEP_DAYS``)."""
    found = {}
    for target in targets:
        attempts = OutboxAttempt.filter(target=target, event__center_id=center_id)
        last = await attempts.order_by("-id").first()
        found[target] = TargetRecord(
            target=target, acknowledged=await attempts.filter(ok=True).count(), failed=await attempts.filter(ok=False).count(),
            last_at=last.finished_at if last else None, last_ok=last.ok if last else None, last_error=last.error if last else "",
        )
    return found
