"""The clerk's search table on PostgreSQL (``pg_trgm``): ``gh_case_search`` holds each case's number,
applicant's name and application as text, with a GIN trigram index on each, so a substring of
three characters or more is found through an index instead of by reading every case.

The texts live in a table of their own, kept by triggers on ``gh_case``, rather than as trigram
indexes on ``gh_case`` itself: PostgreSQL writes every index of a row again whenever an update
cannot stay on the row's page without touching an indexed column, and every transition changes
the case's state. A trigram index on the application re-inserted each of its trigrams at every
accept, assignment, decision and sweep: for a 1.7 KB form about 0.3 ms of the database's time per
update, 25 times the update itself. The search table is written when a case is filed and when its
number, applicant's name or application changes, never by a transition that changes none of them.
Its triggers decide in their function, not in a ``WHEN`` clause, so they name no column a later
migration might retype.

``pg_trgm`` ships with PostgreSQL and is a trusted extension since PostgreSQL 13: the database's
owner may create it. Where it cannot be created (an older server, a role without the right, a
server built without the contrib modules) the installer logs why and creates no table; the search
then reads the cases. SQLite has no trigram index: nothing to do."""

from __future__ import annotations

import logging

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.connection import get_connection

log = logging.getLogger("govhall.search")

TABLE = "gh_case_search"

# index name -> the indexed column of the search table; the search's SQL (core.services.case_search)
# matches the same columns.
SEARCH_EXPRESSIONS = {
    "gh_case_search_number_trgm": "number",
    "gh_case_search_applicant_name_trgm": "applicant_name",
    "gh_case_search_text_trgm": "text",
}
TRIGGERS = ("govhall_case_search_insert", "govhall_case_search_update")

# The form migration 0013 installed: trigram indexes on ``gh_case`` itself, replaced by the search
# table in migration 0022 (a migration keeps installing its own form, so replaying it on an old
# database does what it did then).
CASE_COLUMN_INDEXES = {
    "gh_case_number_trgm": "number",
    "gh_case_applicant_name_trgm": "applicant_name",
    "gh_case_data_trgm": "(CAST(data AS TEXT))",
}

TABLE_SQL = f"""
CREATE TABLE IF NOT EXISTS {TABLE} (
  case_id INT NOT NULL PRIMARY KEY REFERENCES gh_case (id) ON DELETE CASCADE,
  center_id INT NOT NULL,
  number TEXT,
  applicant_name TEXT,
  text TEXT
);
COMMENT ON TABLE {TABLE} IS 'The clerk''s search: each case''s number, applicant''s name and application as text, kept by triggers on gh_case';
CREATE INDEX IF NOT EXISTS {TABLE}_center ON {TABLE} (center_id, case_id);
CREATE OR REPLACE FUNCTION govhall_case_search() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.number IS NOT DISTINCT FROM NEW.number
     AND OLD.applicant_name IS NOT DISTINCT FROM NEW.applicant_name
     AND OLD.center_id IS NOT DISTINCT FROM NEW.center_id AND OLD.data IS NOT DISTINCT FROM NEW.data THEN
    RETURN NULL;
  END IF;
  INSERT INTO {TABLE} (case_id, center_id, number, applicant_name, text)
  VALUES (NEW.id, NEW.center_id, NEW.number, NEW.applicant_name, CAST(NEW.data AS TEXT))
  ON CONFLICT (case_id) DO UPDATE SET center_id = EXCLUDED.center_id, number = EXCLUDED.number,
    applicant_name = EXCLUDED.applicant_name, text = EXCLUDED.text;
  RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS govhall_case_search_insert ON gh_case;
CREATE TRIGGER govhall_case_search_insert AFTER INSERT ON gh_case FOR EACH ROW EXECUTE FUNCTION govhall_case_search();
DROP TRIGGER IF EXISTS govhall_case_search_update ON gh_case;
CREATE TRIGGER govhall_case_search_update AFTER UPDATE ON gh_case FOR EACH ROW EXECUTE FUNCTION govhall_case_search();
"""

# Every case's texts (the bulk load of a benchmark, which loads with the triggers off, and an
# existing database's first install): rows already there are brought up to date.
FILL_SQL = f"""
INSERT INTO {TABLE} (case_id, center_id, number, applicant_name, text)
SELECT id, center_id, number, applicant_name, CAST(data AS TEXT) FROM gh_case
ON CONFLICT (case_id) DO UPDATE SET center_id = EXCLUDED.center_id, number = EXCLUDED.number,
  applicant_name = EXCLUDED.applicant_name, text = EXCLUDED.text
"""

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

PRESENT_SQL = (
    "SELECT (SELECT COUNT(*) FROM pg_indexes WHERE tablename = '{table}' AND indexname IN ({names})) AS n,"
    " (SELECT COUNT(*) FROM pg_trigger WHERE NOT tgisinternal AND tgname IN ({triggers})"
    " AND tgrelid = to_regclass('gh_case')) AS triggers"
).format(table=TABLE, names=", ".join(f"'{name}'" for name in SEARCH_EXPRESSIONS),
         triggers=", ".join(f"'{name}'" for name in TRIGGERS))


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


async def _pg_trgm(conn: BaseDBAsyncClient) -> bool:
    """Create ``pg_trgm`` where it may be; True when it is there, else False with a log line."""
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
    return True


async def install_search_indexes(client: BaseDBAsyncClient | None = None) -> bool:
    """Create ``pg_trgm``, the search table with its triggers, rows and trigram indexes where
    missing, and drop the trigram indexes an earlier form put on ``gh_case`` (idempotent); True
    when the search can use them. Migration 0022 calls it; so does a new database's schema
    (:func:`core.plumbing.db.create_newest_schema`) and ``govhall db upgrade`` where ``pg_trgm``
    could not be created before. On SQLite, and where ``pg_trgm`` cannot be created, False (with
    a log line saying why)."""
    conn = _client(client)
    if conn.capabilities.dialect != "postgres" or not await _pg_trgm(conn):
        return False
    if await has_search_indexes(conn):
        return True
    await conn.execute_script(TABLE_SQL)
    await conn.execute_query(FILL_SQL)
    for name, column in SEARCH_EXPRESSIONS.items():
        await conn.execute_script(f"CREATE INDEX IF NOT EXISTS {name} ON {TABLE} USING gin ({column} gin_trgm_ops)")
    for name in CASE_COLUMN_INDEXES:
        await conn.execute_script(f"DROP INDEX IF EXISTS {name}")
    # the planner weighs the index against reading the newest cases by how many cases contain a
    # term: statistics of the indexed columns, gathered now rather than at the next autovacuum
    await conn.execute_script(f"ANALYZE {TABLE}")
    return True


async def fill_search_table(client: BaseDBAsyncClient | None = None) -> None:
    """Bring every case's row of the search table up to date (after loading cases with the triggers
    off); nothing where there is no search table."""
    conn = _client(client)
    if conn.capabilities.dialect == "postgres" and await has_search_indexes(conn):
        await conn.execute_query(FILL_SQL)


async def install_case_column_indexes(client: BaseDBAsyncClient | None = None) -> bool:
    """Migration 0013's form: trigram indexes on ``gh_case``'s own columns (see
    :data:`CASE_COLUMN_INDEXES`). Only that migration calls it."""
    conn = _client(client)
    if conn.capabilities.dialect != "postgres" or not await _pg_trgm(conn):
        return False
    for name, expression in CASE_COLUMN_INDEXES.items():
        await conn.execute_script(f"CREATE INDEX IF NOT EXISTS {name} ON gh_case USING gin ({expression} gin_trgm_ops)")
    await conn.execute_script("ANALYZE gh_case")
    return True


async def has_search_indexes(client: BaseDBAsyncClient | None = None) -> bool:
    """Whether the search table's trigram indexes and triggers exist (always False on SQLite)."""
    conn = _client(client)
    if conn.capabilities.dialect != "postgres":
        return False
    (row,) = await conn.execute_query_dict(PRESENT_SQL)
    return int(row["n"]) == len(SEARCH_EXPRESSIONS) and int(row["triggers"]) == len(TRIGGERS)
