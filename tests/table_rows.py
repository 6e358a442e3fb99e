"""Rows in every table a database has, whatever version made it: the tables and their columns are
read from the database itself (not from the models, which describe the newest version), then each
table gets two rows written with raw SQL. A *bare* row gives only the required columns (nullable
ones stay NULL, columns with a database default take it); a *full* row gives every column. Each
row refers to rows written in the same round (a full row to the parent's full row, a bare row to
its bare row), so one-to-one columns stay unique. Values are plain but valid for their type; a few
columns get what GovHall writes there (:data:`PLAUSIBLE`), so that the data migrations find rows
to work on."""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from core.plumbing.sql import for_dialect

DAY = date(2026, 11, 2)
AT = datetime(2026, 11, 2, 1, 30, tzinfo=timezone.utc)
SKIPPED = {
    "tortoise_migrations",  # the migration recorder's own records
    "gh_case_search",  # the search table: the cases' triggers write it
}

# What GovHall writes in a full row's column, where a data migration looks at the value.
PLAUSIBLE: dict[str, dict[str, Any]] = {
    "gh_case": {"state": "refused", "process": "standard", "alert": "NONE", "flags": '{"other":1}',
                "accepted_on": DAY, "completed_on": DAY + timedelta(days=12)},  # 0018, 0021
    "item_version": {"definition": '{"legalDays":20}'},  # 0021
    "timer": {"kind": "legal"},  # 0021
    "pause": {"kinds": '["legal"]', "started_on": DAY + timedelta(days=2), "ended_on": DAY + timedelta(days=5)},  # 0021
    "role_assignment": {"role": "clerk"},  # 0017: the case's agent is a clerk of its center
    "complaint": {"reply": "已核实，已向申请人致歉"},  # 0011
    "hall_floor_booking": {"status": "booked"},  # hall_floor 0003
    "hall_floor_ticket": {"queue": "B", "number": "A001", "status": "waiting", "window_code": "ZH01"},  # hall_floor 0004
}


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # the database's type name, lower case: integer, varchar, text, json, timestamp...
    length: int | None
    required: bool  # NOT NULL
    has_default: bool
    references: str | None  # the table a foreign key refers to


class TableRows:
    """Writes rows into every table of the connection's database, as it is now."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn
        self.postgres = conn.capabilities.dialect == "postgres"
        self.numbers = itertools.count(1)

    async def tables(self) -> dict[str, list[Column]]:
        """Every table but the recorder's, with its columns but the generated primary key."""
        return await (self._postgres_tables() if self.postgres else self._sqlite_tables())

    async def counts(self) -> dict[str, int]:
        found = {}
        for table in await self.tables():
            (row,) = await self.conn.execute_query_dict(f'SELECT COUNT(*) AS n FROM "{table}"')
            found[table] = int(row["n"])
        return found

    async def write(self) -> int:
        """A bare and a full row in every table; returns the number of rows written."""
        tables = await self.tables()
        written: dict[tuple[str, bool], int] = {}  # (table, full): the id of the row written now
        for table in _parents_first(tables):
            for full in (False, True):
                columns = [c for c in tables[table] if full or (c.required and not c.has_default)]
                values = [self._value(table, column, full, written) for column in columns]
                names = ", ".join(f'"{c.name}"' for c in columns)
                inserted = (f'INSERT INTO "{table}" ({names}) VALUES ({", ".join("?" for _ in columns)})'
                            if columns else f'INSERT INTO "{table}" DEFAULT VALUES')
                sql = for_dialect(inserted + ' RETURNING "id"', self.postgres)
                try:
                    (row,) = await self.conn.execute_query_dict(sql, values)
                except Exception as exc:  # the table, not the statement, is what to look at
                    raise AssertionError(f"a {'full' if full else 'bare'} row of {table}: {exc}") from exc
                written[(table, full)] = row["id"]
        return len(written)

    def _value(self, table: str, column: Column, full: bool, written: dict[tuple[str, bool], int]) -> Any:
        if column.references is not None:
            parent = written.get((column.references, full))
            if column.references == table:  # itself: the bare row written just before
                parent = written.get((table, False)) if full else None
            if parent is None and column.required:
                raise AssertionError(f"{table}.{column.name}: nothing to refer to in {column.references}")
            return parent
        if full and column.name in PLAUSIBLE.get(table, {}):
            return PLAUSIBLE[table][column.name]
        number = next(self.numbers)
        kind = column.kind
        if kind in ("integer", "int", "bigint", "smallint"):
            return number
        if kind == "boolean":
            return full
        if kind in ("real", "double precision"):
            return 1.5
        if kind in ("numeric", "decimal"):
            return Decimal("1.50")
        if kind == "uuid":
            return uuid.UUID(int=number)
        if kind in ("blob", "bytea"):
            return b"%d" % number
        if kind == "date":
            return DAY
        if kind.startswith("timestamp"):
            return AT
        if kind in ("json", "jsonb"):
            return "{}"
        text = str(number)
        return text[-column.length:] if column.length else text

    async def _sqlite_tables(self) -> dict[str, list[Column]]:
        rows = await self.conn.execute_query_dict(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        tables = {}
        for name in (r["name"] for r in rows if r["name"] not in SKIPPED):
            keys = {k["from"]: k["table"] for k in await self.conn.execute_query_dict(f'PRAGMA foreign_key_list("{name}")')}
            tables[name] = [
                Column(name=c["name"], kind=c["type"].split("(")[0].lower(), length=_length(c["type"]),
                       required=bool(c["notnull"]), has_default=c["dflt_value"] is not None,
                       references=keys.get(c["name"]))
                for c in await self.conn.execute_query_dict(f'PRAGMA table_info("{name}")') if not c["pk"]
            ]
        return tables

    async def _postgres_tables(self) -> dict[str, list[Column]]:
        keys = {(r["tbl"], r["col"]): r["ref"] for r in await self.conn.execute_query_dict(
            "SELECT t.relname AS tbl, a.attname AS col, r.relname AS ref FROM pg_constraint c"
            " JOIN pg_class t ON t.oid = c.conrelid JOIN pg_class r ON r.oid = c.confrelid"
            " JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)"
            " WHERE c.contype = 'f' AND t.relnamespace = current_schema()::regnamespace")}
        rows = await self.conn.execute_query_dict(
            "SELECT table_name, column_name, data_type, is_nullable, column_default, character_maximum_length"
            " FROM information_schema.columns WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position")
        tables: dict[str, list[Column]] = {}
        for r in rows:
            table = r["table_name"]
            if table in SKIPPED:
                continue
            default = r["column_default"]
            if default is not None and default.startswith("nextval("):
                tables.setdefault(table, [])
                continue  # the generated primary key
            kind = {"character varying": "varchar", "timestamp with time zone": "timestamp"}.get(r["data_type"], r["data_type"])
            tables.setdefault(table, []).append(Column(
                name=r["column_name"], kind=kind, length=r["character_maximum_length"], required=r["is_nullable"] == "NO",
                has_default=default is not None, references=keys.get((table, r["column_name"]))))
        return tables


def _length(sql_type: str) -> int | None:
    return int(sql_type.split("(")[1].rstrip(")")) if "(" in sql_type else None


def _parents_first(tables: dict[str, list[Column]]) -> list[str]:
    """The tables in an order where a table comes after those its foreign keys refer to; where keys
    go round in a circle, after those its required keys refer to (a nullable key to a table that
    comes later, as one to itself in a bare row, is left NULL)."""
    order: list[str] = []
    left = dict(tables)

    def ready(required_only: bool) -> list[str]:
        return sorted(t for t, columns in left.items()
                      if all(c.references in order or c.references == t or (required_only and not c.required)
                             for c in columns if c.references is not None))

    while left:
        table = (ready(False) or ready(True) or [None])[0]
        assert table is not None, f"required foreign keys in a circle: {sorted(left)}"
        order.append(table)
        del left[table]
    return order
