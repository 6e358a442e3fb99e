"""A new database gets the newest schema at once (``core.plumbing.db.create_newest_schema``):
the same tables, columns, indexes, constraints, triggers and functions as replaying every
migration, with every migration recorded, in one transaction. A database that has tables, or an
outside plugin whose migration runs its own SQL, still replays the migrations."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import asyncpg
import pytest
from tortoise import Tortoise
from tortoise.connection import get_connection

from core.plumbing import db
from core.plumbing.db import create_newest_schema, is_up_to_date, tortoise_config, upgrade
from core.services.plugins import make_plugin_manager, plugin_model_apps

from .conftest import IS_POSTGRES, TEST_DATABASE
from .schema_snapshot import differences, schema_snapshot, unique_by_columns

pytestmark = pytest.mark.anyio


async def _new_database(tmp_path, label: str) -> str:
    if not IS_POSTGRES:
        return f"sqlite://{tmp_path / f'{label}.sqlite3'}"
    name = f"govhall_{label}_{uuid.uuid4().hex[:8]}"
    conn = await asyncpg.connect(TEST_DATABASE.replace("postgres://", "postgresql://", 1))
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    _made.append(name)
    return f"{TEST_DATABASE.rpartition('/')[0]}/{name}"


_made: list[str] = []


@pytest.fixture
async def new_database(tmp_path) -> AsyncIterator[object]:
    async def make(label: str) -> str:
        return await _new_database(tmp_path, label)

    yield make
    if _made:
        conn = await asyncpg.connect(TEST_DATABASE.replace("postgres://", "postgresql://", 1))
        try:
            while _made:
                await conn.execute(f'DROP DATABASE IF EXISTS "{_made.pop()}" WITH (FORCE)')
        finally:
            await conn.close()


def _config(url: str) -> dict:
    return tortoise_config(url, plugin_model_apps(make_plugin_manager()))


async def _snapshot_and_records(config: dict) -> tuple[dict, list[tuple[str, str]]]:
    await Tortoise.init(config=config)
    try:
        conn = get_connection("default")
        records = await conn.execute_query_dict("SELECT app, name FROM tortoise_migrations ORDER BY app, name")
        return await schema_snapshot(conn), [(r["app"], r["name"]) for r in records]
    finally:
        await Tortoise.close_connections()


def _as_in_use(snapshot: dict) -> dict:
    """Where a database the migrations built differs from the models, in ways no statement notices:
    ``material.catalogue`` kept the default ``''`` its migration filled old rows with (GovHall
    always writes the column), and on SQLite ``document.public_id`` stayed nullable (GovHall
    always sets it: every document is made with one)."""
    material = snapshot["tables"]["material"]["columns"]
    if IS_POSTGRES:
        material["catalogue"] = (*material["catalogue"][:3], None, *material["catalogue"][4:])
    else:
        material["catalogue"] = (*material["catalogue"][:2], None, *material["catalogue"][3:])
        public_id = snapshot["tables"]["document"]["columns"]["public_id"]
        snapshot["tables"]["document"]["columns"]["public_id"] = (public_id[0], True, *public_id[2:])
    return snapshot


async def test_a_new_database_gets_what_every_migration_builds(new_database):
    replayed, at_once = _config(await new_database("replayed")), _config(await new_database("at_once"))
    applied = await upgrade(replayed, replay=True)
    await Tortoise.close_connections()
    recorded = await upgrade(at_once)
    await Tortoise.close_connections()
    assert sorted(recorded) == sorted(applied), "every migration is recorded"

    (migrated, migrated_records), (newest, newest_records) = await _snapshot_and_records(replayed), await _snapshot_and_records(at_once)
    assert newest_records == migrated_records
    assert len(newest["tables"]) > 40 and "case_day_stat" in newest["tables"]
    assert any("case_day_stat" in trigger for trigger in newest["triggers"]) or any(
        "case_day_stat" in sql for sql in newest["triggers"].values()
    ), "the statistics summary's triggers"
    if IS_POSTGRES:
        assert "gh_case_search_applicant_name_trgm" in newest["tables"]["gh_case_search"]["indexes"]
        assert "pg_trgm" in newest["extensions"]
    found = differences(unique_by_columns(_as_in_use(migrated)), unique_by_columns(newest))
    assert not found, "\n".join(found)

    assert await is_up_to_date(at_once)
    assert await upgrade(at_once) == [], "then nothing is left to apply"
    await Tortoise.close_connections()


async def test_a_database_with_tables_is_left_to_the_migrations(new_database):
    config = _config(await new_database("has_tables"))
    await Tortoise.init(config=config)
    try:
        await get_connection("default").execute_script("CREATE TABLE kept (id INTEGER PRIMARY KEY)")
    finally:
        await Tortoise.close_connections()
    assert await create_newest_schema(config) is None
    tables = (await schema_snapshot(get_connection("default")))["tables"]
    await Tortoise.close_connections()
    assert list(tables) == ["kept"], "nothing created"


async def test_a_failure_leaves_the_database_empty_and_a_second_try_builds_it(new_database, monkeypatch):
    config = _config(await new_database("fails"))

    async def fail(conn) -> None:
        raise RuntimeError("磁盘已满")

    monkeypatch.setattr(db, "_beyond_the_tables", fail)
    with pytest.raises(RuntimeError):
        await create_newest_schema(config)
    left = await schema_snapshot(get_connection("default"))
    await Tortoise.close_connections()
    assert not left["tables"], "the tables went with the transaction (the recorder's own table may stay, empty)"

    monkeypatch.undo()
    assert "core.0001_initial" in await upgrade(config)
    await Tortoise.close_connections()
    assert await is_up_to_date(config)


def test_an_outside_plugins_own_sql_or_code_is_replayed():
    from tortoise.migrations import operations as ops

    class Outside:
        operations = [ops.RunSQL("INSERT INTO queue_ticket DEFAULT VALUES")]

    Outside.__module__ = "govhall_queue.migrations.0002_seed"

    class OutsideModels:
        operations = [ops.AddIndex(model_name="Ticket", index=None)]

    OutsideModels.__module__ = "govhall_queue.migrations.0003_index"

    class Own:
        operations = [ops.RunSQL("SELECT 1")]

    Own.__module__ = "core.plumbing.migrations.0099_own"

    assert not db._replaceable(Outside())
    assert db._replaceable(OutsideModels())
    assert db._replaceable(Own())
