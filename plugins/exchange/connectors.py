"""Connectors: where a center's events go, read from its center file (``settings.exchange``).

::

    "settings": {"exchange": {"connectors": [
        {"name": "city-supervision", "type": "supervision", "url": "https://…/feed",
         "secretEnv": "GOVHALL_EXCHANGE_CITY_SECRET", "events": ["case.*", "alert.*"], "timeout": 10}
    ]}}

``type``: ``webhook`` (the event as it is), ``haochaping`` (好差评 push) or ``supervision``
(电子监察 feed); ``events``: kinds or ``prefix.*`` patterns (default: what the type maps);
``secret`` or ``secretEnv`` (the name of an environment variable holding it) signs each request.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

PLUGIN = "exchange"
TYPES = ("webhook", "haochaping", "supervision")
TYPE_LABELS = {"webhook": "通用推送", "haochaping": "好差评", "supervision": "电子监察"}
DEFAULT_EVENTS: dict[str, tuple[str, ...]] = {
    "webhook": ("*",),
    "haochaping": ("rating.submitted", "complaint.published", "complaint.verified"),
    "supervision": ("case.*", "alert.*"),
}


@dataclass(frozen=True)
class Connector:
    name: str
    type: str
    url: str
    secret: str
    events: tuple[str, ...]
    timeout: float
    headers: tuple[tuple[str, str], ...] = ()
    secret_env: str = ""  # the environment variable the secret is read from, when the file names one

    @property
    def target(self) -> str:
        return f"{PLUGIN}:{self.name}"

    def wants(self, kind: str) -> bool:
        return any(fnmatch.fnmatchcase(kind, pattern) for pattern in self.events)


def _connector(raw: Mapping[str, Any]) -> Connector | None:
    kind = raw.get("type")
    name, url = raw.get("name"), raw.get("url")
    if kind not in TYPES or not isinstance(name, str) or not isinstance(url, str) or not url:
        return None
    secret = raw.get("secret") or (os.environ.get(str(raw["secretEnv"]), "") if raw.get("secretEnv") else "")
    events = raw.get("events") or DEFAULT_EVENTS[kind]
    headers = raw.get("headers") if isinstance(raw.get("headers"), Mapping) else {}
    return Connector(
        name=name, type=kind, url=url, secret=str(secret), events=tuple(str(e) for e in events),
        timeout=float(raw.get("timeout") or 10), headers=tuple((str(k), str(v)) for k, v in headers.items()),
        secret_env=str(raw["secretEnv"]) if raw.get("secretEnv") and not raw.get("secret") else "",
    )


def connectors(center: Any) -> list[Connector]:
    """The center's connectors (malformed entries are left out; the center file's schema refuses them)."""
    settings = (getattr(center, "settings", None) or {}).get("exchange") or {}
    found = settings.get("connectors") if isinstance(settings, Mapping) else None
    if not isinstance(found, Sequence):
        return []
    return [c for c in (_connector(raw) for raw in found if isinstance(raw, Mapping)) if c is not None]


def find(center: Any, target: str) -> Connector | None:
    return next((c for c in connectors(center) if c.target == target), None)
