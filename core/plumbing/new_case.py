"""A new case written with everything that refers to it, in one go: its number, its row, its first
audit event and the rows its submission made for it (the deadline timer, the outbox event).

Those rows are made before the case has an id or a number: they carry :data:`NEW_CASE_ID` and
:data:`NEW_CASE_NUMBER` in their place (as values of their fields, or anywhere inside a JSON field
value), and each stands for the new case's own when the rows are written. On PostgreSQL the whole
is one statement (data-modifying CTEs; a statement is atomic on its own, so it needs no
``BEGIN``/``COMMIT`` around it: one round trip, as a bare ``INSERT``); on SQLite one call to the
database inside the caller's transaction.

Numbers stay gap-free: the counter's row is bumped in the same statement (PostgreSQL) or
transaction (SQLite) as the case and stays locked until it commits, as
:func:`core.plumbing.sql.insert_numbered_case` does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from tortoise.connection import get_connection
from tortoise.fields.data import JSONField
from tortoise.models import Model

from core.plumbing.sql import db_columns, for_dialect, insert_rows_sql, on_sqlite, sqlite_numbered_case


class _NewCaseId(int):
    """The id of the case being written: 0 (no row has it), told apart by identity."""

    def __repr__(self) -> str:
        return "NEW_CASE_ID"


class _NewCaseNumber(str):
    """The number of the case being written, told apart by identity."""

    def __repr__(self) -> str:
        return "NEW_CASE_NUMBER"


NEW_CASE_ID = _NewCaseId(0)
NEW_CASE_NUMBER = _NewCaseNumber("")

Rows = Sequence[tuple[type[Model], Sequence[Mapping[str, Any]]]]


@dataclass(frozen=True)
class Guard:
    """A read that, when it finds a row, stops the new case from being written: ``sql`` (``?``
    placeholders) selects ``columns`` (at most one row). Run in the same statement as the write on
    PostgreSQL (so it costs no round trip), in the same call on SQLite."""

    sql: str
    args: tuple[Any, ...]
    columns: tuple[str, ...]


class Guarded(Exception):
    """The guard found ``row``: nothing was written, no number taken."""

    def __init__(self, row: dict[str, Any]) -> None:
        super().__init__(row)
        self.row = row
_PLAIN = frozenset({str, int, float, bool, type(None)})  # not the markers' own classes


def _marker(value: Any) -> str | None:
    """"id" or "number" when ``value`` is one of the markers, else None."""
    if value is NEW_CASE_ID:
        return "id"
    return "number" if value is NEW_CASE_NUMBER else None


def _marked_paths(value: Any, path: tuple[str, ...] = ()) -> tuple[Any, list[tuple[tuple[str, ...], str]]]:
    """A JSON value with its markers replaced by None, and where they were: (path, "id"|"number")."""
    if (which := _marker(value)) is not None:
        return None, [(path, which)]
    if isinstance(value, Mapping):
        out: dict[Any, Any] = {}
        found: list[tuple[tuple[str, ...], str]] = []
        for key, item in value.items():
            if item.__class__ in _PLAIN:  # most of a payload: nothing to look into
                out[key] = item
                continue
            out[key], inner = _marked_paths(item, (*path, str(key)))
            found += inner
        return out, found
    if isinstance(value, (list, tuple)):
        items: list[Any] = []
        found = []
        for index, item in enumerate(value):
            plain, inner = _marked_paths(item, (*path, str(index)))
            items.append(plain)
            found += inner
        return items, found
    return value, []


def _resolved(value: Any, case_id: int, number: str) -> Any:
    """``value`` with the markers replaced by the case's id and number (at any depth)."""
    if (which := _marker(value)) is not None:
        return case_id if which == "id" else number
    if isinstance(value, Mapping):
        return {key: item if item.__class__ in _PLAIN else _resolved(item, case_id, number)
                for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [item if item.__class__ in _PLAIN else _resolved(item, case_id, number) for item in value]
    return value


def _resolved_row(row: Mapping[str, Any], json_names: frozenset[str], case_id: int, number: str) -> dict[str, Any]:
    """A row's values with the markers replaced: a marker is a value of its own, or inside a JSON
    field's value (nowhere else), so only those are walked."""
    return {
        name: _resolved(value, case_id, number)
        if value is NEW_CASE_ID or value is NEW_CASE_NUMBER or name in json_names else value
        for name, value in row.items()
    }


_FROM_CASE = {"id": '(SELECT "id" FROM "c")', "number": '(SELECT "number" FROM "c")'}
_JSON_FROM_CASE = {"id": '(SELECT to_jsonb("id") FROM "c")', "number": '(SELECT to_jsonb("number") FROM "c")'}


def _value_sql(field: Any, value: Any) -> tuple[str, list[Any]]:
    """One value of a row that refers to the new case, for PostgreSQL: ``?`` and its database value,
    or the new case's id or number taken from the ``c`` CTE (set into a JSON value with ``jsonb_set``)."""
    if (which := _marker(value)) is not None:
        return _FROM_CASE[which], []
    if isinstance(field, JSONField):
        plain, paths = _marked_paths(value)
        if paths:
            sql, args = "CAST(? AS jsonb)", [field.to_db_value(plain, None)]
            for path, which in paths:
                sql = f"jsonb_set({sql}, CAST(? AS text[]), {_JSON_FROM_CASE[which]})"
                args.append(list(path))
            return sql, args
    return "?", [field.to_db_value(value, None)]


@cache
def _json_names(model: type[Model]) -> frozenset[str]:
    """The fields of ``model`` stored as JSON: the only ones a marker may hide inside."""
    return frozenset(name for name, field in model._meta.fields_map.items() if isinstance(field, JSONField))


def _row_sql(model: type[Model], row: Mapping[str, Any], args: list[Any]) -> str:
    """One row's values that may refer to the new case (PostgreSQL, ``?`` placeholders), comma
    separated; their database values are appended to ``args``."""
    fields, json_names = model._meta.fields_map, _json_names(model)
    parts = []
    for name, value in row.items():
        if value is NEW_CASE_ID or value is NEW_CASE_NUMBER or name in json_names:
            sql, more = _value_sql(fields[name], value)
            parts.append(sql)
            args += more
        else:  # most values: as the ORM converts them
            parts.append("?")
            args.append(fields[name].to_db_value(value, None))
    return ", ".join(parts)


def _rows_sql(model: type[Model], values: Sequence[Mapping[str, Any]]) -> tuple[str, list[Any]]:
    """The multi-row ``INSERT`` of rows that may refer to the new case (PostgreSQL, ``?`` placeholders)."""
    meta = model._meta
    columns = ", ".join(f'"{meta.fields_db_projection[name]}"' for name in values[0])
    args: list[Any] = []
    tuples = [f"({_row_sql(model, row, args)})" for row in values]
    return f'INSERT INTO "{meta.db_table}" ({columns}) VALUES {", ".join(tuples)}', args


def _guarded_rows_sql(model: type[Model], values: Sequence[Mapping[str, Any]]) -> list[tuple[str, list[Any]]]:
    """The rows as ``INSERT … SELECT … FROM "c"``, one statement a row: written only with the case
    (none when the guard stopped it). One a row, since a ``UNION`` or ``VALUES`` list of rows would
    type their untyped values as text instead of as their columns."""
    meta = model._meta
    out = []
    for row in values:
        columns = ", ".join(f'"{meta.fields_db_projection[name]}"' for name in row)
        args: list[Any] = []
        out.append((f'INSERT INTO "{meta.db_table}" ({columns}) SELECT {_row_sql(model, row, args)} FROM "c"', args))
    return out


@lru_cache(maxsize=128)
def _numbered(sql: str) -> str:
    """``sql`` with PostgreSQL's placeholders: a submission's statement has the same text each time
    (its shape depends on the process's effects, not on the values)."""
    return for_dialect(sql, postgres=True)


async def insert_new_case(
    case_model: type[Model], case_values: Mapping[str, Any], number_scope: str, number_prefix: str,
    event_model: type[Model], event_values: Mapping[str, Any], rows: Rows = (), guard: Guard | None = None,
) -> tuple[dict[str, Any], int]:
    """Insert a new case numbered ``number_prefix`` + the next value of ``number_scope``, its first
    audit event and ``rows`` ((model, field values) in order; the markers stand for the new case's
    id and number); returns the case row (all columns) and the event's id. On PostgreSQL one
    statement, run on its own (it commits by itself: call it outside a transaction, or inside one
    to commit with it); on SQLite call it inside the transaction. When ``guard`` finds a row,
    nothing is written: :class:`Guarded` is raised with it."""
    conn = get_connection("default")
    case_columns, case_args = db_columns(case_model, case_values)
    event_columns, event_args = db_columns(event_model, event_values)
    rows = [(model, values) for model, values in rows if values]
    if conn.capabilities.dialect == "postgres" and guard is not None:
        return await _insert_guarded_postgres(
            conn, case_sql=(case_columns, case_args), event_sql=(event_columns, event_args),
            number=(number_scope, number_prefix), rows=rows, guard=guard,
        )
    if conn.capabilities.dialect == "postgres":
        writes = [_rows_sql(model, values) for model, values in rows]
        dependents = "".join(f', "w{i}" AS ({sql})' for i, (sql, _) in enumerate(writes))
        sql = _numbered(
            "WITH n AS (INSERT INTO counter (scope, value) VALUES (?, 1) "
            "ON CONFLICT (scope) DO UPDATE SET value = counter.value + 1 RETURNING value), "
            f'c AS (INSERT INTO "gh_case" ("number", {", ".join(case_columns)}) VALUES ('
            "? || (SELECT CASE WHEN value < 1000000 THEN lpad(value::text, 6, '0') ELSE value::text END FROM n), "
            f'{", ".join("?" for _ in case_args)}) RETURNING *), '
            f'e AS (INSERT INTO "case_event" ("case_id", {", ".join(event_columns)}) '
            f'VALUES ((SELECT id FROM c), {", ".join("?" for _ in event_args)}) RETURNING id)'
            f'{dependents} SELECT c.*, e.id AS "__event_id" FROM c, e'
        )
        args = [number_scope, number_prefix, *case_args, *event_args, *(a for _, part in writes for a in part)]
        found = (await conn.execute_query_dict(sql, args))[0]
        return found, found.pop("__event_id")
    return await _insert_new_case_sqlite(
        conn=conn, case_sql=(case_columns, case_args), event_sql=(event_columns, event_args),
        number_scope=number_scope, number_prefix=number_prefix, rows=rows, guard=guard,
    )


@lru_cache(maxsize=128)
def _guarded_sql(guard_sql: str, columns: tuple[str, ...], case_columns: tuple[str, ...], event_columns: tuple[str, ...],
                 case_count: int, event_count: int, dependents: tuple[str, ...]) -> str:
    """The guarded submission's statement: the guard ``g`` first; the counter is bumped only when
    it found nothing, and the case, its event and the rows are each written from the row before
    (none when there is none). One row back either way: the guard's columns (``__guard_…``) or
    the case's with ``__event_id``."""
    found = ", ".join(f'g."{column}" AS "__guard_{column}"' for column in columns)
    # each row after the one before (its ids in the rows' order, as one multi-row INSERT numbers them)
    writes = "".join(
        f', "w{i}" AS ({sql}{f" WHERE EXISTS (SELECT 1 FROM w{i - 1})" if i else ""} RETURNING 1)'
        for i, sql in enumerate(dependents)
    )
    return _numbered(
        f"WITH g AS ({guard_sql}), "
        "n AS (INSERT INTO counter (scope, value) SELECT ?, 1 WHERE NOT EXISTS (SELECT 1 FROM g) "
        "ON CONFLICT (scope) DO UPDATE SET value = counter.value + 1 RETURNING value), "
        f'c AS (INSERT INTO "gh_case" ("number", {", ".join(case_columns)}) SELECT '
        "? || CASE WHEN n.value < 1000000 THEN lpad(n.value::text, 6, '0') ELSE n.value::text END, "
        f'{", ".join("?" for _ in range(case_count))} FROM n RETURNING *), '
        f'e AS (INSERT INTO "case_event" ("case_id", {", ".join(event_columns)}) '
        f'SELECT c.id, {", ".join("?" for _ in range(event_count))} FROM c RETURNING id)'
        f'{writes} SELECT c.*, e.id AS "__event_id", {found} '
        "FROM (SELECT 1) AS one LEFT JOIN g ON true LEFT JOIN (c CROSS JOIN e) ON true"
    )


async def _insert_guarded_postgres(
    conn: Any, case_sql: tuple[list[str], list[Any]], event_sql: tuple[list[str], list[Any]],
    number: tuple[str, str], rows: Rows, guard: Guard,
) -> tuple[dict[str, Any], int]:
    """:func:`insert_new_case` with its guard, in one statement (:func:`_guarded_sql`)."""
    (case_columns, case_args), (event_columns, event_args) = case_sql, event_sql
    writes = [write for model, values in rows for write in _guarded_rows_sql(model, values)]
    sql = _guarded_sql(
        guard_sql=guard.sql, columns=guard.columns, case_columns=tuple(case_columns), event_columns=tuple(event_columns),
        case_count=len(case_args), event_count=len(event_args), dependents=tuple(sql for sql, _ in writes),
    )
    args = [*guard.args, number[0], number[1], *case_args, *event_args, *(a for _, part in writes for a in part)]
    found = (await conn.execute_query_dict(sql, args))[0]
    stopped = {column: found.pop(f"__guard_{column}") for column in guard.columns}
    if found["__event_id"] is None:
        raise Guarded(stopped)
    return found, found.pop("__event_id")


async def _insert_new_case_sqlite(
    conn: Any, case_sql: tuple[list[str], list[Any]], event_sql: tuple[list[str], list[Any]],
    number_scope: str, number_prefix: str, rows: Rows, guard: Guard | None = None,
) -> tuple[dict[str, Any], int]:
    """The guard, then the counter, the case, its event and ``rows`` (markers resolved), in one
    call (:func:`on_sqlite`)."""
    (case_columns, case_args), (event_columns, event_args) = case_sql, event_sql
    numbered = sqlite_numbered_case(
        case_columns=case_columns, case_args=case_args, number_scope=number_scope, number_prefix=number_prefix,
        event_columns=event_columns, event_args=event_args,
    )

    def run(raw: Any) -> tuple[dict[str, Any], int]:
        if guard is not None and (hit := raw.execute(guard.sql, list(guard.args)).fetchone()) is not None:
            raise Guarded(dict(zip(guard.columns, hit)))
        found, event_id = numbered(raw)
        case_id, number = found["id"], found["number"]
        for model, values in rows:
            json_names = _json_names(model)
            raw.execute(*insert_rows_sql(model, [_resolved_row(row, json_names, case_id, number) for row in values]))
        return found, event_id

    return await on_sqlite(conn, run)
