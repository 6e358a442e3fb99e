"""Migrations core 0013 and 0022: the search table and its trigram indexes exist after ``govhall db
upgrade`` on PostgreSQL (and the search's SQL can use them), and 0013's indexes on ``gh_case`` are
gone; SQLite gets none; a role that may not create ``pg_trgm`` gets a log line saying so and no
index."""

from __future__ import annotations

import logging
import uuid

import pytest
from tortoise import Tortoise
from tortoise.migrations.api import migrate
from tortoise.transactions import in_transaction

from core.plumbing.db import tortoise_config
from core.plumbing.models import Case, Center, Item, ItemVersion, User
from tests.helpers import create_in_older_schema
from core.plumbing.sql import for_dialect
from core.plumbing.search_index import SEARCH_EXPRESSIONS, has_search_indexes, install_search_indexes
from core.services import case_search

from .conftest import IS_POSTGRES, TEST_DATABASE

pytestmark = pytest.mark.anyio


async def plan(sql: str, args: list) -> str:
    """The plan of ``sql`` without sequential or plain index scans (a tiny table is cheapest read
    whole): a bitmap scan of each trigram index shows the search's expressions are the indexes'."""
    async with in_transaction() as tx:
        await tx.execute_script("SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off")
        found = await tx.execute_query_dict("EXPLAIN " + for_dialect(sql, postgres=True), args)
    return "\n".join(r["QUERY PLAN"] for r in found)


async def test_upgrade_adds_the_trigram_indexes(cli_db):
    config = tortoise_config(cli_db)
    await migrate(config=config, target="core.0012_rating_channel")
    await Tortoise.init(config=config)
    try:
        center = await Center.create(code="trgm", name="索引测试中心", short_name="TG")
        user = await User.create(username="trgm", password_hash="-")
        item = await Item.create(center=center, code="trgm")
        version = await ItemVersion.create(item=item, center=center, code="trgm", version=1, name="事项", definition={})
        await create_in_older_schema(Case, number="TG-000001", center=center, item_version=version, process="standard", applicant=user,
                          kind="promised", state="submitted", applicant_name="欧阳王芳华", data={"uscc": "91310115591693856A"})
        assert not await has_search_indexes()
    finally:
        await Tortoise.close_connections()

    await migrate(config=config)
    await Tortoise.init(config=config)
    try:
        assert await has_search_indexes() == IS_POSTGRES
        center_id = (await Center.get(code="trgm")).id
        case_search.forget_search_indexes()
        assert await case_search.matching_case_ids(center_id, "王芳华") == [1]
        assert await case_search.matching_case_ids(center_id, "1693856a") == [1]
        if IS_POSTGRES:
            for like in ("ILIKE", "LIKE"):  # LIKE for a term without cased letters: the same indexes
                match = case_search.TRIGRAM_MATCH.format(like=like)
                found = await plan("SELECT case_id FROM gh_case_search WHERE " + match, ["%王芳华%"] * 3)
                for name in SEARCH_EXPRESSIONS:
                    assert f"Bitmap Index Scan on {name}" in found, found
                whole = await plan("SELECT case_id FROM gh_case_search WHERE " + case_search.WHOLE_MATCH.format(like=like), ["王芳"] * 2)
                assert "Bitmap Index Scan on gh_case_search_applicant_name_trgm" in whole, whole
            indexes = await Tortoise.get_connection("default").execute_query_dict(
                "SELECT indexname FROM pg_indexes WHERE tablename = 'gh_case' AND indexname LIKE '%trgm'")
            assert indexes == [], "0022 dropped 0013's indexes on gh_case"
            # applying it again changes nothing
            assert await install_search_indexes()
    finally:
        case_search.forget_search_indexes()
        await Tortoise.close_connections()


@pytest.mark.postgres_only
async def test_a_role_that_may_not_create_pg_trgm_gets_a_log_line_and_no_index(caplog):
    import asyncpg
    from tortoise.backends.asyncpg import AsyncpgDBClient

    admin = TEST_DATABASE.replace("postgres://", "postgresql://", 1)
    suffix = uuid.uuid4().hex[:8]
    role, database = f"govhall_plain_{suffix}", f"govhall_trgm_{suffix}"
    conn = await asyncpg.connect(admin)
    await conn.execute(f'CREATE ROLE "{role}" LOGIN NOSUPERUSER')
    await conn.execute(f'CREATE DATABASE "{database}"')
    await conn.close()
    conn = await asyncpg.connect(f"{admin.rpartition('/')[0]}/{database}")
    await conn.execute(f'CREATE TABLE gh_case (id SERIAL PRIMARY KEY, number TEXT, applicant_name TEXT, data JSONB)'
                       f'; ALTER TABLE gh_case OWNER TO "{role}"')
    await conn.close()
    address = admin.split("@", 1)[1].rpartition("/")[0]
    host, _, port = address.partition(":")
    client = AsyncpgDBClient(connection_name="plain", host=host, port=int(port or 5432), user=role, password="",
                             database=database)
    try:
        with caplog.at_level(logging.WARNING, logger="govhall.search"):
            assert await install_search_indexes(client) is False
        assert "pg_trgm" in caplog.text and "may not create" in caplog.text
        assert not await has_search_indexes(client)
    finally:
        await client.close()
        conn = await asyncpg.connect(admin)
        await conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        await conn.execute(f'DROP ROLE IF EXISTS "{role}"')
        await conn.close()
