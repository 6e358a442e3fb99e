"""Telling every app process that what a sign-in depends on has changed (PostgreSQL only).

A request's caller is read from the token, its user, the user's role assignments (with their
centers' and departments' codes) and the configuration's generation. Triggers on those tables send
a notification on :data:`CHANNEL` in the writer's own transaction, so it is delivered when, and
only if, the change commits, whoever made it: a worker, the CLI, another server, SQL by hand. A
new token (a login) changes nothing already known, so inserting one sends nothing.

:class:`ChangeListener` holds one connection of its own (not the pool's) that listens. Its
``epoch`` goes up on every notification and whenever it stops or starts listening, so a cache
built on it (:mod:`core.services.sessions`) can tell that something may have changed while it was
reading. It listens only where the triggers are installed (migration 0015): a database built
another way never has a cache that nothing would clear.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Any

CHANNEL = "govhall_auth"
FUNCTION = "govhall_auth_changed"
# table -> the writes that can change what a sign-in reads from it
WATCHED = {
    "token": "UPDATE OR DELETE",
    "user_account": "UPDATE OR DELETE",
    "role_assignment": "INSERT OR UPDATE OR DELETE",
    "center": "UPDATE OR DELETE",
    "department": "UPDATE OR DELETE",
}
_GENERATION_TRIGGER = "govhall_auth_counter"  # the configuration generation is one row of ``counter``
_CONNECT_ONLY = ("min_size", "max_size", "max_queries", "max_inactive_connection_lifetime", "setup", "init",
                 "reset", "loop", "connection_class", "connection_factory")

log = logging.getLogger("govhall.sessions")


def trigger_names() -> list[str]:
    return [f"govhall_auth_{table}" for table in WATCHED] + [_GENERATION_TRIGGER]


def install_statements() -> list[str]:
    """The function and triggers, idempotent (a re-run replaces them)."""
    statements = [
        f"CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN PERFORM pg_notify('{CHANNEL}', TG_TABLE_NAME); RETURN NULL; END $$",
    ]
    for table, writes in WATCHED.items():
        name = f"govhall_auth_{table}"
        statements.append(f'DROP TRIGGER IF EXISTS {name} ON "{table}"')
        statements.append(f'CREATE TRIGGER {name} AFTER {writes} ON "{table}" FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()')
    statements.append(f'DROP TRIGGER IF EXISTS {_GENERATION_TRIGGER} ON "counter"')
    statements.append(
        f'CREATE TRIGGER {_GENERATION_TRIGGER} AFTER INSERT OR UPDATE ON "counter" FOR EACH ROW '
        f"WHEN (NEW.scope = 'config') EXECUTE FUNCTION {FUNCTION}()"
    )
    return statements


async def install(client: Any) -> None:
    """Create the function and triggers on PostgreSQL (``client``: a Tortoise client); nothing on
    SQLite. The migration calls it; so do the tests after creating the tables directly."""
    if client.capabilities.dialect != "postgres":
        return
    for statement in install_statements():
        await client.execute_script(statement)


async def triggers_installed(conn: Any) -> bool:
    """Whether every trigger is in place (``conn``: an asyncpg connection)."""
    found = await conn.fetchval(
        "SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal AND tgname = ANY($1::text[])", trigger_names(),
    )
    return bool(found == len(trigger_names()))


def connect_arguments(client: Any) -> dict[str, Any]:
    """asyncpg.connect's arguments for a connection like the pool's of Tortoise's ``client``."""
    extra = {k: v for k, v in (client.extra or {}).items() if k not in _CONNECT_ONLY}
    return {"host": client.host, "port": client.port, "user": client.user, "password": client.password,
            "database": client.database, "server_settings": dict(client.server_settings or {}), **extra}


class ChangeListener:
    """Listens on :data:`CHANNEL` on a connection of its own; reconnects after losing it."""

    def __init__(self, connect: Callable[[], Any], *, retry_seconds: float = 2.0) -> None:
        self._connect = connect  # an async callable returning an asyncpg connection
        self.retry_seconds = retry_seconds
        self.epoch = 0
        self.listening = False
        self._task: asyncio.Task[None] | None = None
        self._lost = asyncio.Event()

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="govhall-auth-listener")

    async def stop(self) -> None:
        self._changed(listening=False)
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    def _changed(self, *, listening: bool | None = None) -> None:
        self.epoch += 1
        if listening is not None:
            self.listening = listening

    def _notified(self, *_args: Any) -> None:
        self._changed()

    def changed_here(self) -> None:
        """This process changed something a sign-in reads (see ``forget_sign_ins``)."""
        self._changed()

    def _terminated(self, *_args: Any) -> None:
        self._changed(listening=False)
        self._lost.set()

    async def _run(self) -> None:
        while True:
            conn = None
            try:
                conn = await self._connect()
                if not await triggers_installed(conn):
                    log.info("sign-in cache off: the change triggers are not installed (govhall db upgrade)")
                    return
                self._lost.clear()
                conn.add_termination_listener(self._terminated)
                await conn.add_listener(CHANNEL, self._notified)
                self._changed(listening=True)
                await self._lost.wait()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - the database is away: no cache until it is back
                self._changed(listening=False)
                log.warning("sign-in cache off until the database answers again: %s", exc)
            finally:
                self._changed(listening=False)
                if conn is not None and not conn.is_closed():
                    with contextlib.suppress(Exception):
                        await conn.close(timeout=2)
            await asyncio.sleep(self.retry_seconds)
