"""Who a token belongs to, kept by an app process between requests (PostgreSQL).

Every signed-in request starts by reading its token, user and roles: one round trip to the
database, as much as the rest of a small query. On PostgreSQL the app keeps what that read
returned, per token, while :class:`core.plumbing.auth_changes.ChangeListener` listens: any commit
that revokes a token, changes a user, a role, a center's or department's code or the
configuration's generation notifies every process, and everything kept before it is dropped. An
entry also lasts at most ``seconds`` (``GOVHALL_SESSION_CACHE_SECONDS``), which bounds how stale it
could be should notifications stop without the connection dropping. Nothing is kept while the
listener is not listening, nor on SQLite (commands in other processes could not tell this one).

The token's expiry and the user's state are checked at every request from what is kept; what is
kept are the rows as read, and each request builds its own caller from them.
"""

from __future__ import annotations

import time
import weakref
from typing import TYPE_CHECKING, Any

from core.plumbing.auth_changes import ChangeListener, connect_arguments

if TYPE_CHECKING:
    from core.services.runtime import GovHall


_live: weakref.WeakSet[SessionCache] = weakref.WeakSet()


def forget_sign_ins() -> None:
    """Drop what this process keeps, at once: called where the core itself revokes a token or
    changes a user, a role or the configuration, so its own next request cannot meet what it
    kept before (the notification, which tells every process, arrives a moment later)."""
    for cache in list(_live):
        cache.listener.changed_here()


class SessionCache:
    """The rows of up to ``size`` tokens (about 2 KB each), each for ``seconds`` at most."""

    def __init__(self, listener: ChangeListener, *, seconds: float, size: int = 2_000) -> None:
        self.listener = listener
        self.seconds = seconds
        self.size = size
        self._entries: dict[str, tuple[int, float, list[dict[str, Any]]]] = {}
        _live.add(self)

    def epoch(self) -> int | None:
        """Taken before reading the database: :meth:`keep` keeps the rows only if nothing was
        notified meanwhile. None when nothing may be kept now."""
        return self.listener.epoch if self.listener.listening else None

    def get(self, key: str) -> list[dict[str, Any]] | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        epoch, until, rows = entry
        if epoch != self.listener.epoch or not self.listener.listening or time.monotonic() >= until:
            del self._entries[key]
            return None
        return rows

    def keep(self, key: str, rows: list[dict[str, Any]], epoch: int | None) -> None:
        if epoch is None or epoch != self.listener.epoch or not self.listener.listening:
            return
        if len(self._entries) >= self.size:
            self._entries.clear()
        self._entries[key] = (epoch, time.monotonic() + self.seconds, rows)


async def start_session_cache(govhall: GovHall) -> SessionCache | None:
    """Keep sign-ins on PostgreSQL unless turned off; None otherwise. Call inside the database's
    lifetime; :func:`stop_session_cache` ends it."""
    from tortoise.connection import get_connection

    seconds = govhall.settings.session_cache_seconds
    client = get_connection("default")
    if seconds <= 0 or client.capabilities.dialect != "postgres":
        return None
    import asyncpg

    arguments = connect_arguments(client)

    async def connect() -> Any:
        return await asyncpg.connect(**arguments)

    listener = ChangeListener(connect)
    listener.start()
    govhall.sessions = SessionCache(listener, seconds=seconds)
    return govhall.sessions


async def stop_session_cache(govhall: GovHall) -> None:
    if govhall.sessions is not None:
        await govhall.sessions.listener.stop()
        govhall.sessions = None
