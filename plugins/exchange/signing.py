"""Request signing: ``X-GovHall-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">``.

The receiver recomputes it with the shared secret and refuses a request whose timestamp is too
old; ``Idempotency-Key`` (the event id) lets it drop a delivery it has already processed.
"""

from __future__ import annotations

import hashlib
import hmac


def signature(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify(secret: str, timestamp: str, body: bytes, given: str) -> bool:
    """What a receiver does (the tests' receiver too)."""
    return hmac.compare_digest(signature(secret, timestamp, body), given or "")
