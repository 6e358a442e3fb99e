"""Trigram indexes for the clerk's search on PostgreSQL (``pg_trgm``): a GIN index on each text the
search reads (the case number, the applicant's name, the application as text), so a substring of
three characters or more is found through the index instead of by reading every case.

``pg_trgm`` ships with PostgreSQL and is a trusted extension since PostgreSQL 13: the database's
owner may create it. Where it cannot be created (an older server, a role without the right, a
server built without the contrib modules) the installer logs why and creates no index; the search
then reads the cases as it did before the indexes. SQLite has no trigram index: nothing to do."""

from __future__ import annotations

import logging

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.connection import get_connection

log = logging.getLogger("govhall.search")

# index name -> the indexed expression; the search's SQL (core.services.case_search) writes the
# same expressions, so the planner matches them with these indexes.
SEARCH_EXPRESSIONS = {
    "gh_case_number_trgm": "number",
    "gh_case_applicant_name_trgm": "applicant_name",
    "gh_case_data_trgm": "(CAST(data AS TEXT))",
}

CAN_CREATE_SQL = """
SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') AS installed,
  EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm') AS available,
  COALESCE((SELECT rolsuper FROM pg_roles WHERE rolname = current_user), FALSE) AS superuser,
  COALESCE((SELECT v.trusted FROM pg_available_extension_versions v JOIN pg_available_extensions e
            ON e.name = v.name AND e.default_version = v.version WHERE v.name = 'pg_trgm'), FALSE) AS trusted,
  has_database_privilege(current_database(), 'CREATE') AS may_create
"""

# An exception block runs the statement in a subtransaction: a refusal leaves the surrounding
# transaction (a migration's) usable.
CREATE_EXTENSION_SQL = """
DO $$ BEGIN CREATE EXTENSION IF NOT EXISTS pg_trgm;
EXCEPTION WHEN OTHERS THEN RAISE NOTICE 'pg_trgm not created: %', SQLERRM; END $$
"""

PRESENT_SQL = "SELECT COUNT(*) AS n FROM pg_indexes WHERE tablename = 'gh_case' AND indexname IN ({names})".format(
    names=", ".join(f"'{name}'" for name in SEARCH_EXPRESSIONS)
)


def _client(client: BaseDBAsyncClient | None) -> BaseDBAsyncClient:
    return client if client is not None else get_connection("default")


async def _why_not(conn: BaseDBAsyncClient) -> str | None:
    """Why this role cannot create ``pg_trgm`` here (None: it is there or it may be created)."""
    (row,) = await conn.execute_query_dict(CAN_CREATE_SQL)
    if row["installed"]:
        return None
    if not row["available"]:
        return "the server does not have the pg_trgm extension (Debian: the postgresql package ships it)"
    if row["superuser"]:
        return None
    if not row["trusted"]:
        return "pg_trgm is not a trusted extension on this server (PostgreSQL before 13): a superuser must create it"
    if not row["may_create"]:
        return "this role may not create objects in the database: the database owner or a superuser must create it"
    return None


async def install_search_indexes(client: BaseDBAsyncClient | None = None) -> bool:
    """Create ``pg_trgm`` and the search's trigram indexes where missing (idempotent); True when
    they are there. The migration calls it; so do the tests after creating the tables directly.
    On SQLite, and where ``pg_trgm`` cannot be created, False (with a log line saying why)."""
    conn = _client(client)
    if conn.capabilities.dialect != "postgres":
        return False
    reason = await _why_not(conn)
    if reason is None:
        await conn.execute_script(CREATE_EXTENSION_SQL)
        (row,) = await conn.execute_query_dict(CAN_CREATE_SQL)
        if not row["installed"]:
            reason = "CREATE EXTENSION pg_trgm was refused"
    if reason is not None:
        log.warning("办件搜索索引未创建 (no trigram index for the case search): %s. The search reads the "
                    "center's cases for each term instead. After a superuser runs CREATE EXTENSION pg_trgm in "
                    "this database, `govhall db upgrade` creates the indexes.", reason)
        return False
    if await has_search_indexes(conn):
        return True
    for name, expression in SEARCH_EXPRESSIONS.items():
        await conn.execute_script(
            f"CREATE INDEX IF NOT EXISTS {name} ON gh_case USING gin ({expression} gin_trgm_ops)"
        )
    # the planner weighs the index against reading the newest cases by how many cases contain a
    # term: statistics of the indexed expressions, gathered now rather than at the next autovacuum
    await conn.execute_script("ANALYZE gh_case")
    return True


async def has_search_indexes(client: BaseDBAsyncClient | None = None) -> bool:
    """Whether the search's trigram indexes exist (always False on SQLite)."""
    conn = _client(client)
    if conn.capabilities.dialect != "postgres":
        return False
    (row,) = await conn.execute_query_dict(PRESENT_SQL)
    return int(row["n"]) == len(SEARCH_EXPRESSIONS)
