"""SMS through the center's ``send_notification`` hook (the core's default records it). Sent after
the change is committed; a failure is logged, the change stands."""

from __future__ import annotations

import logging
from typing import Any

from core.api import Case, Center, acall_first

log = logging.getLogger("govhall.hall_floor")


async def send_sms(govhall: Any, center: Center, recipient: str, text: str, case: Case | None = None) -> str | None:
    try:
        hooks = govhall.hub.for_center(center)
        return await acall_first(hooks.send_notification, center=center, recipient=recipient, text=text, case=case)
    except Exception:  # noqa: BLE001 - committed already; tell the log, not the user
        log.exception("SMS to %s failed", recipient[-4:])
        return None
