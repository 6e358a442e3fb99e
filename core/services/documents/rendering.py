"""Rendering issued documents after their transaction commits.

:func:`core.services.documents.issue.issue_document` numbers a document and stores it ``pending`` with its
frozen context; nothing is laid out while the issuing transaction holds the counter row. Here a
pending document is *claimed* (a short UPDATE that sets ``claimed_until``: with ``FOR UPDATE SKIP
LOCKED`` on PostgreSQL, so several workers never take the same one; on SQLite the UPDATE is atomic
by itself), rendered in a thread with no transaction open, and stored ``ready`` in one short
UPDATE that only a still-pending row accepts (two renderers can never give one document two
hashes). A failed render keeps the number and the row: it is retried after a growing delay and,
after :data:`MAX_ATTEMPTS`, marked ``failed`` with its error (visible in the case's documents;
``govhall documents render --retry-failed`` tries again).

Who renders: the worker (:mod:`core.services.documents.worker`) inside ``govhall serve`` (woken right after a request
that issued documents, and every few seconds), ``govhall documents render``, and a download of a
document still pending (:func:`ensure_rendered`).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

import anyio
from tortoise.connection import get_connection

from core.plumbing.sql import for_dialect
from core.plumbing.models import Document
from core.services.documents.frozen import thaw

log = logging.getLogger("govhall.documents")

MAX_ATTEMPTS = 5
RETRY_SECONDS = (10, 60, 300, 1800)  # after the 1st, 2nd, 3rd, 4th failed attempt
LEASE_SECONDS = 600  # a renderer that died mid-render gives its claim back after this
WAIT_SECONDS = 15.0  # a download waits this long for a render another renderer is doing
POLL_SECONDS = 0.2

STATE_LABELS = {"pending": "正在生成", "ready": "已生成", "failed": "生成失败"}
# progress (percent) at each stage of a render: claimed, HTML filled, laid out (pages), written
PROGRESS_CLAIMED, PROGRESS_HTML, PROGRESS_LAID_OUT = 5, 15, 85


def state_label(state: str) -> str:
    return STATE_LABELS.get(state, state)


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _db_time(name: str, value: datetime) -> Any:
    return Document._meta.fields_map[name].to_db_value(value, Document)


# --------------------------------------------------------------------------- claiming


async def claim(*, document_id: int | None = None, limit: int = 1, now: datetime | None = None) -> list[int]:
    """Claim up to ``limit`` pending documents that are due (or the one ``document_id``): their ids.

    A claim counts as an attempt and lasts :data:`LEASE_SECONDS`; a document another renderer holds
    (or waits out its retry delay) is not claimed."""
    now = now or _now()
    conn = get_connection("default")
    postgres = conn.capabilities.dialect == "postgres"
    args: list[Any] = [
        _db_time("claimed_until", now + timedelta(seconds=LEASE_SECONDS)),
        _db_time("next_attempt_at", now),
        _db_time("claimed_until", now),
    ]
    only = ""
    if document_id is not None:
        args.append(document_id)
        only = " AND id = ?"
    args.append(limit)
    sql = for_dialect(
        f"UPDATE document SET claimed_until = ?, attempts = attempts + 1, progress = {PROGRESS_CLAIMED}"
        " WHERE id IN (SELECT id FROM document WHERE state = 'pending'"
        " AND (next_attempt_at IS NULL OR next_attempt_at <= ?)"
        f" AND (claimed_until IS NULL OR claimed_until < ?){only}"
        f" ORDER BY id LIMIT ?{' FOR UPDATE SKIP LOCKED' if postgres else ''}) RETURNING id",
        postgres,
    )
    rows = await conn.execute_query_dict(sql, args)
    return sorted(int(r["id"]) for r in rows)


# --------------------------------------------------------------------------- rendering


Progress = Callable[[int], Awaitable[None]]


async def _set_progress(document_id: int, percent: int) -> None:
    await Document.filter(id=document_id, state="pending").update(progress=percent)


async def render_bytes(govhall: Any, kind: str, context: dict[str, Any], progress: Progress | None = None) -> bytes:
    """The PDF of a frozen context, laid out in worker threads (never on the event loop)."""
    renderer = govhall.renderer
    html = await anyio.to_thread.run_sync(renderer.render_html, kind, context)
    if progress:
        await progress(PROGRESS_HTML)
    laid_out = await anyio.to_thread.run_sync(renderer.layout, html)
    if progress:
        await progress(PROGRESS_LAID_OUT)
    return await anyio.to_thread.run_sync(renderer.write, laid_out)


async def render_claimed(govhall: Any, document_id: int) -> str:
    """Render a document this caller claimed and store the outcome: its new state."""
    rows = await Document.filter(id=document_id, state="pending").values("kind", "render_context", "attempts")
    if not rows:
        return await current_state(document_id)
    row = rows[0]
    try:
        context = thaw(row["render_context"] or "{}")
        pdf = await render_bytes(govhall, row["kind"], context, lambda pct: _set_progress(document_id, pct))
    except Exception as exc:  # noqa: BLE001 - any failure is recorded on the row and retried
        return await _failed(document_id, int(row["attempts"]), exc)
    await Document.filter(id=document_id, state="pending").update(
        content=pdf, size=len(pdf), sha256=hashlib.sha256(pdf).hexdigest(), state="ready", progress=100,
        render_context=None, claimed_until=None, next_attempt_at=None, last_error="", rendered_at=_now(),
    )
    return await current_state(document_id)


async def _failed(document_id: int, attempts: int, exc: BaseException) -> str:
    message = f"{type(exc).__name__}: {exc}"[:2000]
    if attempts >= MAX_ATTEMPTS:
        log.error("document %s failed to render %s times, giving up: %s", document_id, attempts, message)
        await Document.filter(id=document_id, state="pending").update(
            state="failed", last_error=message, claimed_until=None, next_attempt_at=None, progress=0,
        )
        return "failed"
    delay = RETRY_SECONDS[min(attempts, len(RETRY_SECONDS)) - 1]
    log.warning("document %s failed to render (attempt %s), retrying in %s s: %s", document_id, attempts, delay, message)
    await Document.filter(id=document_id, state="pending").update(
        last_error=message, claimed_until=None, next_attempt_at=_now() + timedelta(seconds=delay), progress=0,
    )
    return "pending"


async def current_state(document_id: int) -> str:
    states = await Document.filter(id=document_id).values_list("state", flat=True)
    return str(states[0]) if states else "missing"


@dataclass
class RenderSummary:
    rendered: int = 0
    retrying: int = 0
    failed: int = 0


async def render_due(govhall: Any, *, limit: int | None = None) -> RenderSummary:
    """Render every pending document that is due, one claim at a time (``limit``: at most so many)."""
    summary = RenderSummary()
    done = 0
    while limit is None or done < limit:
        claimed = await claim()
        if not claimed:
            break
        done += 1
        state = await render_claimed(govhall, claimed[0])
        if state == "ready":
            summary.rendered += 1
        elif state == "failed":
            summary.failed += 1
        else:
            summary.retrying += 1
    return summary


async def retry_failed(center_id: int | None = None) -> int:
    """Give failed documents a new round of attempts (after the cause is fixed): how many."""
    query = Document.filter(state="failed")
    if center_id is not None:
        query = query.filter(center_id=center_id)
    return await query.update(state="pending", attempts=0, next_attempt_at=None, claimed_until=None, progress=0)


async def ensure_rendered(govhall: Any, document_id: int, *, wait: float | None = None) -> str:
    """For a download: render the document now if it is pending and due; wait up to ``wait``
    seconds while another renderer holds it; a document waiting out its retry delay is not waited
    for. Returns the state then (``ready`` when the PDF is there)."""
    wait = WAIT_SECONDS if wait is None else wait
    waited = 0.0
    while True:
        rows = await Document.filter(id=document_id).values("state", "claimed_until")
        if not rows:
            return "missing"
        if rows[0]["state"] != "pending":
            return str(rows[0]["state"])
        if await claim(document_id=document_id):
            return await render_claimed(govhall, document_id)
        held = rows[0]["claimed_until"] is not None and rows[0]["claimed_until"] > _now()
        if not held or waited >= wait:
            return "pending"
        await asyncio.sleep(POLL_SECONDS)
        waited += POLL_SECONDS
        await asyncio.sleep(POLL_SECONDS)
        waited += POLL_SECONDS
        state = await current_state(document_id)
    return state
