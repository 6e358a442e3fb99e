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


def _rows_sql(model: type[Model], values: Sequence[Mapping[str, Any]]) -> tuple[str, list[Any]]:
    """The multi-row ``INSERT`` of rows that may refer to the new case (PostgreSQL, ``?`` placeholders)."""
    meta = model._meta
    fields, json_names = meta.fields_map, _json_names(model)
    columns = ", ".join(f'"{meta.fields_db_projection[name]}"' for name in values[0])
    tuples: list[str] = []
    args: list[Any] = []
    for row in values:
        parts = []
        for name, value in row.items():
            if value is NEW_CASE_ID or value is NEW_CASE_NUMBER or name in json_names:
                sql, more = _value_sql(fields[name], value)
                parts.append(sql)
                args += more
            else:  # most values: as the ORM converts them
                parts.append("?")
                args.append(fields[name].to_db_value(value, None))
        tuples.append("(" + ", ".join(parts) + ")")
    return f'INSERT INTO "{meta.db_table}" ({columns}) VALUES {", ".join(tuples)}', args


@lru_cache(maxsize=128)
def _numbered(sql: str) -> str:
    """``sql`` with PostgreSQL's placeholders: a submission's statement has the same text each time
    (its shape depends on the process's effects, not on the values)."""
    return for_dialect(sql, postgres=True)


async def insert_new_case(
    case_model: type[Model], case_values: Mapping[str, Any], number_scope: str, number_prefix: str,
    event_model: type[Model], event_values: Mapping[str, Any], rows: Rows = (),
) -> tuple[dict[str, Any], int]:
    """Insert a new case numbered ``number_prefix`` + the next value of ``number_scope``, its first
    audit event and ``rows`` ((model, field values) in order; the markers stand for the new case's
    id and number); returns the case row (all columns) and the event's id. On PostgreSQL one
    statement, run on its own (it commits by itself: call it outside a transaction, or inside one
    to commit with it); on SQLite call it inside the transaction."""
    conn = get_connection("default")
    case_columns, case_args = db_columns(case_model, case_values)
    event_columns, event_args = db_columns(event_model, event_values)
    rows = [(model, values) for model, values in rows if values]
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
        number_scope=number_scope, number_prefix=number_prefix, rows=rows,
    )


async def _insert_new_case_sqlite(
    conn: Any, case_sql: tuple[list[str], list[Any]], event_sql: tuple[list[str], list[Any]],
    number_scope: str, number_prefix: str, rows: Rows,
) -> tuple[dict[str, Any], int]:
    """The counter, the case, its event and ``rows`` (markers resolved) in one call (:func:`on_sqlite`)."""
    (case_columns, case_args), (event_columns, event_args) = case_sql, event_sql
    numbered = sqlite_numbered_case(
        case_columns=case_columns, case_args=case_args, number_scope=number_scope, number_prefix=number_prefix,
        event_columns=event_columns, event_args=event_args,
    )

    def run(raw: Any) -> tuple[dict[str, Any], int]:
        found, event_id = numbered(raw)
        case_id, number = found["id"], found["number"]
        for model, values in rows:
            json_names = _json_names(model)
            raw.execute(*insert_rows_sql(model, [_resolved_row(row, json_names, case_id, number) for row in values]))
        return found, event_id

    return await on_sqlite(conn, run)
