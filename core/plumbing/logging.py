"""Structured logs: one JSON line per request (``govhall.access``) and per security event
(``govhall.security``: a failed login, a refused permission, a refused limit).

Nothing secret or personal is written: no query strings (a link may carry a token), no request
bodies or headers, and every value passes :func:`scrub`, which blanks anything shaped like a
bearer token or a resident identity number. Users appear by their numeric id.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
from collections.abc import Awaitable, Callable, MutableMapping
from datetime import datetime, timezone
from typing import Any

ACCESS_LOGGER = "govhall.access"
SECURITY_LOGGER = "govhall.security"

_RESIDENT_ID = re.compile(r"(?<![0-9A-Za-z])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])\d{2}\d{3}[\dXx](?![0-9A-Za-z])")
_TOKEN_LIKE = re.compile(r"[A-Za-z0-9_\-]{32,}")  # secrets.token_urlsafe(32) is 43 such characters
_REDACTED = "[redacted]"

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def scrub(value: Any) -> Any:
    """``value`` with token-shaped strings and resident identity numbers blanked (recursively)."""
    if isinstance(value, str):
        return _TOKEN_LIKE.sub(_REDACTED, _RESIDENT_ID.sub(_REDACTED, value))
    if isinstance(value, dict):
        return {str(k): scrub(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [scrub(v) for v in value]
    return value


class JsonLineFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, event and the event's fields."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": scrub(record.getMessage()),
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            line.update(scrub(fields))
        return json.dumps(line, ensure_ascii=False, default=str)


def security_event(kind: str, **fields: Any) -> None:
    """Log one security event (``login_failed``, ``permission_refused``, ``limit_refused``...)."""
    logging.getLogger(SECURITY_LOGGER).warning(kind, extra={"fields": scrub(fields)})


def configure_logging() -> None:
    """Send the access and security loggers to stderr as JSON lines (once per process)."""
    for name in (ACCESS_LOGGER, SECURITY_LOGGER):
        logger = logging.getLogger(name)
        if any(getattr(h, "_govhall", False) for h in logger.handlers):
            continue
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonLineFormatter())
        handler._govhall = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = True  # tests and outer logging setups see the records too


class AccessLog:
    """ASGI middleware: after each HTTP response, one ``request`` line with method, path (never the
    query string), status, duration and response size."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.log = logging.getLogger(ACCESS_LOGGER)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        seen: dict[str, int] = {"status": 500, "bytes": 0}

        async def sending(message: MutableMapping[str, Any]) -> None:
            if message["type"] == "http.response.start":
                seen["status"] = message["status"]
            elif message["type"] == "http.response.body":
                seen["bytes"] += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            client = scope.get("client")
            self.log.info("request", extra={"fields": scrub({
                "method": scope.get("method"),
                "path": scope.get("path"),
                "status": seen["status"],
                "ms": round((time.perf_counter() - started) * 1000, 1),
                "bytes": seen["bytes"],
                "client": client[0] if client else None,
            })})
