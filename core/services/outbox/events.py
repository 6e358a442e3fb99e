"""Publishing: an event row written in the caller's transaction.

``publish`` is one INSERT on whatever connection the caller is using: inside
``in_transaction()`` the event commits or rolls back with the change it reports. The helpers below
build the payloads of the core's own events from objects the caller already holds (no queries on
the hot path); the dispatcher asks the center's plugins who receives an event only when it delivers.

Event kinds the core publishes (``docs/plugins.md`` lists their payloads):
``case.submitted``, ``case.accepted``, ``case.decided``, ``case.completed``, ``case.progressed``
(any other transition), ``alert.raised``, ``alert.cleared``, ``rating.submitted``,
``complaint.filed``, ``complaint.published``, ``complaint.verified``, ``document.issued``.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterable, Iterator, Mapping
from contextlib import asynccontextmanager, contextmanager
from contextvars import ContextVar
from datetime import date, datetime, timezone
from typing import TYPE_CHECKING, Any

from core.plumbing.outbox_models import OutboxEvent, new_event_id
from core.plumbing.sql import insert_row, insert_rows
from core.services.case_memo import last_alert

if TYPE_CHECKING:
    from core.plumbing.models import Case, CaseEvent, Center, Document, ItemVersion, Rating
    from core.services.workflow import TransitionContext

KIND_RE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")


def _json(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


_BATCH: ContextVar[list[dict[str, Any]] | None] = ContextVar("outbox_batch", default=None)


def _row(kind: str, center: Center | int | None, payload: Mapping[str, Any], subject: str) -> dict[str, Any]:
    """Every column of a new event row, as OutboxEvent's defaults fill them in (the row is written
    with plain INSERTs: no model is built and validated on the hot path)."""
    if not KIND_RE.match(kind):
        raise ValueError(f"event kind must look like 'plugin.something': {kind!r}")
    center_id = center if isinstance(center, int) or center is None else center.id
    now = datetime.now(timezone.utc)
    return {
        # a subject that fits is kept as it is: it may stand for a case's number not written yet
        # (core.plumbing.new_case.NEW_CASE_NUMBER), which a slice would turn into a plain string
        "event_id": new_event_id(), "center_id": center_id, "kind": kind,
        "subject": subject if len(subject) <= 64 else subject[:64], "payload": dict(payload),
        "state": "pending", "attempts": 0, "next_attempt_at": now, "lease_until": None, "claim": "", "done_targets": [],
        "last_error": "", "created_at": now, "delivered_at": None,
    }


async def publish(kind: str, *, center: Center | int | None, payload: Mapping[str, Any], subject: str = "") -> OutboxEvent:
    """Write one event (``kind`` like ``plugin.thing_happened``) in the caller's transaction."""
    values = _row(kind, center, payload, subject)
    await _write_batch()  # the core's events kept so far come first: the outbox keeps the order
    event_id = await insert_row(OutboxEvent, values)
    return OutboxEvent._init_from_db(id=event_id, **values)


async def _emit(kind: str, *, center: Center | int | None, payload: Mapping[str, Any], subject: str = "") -> None:
    """One of the core's own events: kept for the batch when one is open (:func:`batched`),
    otherwise written now."""
    values = _row(kind, center, payload, subject)
    batch = _BATCH.get()
    if batch is None:
        await insert_row(OutboxEvent, values)
    else:
        batch.append(values)


@asynccontextmanager
async def batched() -> AsyncIterator[None]:
    """Inside the block the core's own events (a transition's notices and milestones) are kept and
    written together when it ends, in the order they were published, as one multi-row ``INSERT``
    in the caller's transaction (which must enclose the block). An event published otherwise
    meanwhile (:func:`publish`) first writes those kept so far. Nothing is written when the block
    raises: the transaction rolls back anyway."""
    with kept():
        yield
        await _write_batch()


@contextmanager
def kept() -> Iterator[None]:
    """Inside the block the core's own events are kept for the caller, who takes them
    (:func:`take_batch`) and writes them with its other rows in one round trip before the block
    ends; an event published otherwise meanwhile (:func:`publish`) first writes those kept so far."""
    token = _BATCH.set([])
    try:
        yield
        if _BATCH.get():
            raise RuntimeError("outbox events kept for the caller were never written")
    finally:
        _BATCH.reset(token)


async def _write_batch() -> None:
    rows = take_batch()
    if rows:
        await insert_rows(OutboxEvent, rows)


def take_batch() -> list[dict[str, Any]]:
    """The core's events kept so far in the open batch (:func:`batched`), taken out of it for the
    caller to write now, in its own statement (:func:`core.plumbing.sql.insert_rows_sql`)."""
    batch = _BATCH.get()
    if not batch:
        return []
    rows = list(batch)
    batch.clear()
    now = datetime.now(timezone.utc)
    for row in rows:
        row["created_at"] = now  # when written, as the ORM stamps auto_now_add on insert
    return rows


def case_block(case: Case, item: ItemVersion | None = None) -> dict[str, Any]:
    """What every case event carries: the case as it is now (no personal data beyond the number)."""
    definition = (item.definition if item is not None else None) or {}
    return {
        "id": case.id,
        "number": case.number,
        "item": {
            "code": item.code if item is not None else None,
            "name": item.name if item is not None else None,
            "version": item.version if item is not None else None,
            "itemType": definition.get("itemType"),
            "basicCode": definition.get("basicCode"),
            "implementationCode": definition.get("implementationCode"),
            "promisedDays": definition.get("promisedDays"),
            "legalDays": definition.get("legalDays"),
        },
        "department": definition.get("department"),
        "state": case.state,
        "kind": case.kind,
        "channel": case.channel,
        "alert": case.alert,
        "submittedAt": _json(case.submitted_at),
        "acceptedAt": _json(case.accepted_at),
        "completedAt": _json(case.completed_at),
        "promisedDue": _json(case.promised_due),
        "legalDue": _json(case.legal_due),
    }


def _event_block(event: CaseEvent) -> dict[str, Any]:
    return {
        "seq": event.seq, "action": event.action, "fromState": event.from_state, "toState": event.to_state,
        "role": event.role, "actorName": event.actor_name, "comment": event.comment, "at": _json(event.at),
    }


def _item_of(case: Case) -> ItemVersion | None:
    """The case's item version if it is already loaded (never a query)."""
    from core.plumbing.models import ItemVersion

    item = case.__dict__.get("_item_version")
    if item is None:
        try:
            item = case.item_version
        except Exception:  # noqa: BLE001 - not fetched
            return None
    return item if isinstance(item, ItemVersion) else None


async def case_submitted(center: Center, case: Case, event: CaseEvent) -> None:
    """``case.submitted``: called in :func:`core.services.cases.submit_case`'s transaction."""
    payload = {"case": case_block(case, _item_of(case)), "event": _event_block(event)}
    await _emit("case.submitted", center=center, payload=payload, subject=case.number)


def transition_kinds(ctx: TransitionContext) -> list[str]:
    """The milestones one transition reaches, in order; ``case.progressed`` when none."""
    kinds = []
    if "accepted_at" in ctx.case_fields:
        kinds.append("case.accepted")
    if ctx.transition.decision:
        kinds.append("case.decided")
    if "completed_at" in ctx.case_fields:
        kinds.append("case.completed")
    return kinds or ["case.progressed"]


async def case_transitioned(ctx: TransitionContext, event: CaseEvent) -> None:
    """The transition's milestone events, and ``alert.cleared`` when it stopped a raised alert;
    called in :func:`core.services.cases.transition_case`'s transaction after the audit event."""
    case = ctx.case
    base = {"case": case_block(case, ctx.item), "event": _event_block(event)}
    decision = {"action": ctx.transition.action, "label": ctx.transition.label, "outcome": case.state}
    documents = ctx.changes.get("documents") or []
    for kind in transition_kinds(ctx):
        payload = dict(base)
        if kind == "case.decided":
            payload["decision"] = decision
        if documents:
            payload["documents"] = documents
        await _emit(kind, center=ctx.center, payload=payload, subject=case.number)
    if "alert" in ctx.case_fields and case.alert == "NONE":
        last = await last_alert(case)  # read with the case's other rows, in a transition
        if last is not None and last["kind"] == "alert.raised":
            payload = {**base, "alert": {"level": "NONE", "previous": last["payload"].get("alert", {}).get("level")}}
            await _emit("alert.cleared", center=ctx.center, payload=payload, subject=case.number)


async def alerts_raised(raised: Iterable[Any]) -> None:
    """``alert.raised`` for each card the sweeper raised (objects with center, case, timer, level,
    event), in the sweeper's transaction."""
    from core.plumbing.models import ItemVersion

    raised = list(raised)
    rows = []
    now = datetime.now(timezone.utc)
    ids = {n.case.item_version_id for n in raised}
    items = {v.id: v for v in await ItemVersion.filter(id__in=sorted(ids))} if ids else {}
    for n in raised:
        timer = n.timer
        payload = {
            "case": case_block(n.case, items.get(n.case.item_version_id)),
            "event": _event_block(n.event),
            "alert": {"level": n.level, "timer": timer.kind, "due": _json(timer.due), "comment": n.event.comment},
        }
        rows.append(OutboxEvent(
            center_id=n.center.id, kind="alert.raised", subject=n.case.number, payload=payload, next_attempt_at=now,
        ))
    if rows:
        await OutboxEvent.bulk_create(rows)


async def rating_submitted(case: Case, rating: Rating) -> None:
    """``rating.submitted`` (好差评), in the rating's transaction."""
    payload = {
        "case": case_block(case, _item_of(case)),
        "rating": {
            "id": rating.id, "level": rating.level, "comment": rating.comment, "at": _json(rating.at),
            "channel": rating.channel,
            "poor": rating.level <= 2,
        },
    }
    await publish("rating.submitted", center=case.center_id, payload=payload, subject=case.number)  # type: ignore[attr-defined]


async def document_issued(center: Center, document: Document, case: Case | None) -> None:
    """``document.issued``: a numbered document, in the transaction that issued it."""
    payload = {
        "document": {
            "publicId": document.public_id, "kind": document.kind, "title": document.title,
            "number": document.number, "issuedOn": _json(document.issued_on), "sha256": document.sha256,
        },
        "case": {"id": case.id, "number": case.number} if case is not None else None,
    }
    await _emit("document.issued", center=center, payload=payload, subject=case.number if case is not None else document.number)
