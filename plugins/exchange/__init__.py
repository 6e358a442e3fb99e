"""Exchange (数据交换): a center's events to the platforms above the county.

Connectors in the center file (``settings.exchange.connectors``, see :mod:`.connectors`) subscribe
to outbox events; the core's dispatcher hands each event to each subscribed connector, which posts
it over HTTP signed with HMAC-SHA256 and keyed by the event id (:mod:`.delivery`): a plain webhook,
the 好差评 push and the 电子监察 feed (:mod:`.mapping`, documented in docs/exchange.md).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from core.api import hookimpl

from .connectors import PLUGIN, connectors, find
from .delivery import send
from .graphql import Query

__all__ = ["PLUGIN"]


@hookimpl
def register_title() -> str:
    return "数据交换"


@hookimpl
def event_targets(center: Any, kind: str) -> list[str] | None:
    if center is None:
        return None
    return [c.target for c in connectors(center) if c.wants(kind)] or None


@hookimpl
def deliver_event(center: Any, target: str, event: Any) -> Any:
    """Only this plugin's targets: a plain ``def`` that declines others with ``None``."""
    if center is None or not target.startswith(f"{PLUGIN}:"):
        return None
    connector = find(center, target)
    if connector is None:
        return None
    return send(connector, event, center)


@hookimpl
def register_graphql() -> Mapping[str, Sequence[type]]:
    """``exchangeConnectors``: the center's connectors and what became of their deliveries."""
    return {"query": [Query]}
