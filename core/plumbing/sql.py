"""Hand-written SQL for the few queries every request runs, where building the query through the
ORM costs more than running it.

GovHall writes SQL with ``?`` placeholders, in the order the values are given; :func:`for_dialect`
turns them into ``$1, $2…`` for asyncpg. (No GovHall SQL uses a literal ``?``.)"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import re
from collections.abc import Awaitable, Callable, Collection, Iterable, Mapping, Sequence
from functools import cache, lru_cache
from typing import Any, TypeVar

from tortoise.connection import get_connection
from tortoise.models import Model

from core.plumbing.instances import from_rows

M = TypeVar("M", bound=Model)
R = TypeVar("R")


def is_postgres() -> bool:
    return get_connection("default").capabilities.dialect == "postgres"


def for_dialect(sql: str, postgres: bool | None = None) -> str:
    """``sql`` written with ``?`` placeholders, as the database wants them: unchanged for SQLite,
    ``$1, $2…`` for PostgreSQL (``postgres`` defaults to the default connection's dialect)."""
    if postgres is None:
        postgres = is_postgres()
    if not postgres:
        return sql
    return _numbered(sql)


@lru_cache(maxsize=1024)
def _numbered(sql: str) -> str:
    """``sql`` with its ``?`` numbered: remembered, since the same statements (with ``?``, never
    values) come back on every request, and renumbering a transition's last write costs more
    than looking it up."""
    numbers = itertools.count(1)
    return re.sub(r"\?", lambda _: f"${next(numbers)}", sql)


async def rows(sql: str, args: Sequence[Any] = ()) -> list[dict[str, Any]]:
    """The rows of ``sql`` (``?`` placeholders) as dictionaries."""
    return await get_connection("default").execute_query_dict(for_dialect(sql), list(args))


async def one_model(model: type[M], sql: str, args: Sequence[Any] = ()) -> M | None:
    """The first row as a model instance (the SQL must select all of the model's columns)."""
    found = await rows(sql, args)
    return from_rows(model, found[:1])[0] if found else None


async def models(model: type[M], sql: str, args: Sequence[Any] = ()) -> list[M]:
    """The rows of ``sql`` as model instances (it must select all of the model's columns, e.g.
    with :func:`select_list`), without the ORM building the query."""
    return from_rows(model, await rows(sql, args))


@cache
def select_list(model: type[Model], alias: str = "", prefix: str = "", *, unread: Collection[str] = ()) -> str:
    """Every column of ``model`` for a hand-written ``SELECT``: ``"t"."col" AS "<prefix>col", …``
    (``alias``: the table's alias in the query; ``prefix`` tells a joined table's columns apart).
    The ``unread`` columns come as ``NULL`` (the database neither reads nor sends them)."""
    table = f'"{alias}".' if alias else ""

    def source(column: str) -> str:
        return "NULL" if column in unread else f'{table}"{column}"'

    return ", ".join(f'{source(column)} AS "{prefix}{column}"' for column in model._meta.fields_db_projection.values())


def split_prefixed(row: Mapping[str, Any], prefix: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """A joined row cut in two: its unprefixed columns, and those named ``prefix…`` (prefix dropped)."""
    own: dict[str, Any] = {}
    joined: dict[str, Any] = {}
    for key, value in row.items():
        if key.startswith(prefix):
            joined[key[len(prefix):]] = value
        else:
            own[key] = value
    return own, joined


async def update_fields(instance: Model, names: Iterable[str]) -> int:
    """``UPDATE`` the fields ``names`` of a saved instance by its id, as ``save(update_fields=…)``
    would (values converted alike; no ``auto_now`` column added) but without building the query
    through the ORM or sending signals: for hot rows nothing listens to. Returns the rows changed."""
    sql, args = update_sql(instance, names)
    changed, _ = await get_connection("default").execute_query(for_dialect(sql), args)
    return int(changed)


def db_columns(model: type[Model], values: Mapping[str, Any]) -> tuple[list[str], list[Any]]:
    """Column names and database values of ``values`` (model field names), converted exactly as
    the ORM converts them (JSON, time zones, booleans)."""
    meta = model._meta
    columns = [f'"{meta.fields_db_projection[name]}"' for name in values]
    converted = [meta.fields_map[name].to_db_value(value, None) for name, value in values.items()]
    return columns, converted


@lru_cache(maxsize=256)
def _insert_shape(model: type[Model], names: tuple[str, ...], count: int) -> tuple[str, tuple[Callable[..., Any], ...]]:
    """The ``INSERT`` of ``count`` rows of the fields ``names``, and each field's conversion: built
    once per shape (a transition writes the same few shapes every time)."""
    meta = model._meta
    columns = ", ".join(f'"{meta.fields_db_projection[name]}"' for name in names)
    one = "(" + ", ".join("?" for _ in names) + ")"
    sql = f'INSERT INTO "{meta.db_table}" ({columns}) VALUES {", ".join(one for _ in range(count))}'
    return sql, tuple(meta.fields_map[name].to_db_value for name in names)


def insert_rows_sql(model: type[Model], values: Sequence[Mapping[str, Any]]) -> tuple[str, list[Any]]:
    """The multi-row ``INSERT`` of :func:`insert_rows` (``?`` placeholders) and its arguments:
    every row names the first row's fields (in any order), converted as :func:`db_columns` does."""
    names = tuple(values[0])
    sql, converters = _insert_shape(model, names, len(values))
    args: list[Any] = []
    for row in values:
        if len(row) != len(names):
            raise KeyError(f"a row of {model.__name__} names other fields than the first: {sorted(row)}")
        args.extend([convert(row[name], None) for name, convert in zip(names, converters)])
    return sql, args


async def insert_rows(model: type[Model], values: Sequence[Mapping[str, Any]]) -> None:
    """Insert ``values`` (model field names, the same ones in each, every column the table needs:
    no defaults are applied) as one multi-row ``INSERT``, in the caller's transaction."""
    if not values:
        return
    sql, args = insert_rows_sql(model, values)
    await get_connection("default").execute_query(for_dialect(sql), args)


def update_sql(instance: Model, names: Iterable[str]) -> tuple[str, list[Any]]:
    """The ``UPDATE`` of :func:`update_fields` (``?`` placeholders) and its arguments."""
    meta = instance._meta
    names = list(names)
    columns = [f'"{meta.fields_db_projection[name]}" = ?' for name in names]
    args = [meta.fields_map[name].to_db_value(getattr(instance, name), instance) for name in names]
    return f'UPDATE "{meta.db_table}" SET {", ".join(columns)} WHERE "{meta.db_pk_column}" = ?', [*args, instance.pk]


def new_row_values(instance: Model) -> dict[str, Any]:
    """Every field of a new instance but its id (for :func:`insert_rows`), stamping its
    ``auto_now_add`` fields as the ORM does when it writes it."""
    meta = instance._meta
    names = [name for name in meta.fields_db_projection if name != meta.pk_attr]
    for name in names:
        field = meta.fields_map[name]
        if getattr(field, "auto_now_add", False) or getattr(field, "auto_now", False):
            field.to_db_value(getattr(instance, name), instance)  # sets the stamp on the instance
    return {name: getattr(instance, name) for name in names}


def insert_sql(instance: Model) -> tuple[str, list[Any]]:
    """The ``INSERT … RETURNING "id"`` of :func:`insert_new` (``?`` placeholders) and its arguments;
    converting the values stamps ``auto_now_add`` fields on the instance, as the ORM does."""
    sql, names, converters = _insert_new_shape(type(instance))
    return sql, [convert(getattr(instance, name), instance) for name, convert in zip(names, converters)]


@cache
def _insert_new_shape(model: type[Model]) -> tuple[str, tuple[str, ...], tuple[Callable[..., Any], ...]]:
    """:func:`insert_sql`'s statement for ``model``, its fields and their conversions, built once."""
    meta = model._meta
    names = tuple(name for name in meta.fields_db_projection if name != meta.pk_attr)
    columns = ", ".join(f'"{meta.fields_db_projection[name]}"' for name in names)
    placeholders = ", ".join("?" for _ in names)
    sql = f'INSERT INTO "{meta.db_table}" ({columns}) VALUES ({placeholders}) RETURNING "id"'
    return sql, names, tuple(meta.fields_map[name].to_db_value for name in names)


async def write_together(
    statements: Sequence[tuple[str, Sequence[Any]]], meanwhile: Callable[[], None] | None = None
) -> list[dict[str, Any]]:
    """Run writes (``?`` placeholders; none may read what an earlier one wrote) in one round trip, in
    order, in the caller's transaction; returns the rows of the last one's ``RETURNING``. On
    PostgreSQL one statement (the others in data-modifying CTEs); on SQLite one call to the database
    thread (aiosqlite runs each call in its own thread: the hand-over, not SQLite, is what a
    statement costs there).

    ``meanwhile``: work for the loop's thread while PostgreSQL runs the statement (on SQLite, before
    it); what it raises is raised once the statement is done (the caller's transaction then rolls
    back), whatever became of the statement."""
    conn = get_connection("default")
    if conn.capabilities.dialect == "postgres":
        *first, (last_sql, last_args) = statements
        ctes = ", ".join(f'"w{i}" AS ({sql})' for i, (sql, _) in enumerate(first))
        sql = f"WITH {ctes} {last_sql}" if first else last_sql
        args = [a for _, part in statements for a in part]
        running = conn.execute_query_dict(for_dialect(sql, postgres=True), args)
        if meanwhile is None:
            return await running
        return await _while_running(running, meanwhile)
    if meanwhile is not None:
        meanwhile()
    return await _write_together_sqlite(conn, statements)


async def _while_running(running: Awaitable[R], meanwhile: Callable[[], None]) -> R:
    """``meanwhile()`` once ``running`` has sent its statement and waits for the answer."""
    task = asyncio.ensure_future(running)
    await asyncio.sleep(0)  # the task runs up to its first wait: the statement is on its way
    try:
        meanwhile()
    except BaseException:
        with contextlib.suppress(Exception):
            await task
        raise
    return await task


async def _write_together_sqlite(conn: Any, statements: Sequence[tuple[str, Sequence[Any]]]) -> list[dict[str, Any]]:
    def run(raw: Any) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        for sql, args in statements:
            cursor = raw.execute(sql, list(args))
            found = [dict(row) for row in cursor.fetchall()]
            cursor.close()  # finishes a RETURNING statement before the next one
        return found

    return await on_sqlite(conn, run)


async def bounded_read(conn: Any, sql: str, args: Sequence[Any]) -> list[dict[str, Any]]:
    """The rows of a read that an index bounds (a token, a case by id, a page of a work queue, a
    page's events): on SQLite it runs in the loop's thread, under the client's lock like every
    statement, since handing it to aiosqlite's thread costs more than the read. Reads that may be
    long (reports, searches, exports) use ``execute_query_dict``: in aiosqlite's thread, the loop
    serves other requests meanwhile."""
    read_here = getattr(conn, "execute_bounded_read", None)  # GovHall's SQLite client, outside a transaction
    if read_here is None:
        return await conn.execute_query_dict(sql, list(args))  # type: ignore[no-any-return]
    return await read_here(sql, list(args))  # type: ignore[no-any-return]


async def on_sqlite(conn: Any, run: Callable[[Any], R]) -> R:
    """``run(the raw sqlite3 connection)``, a few statements, in one go: in the loop's thread inside
    a transaction (:mod:`core.plumbing.sqlite_engine`), else in one call to aiosqlite's thread (the
    hand-over, not SQLite, is what a statement costs there); SQLite's errors raised as Tortoise's."""
    import sqlite3

    from tortoise.exceptions import IntegrityError, OperationalError

    from core.plumbing.sqlite_engine import in_loop_thread

    async with conn.acquire_connection() as connection:  # aiosqlite.Connection
        try:
            if in_loop_thread(conn):
                return run(connection._conn)
            return await connection._execute(run, connection._conn)
        except sqlite3.IntegrityError as exc:
            raise IntegrityError(exc) from exc
        except sqlite3.OperationalError as exc:
            raise OperationalError(exc) from exc


async def insert_row(model: type[Model], values: Mapping[str, Any]) -> int:
    """Insert one row of ``model`` and return its id: one statement on both databases, with no
    model instance built and validated first. ``values`` (by field name, converted as the ORM
    converts them) must name every column the ORM would fill in: its Python-side defaults do not
    apply here."""
    return await _insert_returning_id(model, *db_columns(model, values))


async def _insert_returning_id(model: type[Model], columns: list[str], args: list[Any]) -> int:
    sql = for_dialect(
        f'INSERT INTO "{model._meta.db_table}" ({", ".join(columns)}) VALUES ({", ".join("?" for _ in args)}) RETURNING "id"'
    )
    return (await get_connection("default").execute_query_dict(sql, args))[0]["id"]


async def insert_new(instance: M) -> M:
    """Write a new model instance (built with its constructor, which applies the field defaults) as
    one ``INSERT … RETURNING "id"``; sets its id. The ORM's ``save`` takes a second statement on
    SQLite for the id and checks the instance first: for hot rows whose values the caller computed.
    Sends no ORM signals, so use it only for models nothing listens to."""
    meta = instance._meta
    names = [name for name in meta.fields_db_projection if name != meta.pk_attr]
    columns = [f'"{meta.fields_db_projection[name]}"' for name in names]
    # converted with the instance, as the ORM does: ``auto_now_add`` stamps are set on it here
    args = [meta.fields_map[name].to_db_value(getattr(instance, name), instance) for name in names]
    instance.pk = await _insert_returning_id(type(instance), columns, args)
    instance._saved_in_db = True
    return instance


def counter_number(prefix: str, seq: int) -> str:
    return f"{prefix}{seq:06d}"


async def insert_numbered_case(
    case_model: type[Model], case_values: Mapping[str, Any], number_scope: str, number_prefix: str,
    event_model: type[Model], event_values: Mapping[str, Any],
) -> tuple[dict[str, Any], int]:
    """Insert a new case (``gh_case``, of ``case_model``) numbered ``number_prefix`` + the next
    value of the ``number_scope`` counter (six digits at least, as :mod:`core.plumbing.counters` counts),
    and its first audit event (``case_event``); returns the case row (all columns) and the
    event's id. Call inside the transaction. On PostgreSQL this is one statement (the
    counter, the case and the event in data-modifying CTEs); on SQLite three."""
    conn = get_connection("default")
    case_columns, case_args = db_columns(case_model, case_values)
    event_columns, event_args = db_columns(event_model, event_values)
    if conn.capabilities.dialect == "postgres":
        case_params = ", ".join("?" for _ in case_args)
        event_params = ", ".join("?" for _ in event_args)
        sql = for_dialect(
            "WITH n AS (INSERT INTO counter (scope, value) VALUES (?, 1) "
            "ON CONFLICT (scope) DO UPDATE SET value = counter.value + 1 RETURNING value), "
            f'c AS (INSERT INTO "gh_case" ("number", {", ".join(case_columns)}) VALUES ('
            "? || (SELECT CASE WHEN value < 1000000 THEN lpad(value::text, 6, '0') ELSE value::text END FROM n), "
            f"{case_params}) RETURNING *), "
            f'e AS (INSERT INTO "case_event" ("case_id", {", ".join(event_columns)}) VALUES ((SELECT id FROM c), {event_params}) '
            'RETURNING id) SELECT c.*, e.id AS "__event_id" FROM c, e',
            postgres=True,
        )
        found = (await conn.execute_query_dict(sql, [number_scope, number_prefix, *case_args, *event_args]))[0]
        event_id = found.pop("__event_id")
        return found, event_id
    return await _insert_numbered_case_sqlite(
        conn=conn,
        case_columns=case_columns,
        case_args=case_args,
        number_scope=number_scope,
        number_prefix=number_prefix,
        event_columns=event_columns,
        event_args=event_args,
    )


async def _insert_numbered_case_sqlite(
    conn: Any, case_columns: list[str], case_args: list[Any], number_scope: str, number_prefix: str,
    event_columns: list[str], event_args: list[Any],
) -> tuple[dict[str, Any], int]:
    """The three statements in one go (:func:`on_sqlite`)."""
    return await on_sqlite(conn, sqlite_numbered_case(
        case_columns=case_columns, case_args=case_args, number_scope=number_scope, number_prefix=number_prefix,
        event_columns=event_columns, event_args=event_args,
    ))


def sqlite_numbered_case(
    *, case_columns: list[str], case_args: list[Any], number_scope: str, number_prefix: str,
    event_columns: list[str], event_args: list[Any],
) -> Callable[[Any], tuple[dict[str, Any], int]]:
    """On SQLite's raw connection: the center's counter bumped, the case inserted with its number,
    then its first event; returns the case's row and the event's id."""
    counter_sql = ("INSERT INTO counter (scope, value) VALUES (?, 1) "
                   "ON CONFLICT (scope) DO UPDATE SET value = counter.value + 1 RETURNING value")
    case_sql = (f'INSERT INTO "gh_case" ("number", {", ".join(case_columns)}) '
                f'VALUES ({", ".join("?" for _ in range(len(case_args) + 1))}) RETURNING *')
    event_sql = (f'INSERT INTO "case_event" ("case_id", {", ".join(event_columns)}) '
                 f'VALUES ({", ".join("?" for _ in range(len(event_args) + 1))})')

    def run(raw: Any) -> tuple[dict[str, Any], int]:
        seq = raw.execute(counter_sql, [number_scope]).fetchone()[0]
        cursor = raw.execute(case_sql, [counter_number(number_prefix, seq), *case_args])
        found = dict(cursor.fetchone())
        cursor.close()  # finishes the RETURNING statement before the next one
        event = raw.execute(event_sql, [found["id"], *event_args])
        return found, int(event.lastrowid)

    return run
