"""Calling the hall floor's own hooks after a change is committed: a failing listener is logged,
never undoes the change."""

from __future__ import annotations

import logging
from typing import Any

from core.api import Center, acall

log = logging.getLogger("govhall.hall_floor")


async def announce(govhall: Any, center: Center, hook: str, **kwargs: Any) -> None:
    try:
        await acall(getattr(govhall.hub.for_center(center), hook), center=center, **kwargs)
    except Exception:  # noqa: BLE001 - committed already
        log.exception("%s failed in %s", hook, center.code)
