"""Security headers on every HTTP response (ASGI middleware).

The Content-Security-Policy is the one ``web/index.html`` declares, plus ``frame-ancestors 'none'``
(no page may frame GovHall: clickjacking), which a ``<meta>`` tag cannot set. GraphiQL (development
only) loads its scripts and styles from unpkg.com and runs inline scripts, so that one page gets a
policy that allows them. A PDF gets only ``frame-ancestors``: browsers show PDFs in a built-in viewer
that a document policy (``object-src 'none'``) could block. A response that sets a policy of its own
(the public verification page, stricter still) keeps it, with ``frame-ancestors 'none'`` added.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

from core.plumbing.logging import ASGIApp, Receive, Scope, Send

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
GRAPHIQL_POLICY = (
    "default-src 'self'; img-src 'self' data: https://unpkg.com; style-src 'self' 'unsafe-inline' https://unpkg.com; "
    "script-src 'self' 'unsafe-inline' https://unpkg.com; font-src 'self' data: https://unpkg.com; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
PDF_POLICY = "frame-ancestors 'none'"
HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
)


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def sending(message: MutableMapping[str, Any]) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"content-security-policy"]
                own = next((v for k, v in message.get("headers", []) if k.lower() == b"content-security-policy"), None)
                present = {k.lower() for k, _ in headers}
                content_type = next((v for k, v in headers if k.lower() == b"content-type"), b"")
                graphiql = scope.get("path") == "/graphql" and content_type.startswith(b"text/html")
                policy = CONTENT_SECURITY_POLICY
                if own is not None:  # a page with a policy of its own (the public /verify page) keeps it
                    policy = own.decode("latin-1")
                    if "frame-ancestors" not in policy:
                        policy = policy.rstrip("; ") + "; frame-ancestors 'none'"
                elif graphiql:
                    policy = GRAPHIQL_POLICY
                elif content_type.startswith(b"application/pdf"):
                    policy = PDF_POLICY
                headers.append((b"content-security-policy", policy.encode()))
                headers.extend((k, v) for k, v in HEADERS if k not in present)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, sending)
