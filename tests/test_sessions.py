"""The sign-in cache (core.services.sessions): a process keeps what a token's read returned, and
drops it as soon as anything it depends on changes, whoever changes it; never stale longer than its
lifetime; nothing kept while nothing listens, nor on SQLite."""

from __future__ import annotations

import asyncio
from typing import Any

import asyncpg
import pytest

from core.plumbing.auth_changes import ChangeListener, connect_arguments, install_statements
from core.services import accounts
from core.services.sessions import SessionCache, start_session_cache, stop_session_cache
from tests.conftest import IS_POSTGRES
from tests.helpers import PASSWORD, make_center, make_user
from tests.test_accounts import LOGIN, ME
from tests.test_graphql_loaders import counted_statements

pytestmark = pytest.mark.anyio


class StillListener:
    """A listener that is told, not connected: for the cache's own rules."""

    def __init__(self) -> None:
        self.epoch = 0
        self.listening = True

    def changed_here(self) -> None:
        self.epoch += 1


def test_rows_read_while_something_changed_are_not_kept() -> None:
    listener = StillListener()
    cache = SessionCache(listener, seconds=60)  # type: ignore[arg-type]
    epoch = cache.epoch()
    listener.changed_here()  # a notification arrives while the token is being read
    cache.keep("t", [{"id": 1}], epoch)
    assert cache.get("t") is None
    cache.keep("t", [{"id": 1}], cache.epoch())
    assert cache.get("t") == [{"id": 1}]
    listener.changed_here()  # anything changes: everything kept before is dropped
    assert cache.get("t") is None


def test_nothing_is_kept_while_not_listening_nor_past_its_lifetime() -> None:
    listener = StillListener()
    listener.listening = False
    cache = SessionCache(listener, seconds=60)  # type: ignore[arg-type]
    assert cache.epoch() is None
    cache.keep("t", [{"id": 1}], None)
    assert cache.get("t") is None
    listener.listening = True
    expired = SessionCache(listener, seconds=0)  # type: ignore[arg-type]
    expired.keep("t", [{"id": 1}], expired.epoch())
    assert expired.get("t") is None


async def test_sqlite_keeps_nothing(app, govhall):
    if IS_POSTGRES:
        pytest.skip("SQLite only")
    assert govhall.sessions is None


# ------------------------------------------------------------------------------- PostgreSQL


async def _listening(govhall: Any) -> SessionCache:
    """The app's cache, started again now that the test schema (with its triggers) exists."""
    await stop_session_cache(govhall)
    cache = await start_session_cache(govhall)
    assert cache is not None
    for _ in range(500):
        if cache.listener.listening:
            return cache
        await asyncio.sleep(0.01)
    raise AssertionError("the listener never listened")


async def _another_process(sql: str, *args: Any) -> None:
    """A change made on a connection of its own, as another worker or the CLI would make it."""
    from tortoise.connection import get_connection

    conn = await asyncpg.connect(**connect_arguments(get_connection("default")))
    try:
        await conn.execute(sql, *args)
    finally:
        await conn.close()


async def _until(check: Any) -> None:
    for _ in range(500):
        if await check():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the change was never seen")


async def _signed_in(gql: Any) -> str:
    center = await make_center()
    await make_user("clerk1", center, "clerk")
    await make_user("clerk1", center, "reviewer", "scjg")
    return (await gql(LOGIN, {"u": "clerk1", "p": PASSWORD}))["login"]["token"]


@pytest.mark.postgres_only
async def test_a_kept_sign_in_costs_no_statement(app, govhall, gql, monkeypatch):
    await _listening(govhall)
    token = await _signed_in(gql)
    assert (await gql(ME, token=token))["me"]["username"] == "clerk1"
    with counted_statements(monkeypatch) as statements:
        assert (await gql(ME, token=token))["me"]["username"] == "clerk1"
    assert statements == []


@pytest.mark.postgres_only
async def test_a_token_revoked_elsewhere_is_refused(app, govhall, gql):
    await _listening(govhall)
    token = await _signed_in(gql)
    assert (await gql(ME, token=token))["me"] is not None
    await _another_process("UPDATE token SET revoked_at = now()")

    async def refused() -> bool:
        return (await gql(ME, token=token))["me"] is None

    await _until(refused)


@pytest.mark.postgres_only
async def test_logging_out_here_is_seen_by_the_next_request_at_once(app, govhall, gql):
    await _listening(govhall)
    token = await _signed_in(gql)
    assert (await gql(ME, token=token))["me"] is not None
    assert (await gql("mutation { logout { ok } }", token=token))["logout"]["ok"]
    assert (await gql(ME, token=token))["me"] is None


@pytest.mark.postgres_only
async def test_roles_changed_elsewhere_show_and_the_generation_follows(app, govhall, gql):
    cache = await _listening(govhall)
    token = await _signed_in(gql)
    assert len((await gql(ME, token=token))["me"]["roles"]) == 2
    await _another_process("DELETE FROM role_assignment WHERE role = 'reviewer'")

    async def one_role() -> bool:
        return len((await gql(ME, token=token))["me"]["roles"]) == 1

    await _until(one_role)
    before = (await accounts.authenticate(token, cache)).config_generation or 0
    await _another_process(
        "INSERT INTO counter (scope, value) VALUES ('config', $1) ON CONFLICT (scope) DO UPDATE SET value = $1", before + 5,
    )

    async def new_generation() -> bool:
        return (await accounts.authenticate(token, cache)).config_generation == before + 5

    await _until(new_generation)


@pytest.mark.postgres_only
async def test_without_the_triggers_nothing_is_kept(app, govhall):
    from tortoise.connection import get_connection

    client = get_connection("default")
    await client.execute_script('DROP TRIGGER govhall_auth_token ON "token"')
    try:
        listener = ChangeListener(lambda: asyncpg.connect(**connect_arguments(client)), retry_seconds=0.01)
        listener.start()
        await asyncio.sleep(0.3)
        assert not listener.listening
        await listener.stop()
    finally:
        for statement in install_statements():
            await client.execute_script(statement)


@pytest.mark.postgres_only
async def test_a_lost_listening_connection_stops_keeping_until_it_is_back(app, govhall, gql):
    cache = await _listening(govhall)
    token = await _signed_in(gql)
    await gql(ME, token=token)
    await _another_process(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN%' AND datname = current_database() AND pid <> pg_backend_pid()"
    )

    async def stopped() -> bool:
        return not cache.listener.listening

    await _until(stopped)
    assert cache.epoch() is None
    await _until(lambda: asyncio.sleep(0, result=cache.listener.listening))


@pytest.mark.postgres_only
def test_db_upgrade_installs_the_change_triggers(cli_db):
    """Migration 0015: an upgraded database has every trigger the sign-in cache needs to listen."""
    from tests.cli import run

    upgraded = run(["db", "upgrade"], cli_db)
    assert upgraded.returncode == 0, upgraded.stderr
    assert "core.0015_auth_change_notices" in upgraded.stdout

    async def installed() -> bool:
        from core.plumbing.auth_changes import triggers_installed

        conn = await asyncpg.connect(cli_db)
        try:
            return await triggers_installed(conn)
        finally:
            await conn.close()

    assert asyncio.run(installed())
