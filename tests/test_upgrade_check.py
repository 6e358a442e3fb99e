"""``govhall serve`` upgrades the database only when :func:`core.plumbing.db.is_up_to_date` says
there is something to do: a migration file not recorded as applied, a recorded one with no file,
or (PostgreSQL) a missing search index. Recorded migrations of apps no longer configured (a plugin
taken out) do not count."""

from __future__ import annotations

import pytest
from tortoise import Tortoise
from tortoise.connection import get_connection

from core.plumbing.db import is_up_to_date, tortoise_config, upgrade

from .conftest import IS_POSTGRES

pytestmark = pytest.mark.anyio


async def _run(config: dict, sql: str) -> None:
    await Tortoise.init(config=config)
    try:
        await get_connection("default").execute_script(sql)
    finally:
        await Tortoise.close_connections()


async def test_only_a_database_with_every_migration_and_index_is_up_to_date(cli_db):
    config = tortoise_config(cli_db)
    assert not await is_up_to_date(config)  # no table yet
    await upgrade(config)
    await Tortoise.close_connections()
    assert await is_up_to_date(config)

    await _run(config, "INSERT INTO tortoise_migrations (app, name, applied_at) VALUES ('gone', '0001_initial', CURRENT_TIMESTAMP)")
    assert await is_up_to_date(config), "a plugin no longer configured leaves its records: nothing to do"
    await _run(config, "INSERT INTO tortoise_migrations (app, name, applied_at) VALUES ('core', '9999_later', CURRENT_TIMESTAMP)")
    assert not await is_up_to_date(config), "a recorded migration without its file: the upgrade decides"
    await _run(config, "DELETE FROM tortoise_migrations WHERE name = '9999_later'")
    assert await is_up_to_date(config)

    if IS_POSTGRES:
        await _run(config, "DROP INDEX gh_case_search_text_trgm")
        assert not await is_up_to_date(config)
        await upgrade(config)
        await Tortoise.close_connections()
        assert await is_up_to_date(config)


async def test_the_check_imports_no_migration_and_a_missing_package_asks_for_the_upgrade(cli_db, monkeypatch):
    import sys

    config = tortoise_config(cli_db)
    await upgrade(config)
    await Tortoise.close_connections()
    for name in [n for n in sys.modules if n.startswith("core.plumbing.migrations.")]:
        monkeypatch.delitem(sys.modules, name)
    assert await is_up_to_date(config)
    assert not [n for n in sys.modules if n.startswith("core.plumbing.migrations.")]
    monkeypatch.setitem(config["apps"]["core"], "migrations", "core.plumbing.no_such_migrations")
    assert not await is_up_to_date(config)
