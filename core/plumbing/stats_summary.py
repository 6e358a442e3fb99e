"""The statistics summary (``case_day_stat``): per center, department and day, the cases accepted
and the cases completed with their promised and actual working days and how many were on time; of
those with a promised time limit, their actual days; of those with a legal time limit, how many,
their legal days and their actual days on the legal clock (the sums the speed-ups divide).

Database triggers on ``gh_case`` keep it, so every change of a case — a transition, the sweeper, a
plugin's own UPDATE — moves the counters in the same transaction as the change itself: the
figures can never disagree with the cases, and a year's statistics read a few thousand summary rows
whatever the number of cases. A trigger only fires when a column the figures read changes (and an
INSERT only when the case is already accepted or completed), so submitting a case costs nothing.
``govhall stats rebuild`` recomputes the table from the cases (:func:`rebuild`).

SQLite drops a table's triggers when a migration rebuilds the table (it does so to drop or alter a
column): a later migration that rebuilds ``gh_case`` must call :func:`install_triggers` and
:func:`rebuild` after it, as ``govhall stats rebuild`` does.

The SQL is built from a :class:`Summary` (the watched columns and the sums): :data:`CURRENT` is the
table as the models have it; a migration that installed an earlier form keeps passing its own
(:data:`FIRST`, migration 0009), so replaying it on an old database never names a later column.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.connection import get_connection
from tortoise.transactions import in_transaction

__all__ = ["CURRENT", "FIRST", "REBUILD_SQL", "SQLITE_TRIGGERS", "Summary", "install_triggers", "rebuild"]

KEY = "(center_id, department_id, day)"


@dataclass(frozen=True)
class Summary:
    """One form of the summary: ``watched``, the case columns whose change moves a case's
    contribution; ``sums``, what a completed case adds besides ``completed`` — summary column →
    SQL expression of the case row ``{r}``."""

    watched: tuple[str, ...]
    sums: tuple[tuple[str, str], ...]

    @property
    def columns(self) -> str:
        return f"center_id, department_id, day, accepted, completed, {', '.join(c for c, _ in self.sums)}"

    def _zeros(self) -> str:
        return ", ".join("0" for _ in self.sums)

    def _added(self, row: str, sign: str = "") -> str:
        """The sums of the completed case ``row``, each times ``sign`` (``"-1 * "``) when given."""
        return ", ".join(f"{sign}{sql.format(r=row)}" for _, sql in self.sums)

    def _adding(self, table: str) -> str:
        """``ON CONFLICT`` assignments adding the new counts (``table``: how the summary row is named
        on the right-hand side: SQLite takes the bare column, PostgreSQL the table's name)."""
        names = ("completed", *(c for c, _ in self.sums))
        return ",\n    ".join(f"{c} = {table}{c} + EXCLUDED.{c}" for c in names)

    @cached_property
    def rebuild_sql(self) -> str:
        """The contribution of every case, recomputed (also what a migration backfills with)."""
        names = [c for c, _ in self.sums]
        return f"""
INSERT INTO case_day_stat ({self.columns})
SELECT center_id, department_id, day, SUM(a), SUM(c), {', '.join(f'SUM({c})' for c in names)} FROM (
  SELECT center_id, COALESCE(department_id, 0) AS department_id, accepted_on AS day,
         1 AS a, 0 AS c, {', '.join(f'0 AS {c}' for c in names)}
  FROM gh_case WHERE accepted_on IS NOT NULL
  UNION ALL
  SELECT center_id, COALESCE(department_id, 0), completed_on, 0, 1, {self._added('gh_case')}
  FROM gh_case WHERE completed_on IS NOT NULL
) contributions
GROUP BY center_id, department_id, day
"""

    def _sqlite_accepted(self, row: str, sign: int, when: str = "") -> str:
        return f"""
  INSERT INTO case_day_stat ({self.columns})
  SELECT {row}.center_id, COALESCE({row}.department_id, 0), {row}.accepted_on, {sign}, 0, {self._zeros()}
  WHERE {row}.accepted_on IS NOT NULL{when}
  ON CONFLICT {KEY} DO UPDATE SET accepted = accepted + excluded.accepted;"""

    def _sqlite_completed(self, row: str, sign: int) -> str:
        return f"""
  INSERT INTO case_day_stat ({self.columns})
  SELECT {row}.center_id, COALESCE({row}.department_id, 0), {row}.completed_on, 0, {sign}, {self._added(row, f"{sign} * ")}
  WHERE {row}.completed_on IS NOT NULL
  ON CONFLICT {KEY} DO UPDATE SET {self._adding("")};"""

    def _sqlite_add(self, row: str, sign: int, when: str = "") -> str:
        """Add (``sign`` 1) or take away (-1) the contribution of ``row`` (NEW or OLD); ``when``
        (``" AND …"``) further conditions the accepted count."""
        return self._sqlite_accepted(row, sign, when) + self._sqlite_completed(row, sign)

    @cached_property
    def sqlite_triggers(self) -> list[str]:
        changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in self.watched)
        moved = " AND (OLD.center_id IS NOT NEW.center_id OR OLD.department_id IS NOT NEW.department_id" \
                " OR OLD.accepted_on IS NOT NEW.accepted_on)"
        return [
            "DROP TRIGGER IF EXISTS case_day_stat_insert",
            "DROP TRIGGER IF EXISTS case_day_stat_update",
            "DROP TRIGGER IF EXISTS case_day_stat_delete",
            "CREATE TRIGGER case_day_stat_insert AFTER INSERT ON gh_case FOR EACH ROW"
            " WHEN NEW.accepted_on IS NOT NULL OR NEW.completed_on IS NOT NULL"
            f" BEGIN {self._sqlite_add('NEW', 1)}\nEND",
            f"CREATE TRIGGER case_day_stat_update AFTER UPDATE OF {', '.join(self.watched)} ON gh_case FOR EACH ROW"
            f" WHEN {changed}"
            f" BEGIN {self._sqlite_add('OLD', -1, moved)} {self._sqlite_add('NEW', 1, moved)}\nEND",
            "CREATE TRIGGER case_day_stat_delete AFTER DELETE ON gh_case FOR EACH ROW"
            " WHEN OLD.accepted_on IS NOT NULL OR OLD.completed_on IS NOT NULL"
            f" BEGIN {self._sqlite_add('OLD', -1)}\nEND",
        ]

    def _pg_accepted(self, row: str, sign: str, indent: str = "") -> str:
        return f"""
{indent}    INSERT INTO case_day_stat ({self.columns})
{indent}    VALUES ({row}.center_id, COALESCE({row}.department_id, 0), {row}.accepted_on, {sign}, 0, {self._zeros()})
{indent}    ON CONFLICT {KEY} DO UPDATE SET accepted = case_day_stat.accepted + EXCLUDED.accepted;"""

    def _pg_completed(self, row: str, sign: str, indent: str = "") -> str:
        return f"""
{indent}    INSERT INTO case_day_stat ({self.columns})
{indent}    VALUES ({row}.center_id, COALESCE({row}.department_id, 0), {row}.completed_on, 0, {sign}, {self._added(row, f"{sign} * ")})
{indent}    ON CONFLICT {KEY} DO UPDATE SET {self._adding("case_day_stat.")};"""

    @cached_property
    def postgres_triggers(self) -> list[str]:
        # One function reading OLD and NEW where they are: handing the whole case row to a helper
        # function (as before migration 0032) built a composite value of every column, its form data
        # included, twice per change. An update that leaves the accepted count in its summary row
        # (a completion, a new promised day) no longer takes it away and adds it back.
        return [
            f"""
CREATE OR REPLACE FUNCTION case_day_stat_trigger() RETURNS trigger AS $body$
DECLARE
  stays boolean := TG_OP = 'UPDATE' AND (OLD.center_id, OLD.department_id, OLD.accepted_on)
                   IS NOT DISTINCT FROM (NEW.center_id, NEW.department_id, NEW.accepted_on);
BEGIN
  IF TG_OP <> 'INSERT' THEN
    IF OLD.accepted_on IS NOT NULL AND NOT stays THEN{self._pg_accepted("OLD", "-1", "  ")}
    END IF;
    IF OLD.completed_on IS NOT NULL THEN{self._pg_completed("OLD", "-1", "  ")}
    END IF;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    IF NEW.accepted_on IS NOT NULL AND NOT stays THEN{self._pg_accepted("NEW", "1", "  ")}
    END IF;
    IF NEW.completed_on IS NOT NULL THEN{self._pg_completed("NEW", "1", "  ")}
    END IF;
  END IF;
  RETURN NULL;
END
$body$ LANGUAGE plpgsql""",
            "DROP FUNCTION IF EXISTS case_day_stat_add(gh_case, integer)",
            "DROP TRIGGER IF EXISTS case_day_stat_insert ON gh_case",
            "DROP TRIGGER IF EXISTS case_day_stat_update ON gh_case",
            "DROP TRIGGER IF EXISTS case_day_stat_delete ON gh_case",
            "CREATE TRIGGER case_day_stat_insert AFTER INSERT ON gh_case FOR EACH ROW"
            " WHEN (NEW.accepted_on IS NOT NULL OR NEW.completed_on IS NOT NULL) EXECUTE FUNCTION case_day_stat_trigger()",
            f"CREATE TRIGGER case_day_stat_update AFTER UPDATE OF {', '.join(self.watched)} ON gh_case FOR EACH ROW"
            f" WHEN (({', '.join('OLD.' + c for c in self.watched)}) IS DISTINCT FROM"
            f" ({', '.join('NEW.' + c for c in self.watched)}))"
            " EXECUTE FUNCTION case_day_stat_trigger()",
            "CREATE TRIGGER case_day_stat_delete AFTER DELETE ON gh_case FOR EACH ROW"
            " WHEN (OLD.accepted_on IS NOT NULL OR OLD.completed_on IS NOT NULL) EXECUTE FUNCTION case_day_stat_trigger()",
        ]


_ON_TIME = "CASE WHEN {r}.promised_due IS NULL OR {r}.completed_on <= {r}.promised_due THEN 1 ELSE 0 END"

FIRST = Summary(
    watched=("center_id", "department_id", "accepted_on", "completed_on", "promised_days", "actual_days", "promised_due"),
    sums=(
        ("promised_sum", "COALESCE({r}.promised_days, 0)"),
        ("actual_sum", "COALESCE({r}.actual_days, 0)"),
        ("on_time", _ON_TIME),
    ),
)
"""The summary as migration 0009 created it."""

CURRENT = Summary(
    watched=(*FIRST.watched, "legal_days", "legal_actual_days"),
    sums=(
        *FIRST.sums,
        # the speed-up against the promise: the actual days of the cases that promised some
        ("promised_actual_sum", "CASE WHEN {r}.promised_days > 0 THEN COALESCE({r}.actual_days, 0) ELSE 0 END"),
        # the speed-up against the law: the cases with a legal limit, their limits, their days on the legal clock
        ("legal_completed", "CASE WHEN {r}.legal_days > 0 THEN 1 ELSE 0 END"),
        ("legal_sum", "CASE WHEN {r}.legal_days > 0 THEN {r}.legal_days ELSE 0 END"),
        ("legal_actual_sum", "CASE WHEN {r}.legal_days > 0 THEN COALESCE({r}.legal_actual_days, 0) ELSE 0 END"),
    ),
)
"""The summary as the models have it (migration 0020 added the last four sums)."""

REBUILD_SQL = CURRENT.rebuild_sql
SQLITE_TRIGGERS = CURRENT.sqlite_triggers


def _client(client: BaseDBAsyncClient | None) -> BaseDBAsyncClient:
    return client if client is not None else get_connection("default")


async def install_triggers(client: BaseDBAsyncClient | None = None, summary: Summary = CURRENT) -> None:
    """(Re)create the triggers that keep ``case_day_stat`` (idempotent). The migrations call it;
    so do the tests after creating the tables directly."""
    conn = _client(client)
    statements = summary.postgres_triggers if conn.capabilities.dialect == "postgres" else summary.sqlite_triggers
    for sql in statements:
        await conn.execute_query(sql)


async def rebuild(client: BaseDBAsyncClient | None = None, summary: Summary = CURRENT) -> int:
    """Recompute the summary from the cases in one transaction (cases are locked against changes
    meanwhile on PostgreSQL); returns the number of summary rows."""
    conn = _client(client)
    if client is not None:  # inside a migration: already in its transaction
        return await _rebuild(conn, summary)
    async with in_transaction() as tx:
        return await _rebuild(tx, summary)


async def _rebuild(conn: BaseDBAsyncClient, summary: Summary) -> int:
    if conn.capabilities.dialect == "postgres":
        await conn.execute_query("LOCK TABLE gh_case IN SHARE MODE")
    await conn.execute_query("DELETE FROM case_day_stat")
    await conn.execute_query(summary.rebuild_sql)
    (row,) = await conn.execute_query_dict("SELECT COUNT(*) AS n FROM case_day_stat")
    return int(row["n"])
