"""The dispatcher as an asyncio task of ``govhall serve`` (every worker: claims never collide)."""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING

from core.services.outbox.dispatch import OutboxConfig, run_dispatcher

if TYPE_CHECKING:
    from core.services.runtime import GovHall


def start_dispatcher(govhall: GovHall) -> asyncio.Task[None] | None:
    """Start delivering unless the settings' ``outbox_seconds`` (``GOVHALL_OUTBOX_SECONDS``) is 0."""
    config = OutboxConfig.from_env(poll_seconds=govhall.settings.outbox_seconds)
    if config.poll_seconds <= 0:
        return None
    return asyncio.create_task(run_dispatcher(govhall, config))


async def stop_dispatcher(task: asyncio.Task[None] | None) -> None:
    if task is None:
        return
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
