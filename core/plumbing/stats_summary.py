"""The statistics summary (``case_day_stat``): per center, department and day, the cases accepted
and the cases completed with their promised and actual working days and how many were on time.

Database triggers on ``gh_case`` keep it, so every change of a case — a transition, the sweeper, a
plugin's own UPDATE — moves the counters in the same transaction as the change itself: the
figures can never disagree with the cases, and a year's statistics read a few thousand summary rows
whatever the number of cases. A trigger only fires when a column the figures read changes (and an
INSERT only when the case is already accepted or completed), so submitting a case costs nothing.
``govhall stats rebuild`` recomputes the table from the cases (:func:`rebuild`).

SQLite drops a table's triggers when a migration rebuilds the table (it does so to drop or alter a
column): a later migration that rebuilds ``gh_case`` must call :func:`install_triggers` and
:func:`rebuild` after it, as ``govhall stats rebuild`` does.
"""

from __future__ import annotations

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.connection import get_connection
from tortoise.transactions import in_transaction

__all__ = ["install_triggers", "rebuild", "REBUILD_SQL"]

# The columns whose change moves a case's contribution.
WATCHED = ("center_id", "department_id", "accepted_on", "completed_on", "promised_days", "actual_days", "promised_due")

COLUMNS = "center_id, department_id, day, accepted, completed, promised_sum, actual_sum, on_time"
KEY = "(center_id, department_id, day)"

# The contribution of every case, recomputed (also what the migration backfills with).
REBUILD_SQL = f"""
INSERT INTO case_day_stat ({COLUMNS})
SELECT center_id, department_id, day, SUM(a), SUM(c), SUM(p), SUM(ad), SUM(o) FROM (
  SELECT center_id, COALESCE(department_id, 0) AS department_id, accepted_on AS day,
         1 AS a, 0 AS c, 0 AS p, 0 AS ad, 0 AS o
  FROM gh_case WHERE accepted_on IS NOT NULL
  UNION ALL
  SELECT center_id, COALESCE(department_id, 0), completed_on, 0, 1, COALESCE(promised_days, 0),
         COALESCE(actual_days, 0), CASE WHEN promised_due IS NULL OR completed_on <= promised_due THEN 1 ELSE 0 END
  FROM gh_case WHERE completed_on IS NOT NULL
) contributions
GROUP BY center_id, department_id, day
"""


def _sqlite_add(row: str, sign: int) -> str:
    """Add (``sign`` 1) or take away (-1) the contribution of ``row`` (NEW or OLD)."""
    s = str(sign)
    return f"""
  INSERT INTO case_day_stat ({COLUMNS})
  SELECT {row}.center_id, COALESCE({row}.department_id, 0), {row}.accepted_on, {s}, 0, 0, 0, 0
  WHERE {row}.accepted_on IS NOT NULL
  ON CONFLICT {KEY} DO UPDATE SET accepted = accepted + excluded.accepted;
  INSERT INTO case_day_stat ({COLUMNS})
  SELECT {row}.center_id, COALESCE({row}.department_id, 0), {row}.completed_on, 0, {s},
         {s} * COALESCE({row}.promised_days, 0), {s} * COALESCE({row}.actual_days, 0),
         CASE WHEN {row}.promised_due IS NULL OR {row}.completed_on <= {row}.promised_due THEN {s} ELSE 0 END
  WHERE {row}.completed_on IS NOT NULL
  ON CONFLICT {KEY} DO UPDATE SET completed = completed + excluded.completed,
    promised_sum = promised_sum + excluded.promised_sum, actual_sum = actual_sum + excluded.actual_sum,
    on_time = on_time + excluded.on_time;"""


def _changed(old: str, new: str) -> str:
    return " OR ".join(f"{old}.{c} IS NOT {new}.{c}" for c in WATCHED)


SQLITE_TRIGGERS = [
    "DROP TRIGGER IF EXISTS case_day_stat_insert",
    "DROP TRIGGER IF EXISTS case_day_stat_update",
    "DROP TRIGGER IF EXISTS case_day_stat_delete",
    "CREATE TRIGGER case_day_stat_insert AFTER INSERT ON gh_case FOR EACH ROW"
    " WHEN NEW.accepted_on IS NOT NULL OR NEW.completed_on IS NOT NULL"
    f" BEGIN {_sqlite_add('NEW', 1)}\nEND",
    f"CREATE TRIGGER case_day_stat_update AFTER UPDATE OF {', '.join(WATCHED)} ON gh_case FOR EACH ROW"
    f" WHEN {_changed('OLD', 'NEW')}"
    f" BEGIN {_sqlite_add('OLD', -1)} {_sqlite_add('NEW', 1)}\nEND",
    "CREATE TRIGGER case_day_stat_delete AFTER DELETE ON gh_case FOR EACH ROW"
    " WHEN OLD.accepted_on IS NOT NULL OR OLD.completed_on IS NOT NULL"
    f" BEGIN {_sqlite_add('OLD', -1)}\nEND",
]

_PG_ARGS = ", ".join(f"r.{c}" for c in WATCHED)
POSTGRES_TRIGGERS = [
    f"""
CREATE OR REPLACE FUNCTION case_day_stat_add(r gh_case, sign integer) RETURNS void AS $body$
BEGIN
  IF r.accepted_on IS NOT NULL THEN
    INSERT INTO case_day_stat ({COLUMNS})
    VALUES (r.center_id, COALESCE(r.department_id, 0), r.accepted_on, sign, 0, 0, 0, 0)
    ON CONFLICT {KEY} DO UPDATE SET accepted = case_day_stat.accepted + EXCLUDED.accepted;
  END IF;
  IF r.completed_on IS NOT NULL THEN
    INSERT INTO case_day_stat ({COLUMNS})
    VALUES (r.center_id, COALESCE(r.department_id, 0), r.completed_on, 0, sign,
            sign * COALESCE(r.promised_days, 0), sign * COALESCE(r.actual_days, 0),
            CASE WHEN r.promised_due IS NULL OR r.completed_on <= r.promised_due THEN sign ELSE 0 END)
    ON CONFLICT {KEY} DO UPDATE SET completed = case_day_stat.completed + EXCLUDED.completed,
      promised_sum = case_day_stat.promised_sum + EXCLUDED.promised_sum,
      actual_sum = case_day_stat.actual_sum + EXCLUDED.actual_sum,
      on_time = case_day_stat.on_time + EXCLUDED.on_time;
  END IF;
END
$body$ LANGUAGE plpgsql""",
    """
CREATE OR REPLACE FUNCTION case_day_stat_trigger() RETURNS trigger AS $body$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM case_day_stat_add(OLD, -1);
  END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN
    PERFORM case_day_stat_add(NEW, 1);
  END IF;
  RETURN NULL;
END
$body$ LANGUAGE plpgsql""",
    "DROP TRIGGER IF EXISTS case_day_stat_insert ON gh_case",
    "DROP TRIGGER IF EXISTS case_day_stat_update ON gh_case",
    "DROP TRIGGER IF EXISTS case_day_stat_delete ON gh_case",
    "CREATE TRIGGER case_day_stat_insert AFTER INSERT ON gh_case FOR EACH ROW"
    " WHEN (NEW.accepted_on IS NOT NULL OR NEW.completed_on IS NOT NULL) EXECUTE FUNCTION case_day_stat_trigger()",
    f"CREATE TRIGGER case_day_stat_update AFTER UPDATE OF {', '.join(WATCHED)} ON gh_case FOR EACH ROW"
    f" WHEN (({', '.join('OLD.' + c for c in WATCHED)}) IS DISTINCT FROM ({', '.join('NEW.' + c for c in WATCHED)}))"
    " EXECUTE FUNCTION case_day_stat_trigger()",
    "CREATE TRIGGER case_day_stat_delete AFTER DELETE ON gh_case FOR EACH ROW"
    " WHEN (OLD.accepted_on IS NOT NULL OR OLD.completed_on IS NOT NULL) EXECUTE FUNCTION case_day_stat_trigger()",
]


def _client(client: BaseDBAsyncClient | None) -> BaseDBAsyncClient:
    return client if client is not None else get_connection("default")


async def install_triggers(client: BaseDBAsyncClient | None = None) -> None:
    """(Re)create the triggers that keep ``case_day_stat`` (idempotent). The migration calls it;
    so do the tests after creating the tables directly."""
    conn = _client(client)
    statements = POSTGRES_TRIGGERS if conn.capabilities.dialect == "postgres" else SQLITE_TRIGGERS
    for sql in statements:
        await conn.execute_query(sql)


async def rebuild(client: BaseDBAsyncClient | None = None) -> int:
    """Recompute the summary from the cases in one transaction (cases are locked against changes
    meanwhile on PostgreSQL); returns the number of summary rows."""
    conn = _client(client)
    if client is not None:  # inside a migration: already in its transaction
        return await _rebuild(conn)
    async with in_transaction() as tx:
        return await _rebuild(tx)


async def _rebuild(conn: BaseDBAsyncClient) -> int:
    if conn.capabilities.dialect == "postgres":
        await conn.execute_query("LOCK TABLE gh_case IN SHARE MODE")
    await conn.execute_query("DELETE FROM case_day_stat")
    await conn.execute_query(REBUILD_SQL)
    (row,) = await conn.execute_query_dict("SELECT COUNT(*) AS n FROM case_day_stat")
    return int(row["n"])
