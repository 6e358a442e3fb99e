"""Sending one event to one connector over HTTP.

2xx: delivered. A timeout, a refused connection, 408, 425, 429 or 5xx: raised as a retryable
:class:`DeliveryFailed` (the outbox tries again later). Any other 4xx: :class:`DeliveryRefused`
(the receiver will not take it: a dead letter for the administrator). A receiver that processed
the event but whose answer was lost gets it again with the same ``Idempotency-Key``.
"""

from __future__ import annotations

import asyncio
import json
import time
import weakref
from typing import TYPE_CHECKING, Any

from core.api import NOTHING_TO_DELIVER, DeliveryFailed, DeliveryRefused, OutboxEvent

from .connectors import Connector
from .mapping import MAPPERS, envelope
from .signing import signature

if TYPE_CHECKING:
    import httpx  # imported where a delivery is sent: ~0.2 s and ~5 MiB a server that delivers nothing need not pay

RETRYABLE = {408, 425, 429}
_clients: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, httpx.AsyncClient]" = weakref.WeakKeyDictionary()


def client() -> httpx.AsyncClient:
    """One pooled client per event loop (connections are reused between deliveries)."""
    import httpx

    loop = asyncio.get_running_loop()
    found = _clients.get(loop)
    if found is None or found.is_closed:
        found = httpx.AsyncClient(limits=httpx.Limits(max_connections=32), follow_redirects=False)
        _clients[loop] = found
    return found


async def body_for(connector: Connector, event: OutboxEvent, center: Any) -> dict[str, Any] | None:
    if connector.type == "webhook":
        return envelope(event, center)
    return await MAPPERS[connector.type](event, center)


async def send(connector: Connector, event: OutboxEvent, center: Any) -> bool | str:
    """Deliver one event; True when the receiver acknowledged it, ``NOTHING_TO_DELIVER`` when the
    mapping sends nothing (no request, so no delivery to count on the connector)."""
    document = await body_for(connector, event, center)
    if document is None:
        return NOTHING_TO_DELIVER  # nothing this connector reports for this event
    body = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "Idempotency-Key": event.event_id,
        "X-GovHall-Event-Id": event.event_id,
        "X-GovHall-Event-Kind": event.kind,
        "X-GovHall-Timestamp": timestamp,
        **dict(connector.headers),
    }
    if connector.secret:
        headers["X-GovHall-Signature"] = signature(connector.secret, timestamp, body)
    import httpx

    try:
        response = await client().post(connector.url, content=body, headers=headers, timeout=connector.timeout)
    except httpx.TimeoutException as exc:
        raise DeliveryFailed(f"接收方超时（{connector.timeout:g} 秒未应答）") from exc
    except httpx.HTTPError as exc:
        raise DeliveryFailed(f"无法连接接收方（{type(exc).__name__}: {exc}）") from exc
    status = response.status_code
    if 200 <= status < 300:
        return True
    text = response.text[:300]
    if status in RETRYABLE or status >= 500:
        raise DeliveryFailed(f"接收方返回 HTTP {status}：{text}")
    raise DeliveryRefused(f"接收方返回 HTTP {status}：{text}")
