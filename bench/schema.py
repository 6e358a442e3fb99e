"""The schema a benchmark measures against: the tables, and what the migrations add beyond them
(the statistics summary's triggers, the search's trigram indexes, the sign-in change triggers), so
a benchmark pays for every trigger and index an installed GovHall pays for, and runs with the
app's sign-in cache as a server on PostgreSQL does."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from tortoise.connection import get_connection

from core.plumbing.db import create_schema_directly
from core.plumbing.settings import Settings
from core.services.outbox.dispatch import OutboxConfig, run_dispatcher
from core.services.outbox.lifespan import stop_dispatcher
from core.services.sessions import start_session_cache, stop_session_cache


async def fresh_schema(govhall: Any) -> None:
    """Drop everything (PostgreSQL: the public schema), create the tables, their triggers and
    indexes, then start the app's sign-in cache again now that its triggers exist."""
    conn = get_connection("default")
    if conn.capabilities.dialect == "postgres":
        await conn.execute_script("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    await create_schema_directly()
    await stop_session_cache(govhall)
    cache = await start_session_cache(govhall)
    for _ in range(300):
        if cache is None or cache.listener.listening:
            return
        await asyncio.sleep(0.01)


@asynccontextmanager
async def delivering(govhall: Any, poll_seconds: float = Settings().outbox_seconds) -> AsyncIterator[None]:
    """The outbox dispatcher, as ``govhall serve`` runs it beside the requests, started once
    :func:`fresh_schema` has made its table: a benchmark's app is created with ``outbox_seconds=0``,
    or its lifespan would start the dispatcher on a database without tables."""
    task = asyncio.create_task(run_dispatcher(govhall, OutboxConfig.from_env(poll_seconds=poll_seconds)))
    try:
        yield
    finally:
        await stop_dispatcher(task)
