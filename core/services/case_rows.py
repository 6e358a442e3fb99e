"""Reading one case by id, with SQL written once per dialect.

Every ``case`` query, transition and case page (materials, documents) reads its case first. Built
through the ORM (``Case.get_or_none(...).select_related(...)``), pypika composes the same query
again on each call, which costs more than running it; here the statement is made once from the
models' columns, and the rows become model instances as the ORM makes them.

A case's page also shows its audit events: :func:`case_and_events` reads them with the case, in one
statement on PostgreSQL (an array of row values beside the case's columns; asyncpg decodes each value
as it decodes a column of its own, so the events are the rows their own query would give)."""

from __future__ import annotations

from functools import cache

from tortoise.connection import get_connection
from tortoise.models import Model

from core.plumbing.instances import from_rows
from core.plumbing.models import Case, CaseEvent, Center, ItemVersion
from core.plumbing.sql import bounded_read, for_dialect, select_list, split_prefixed

# the related rows a joined read adds to the case: (attribute, model, table alias)
_RELATED: tuple[tuple[str, type[Model], str], ...] = (("center", Center, "c"), ("item_version", ItemVersion, "v"))


@cache
def _case_sql(postgres: bool, joined: bool) -> str:
    """``SELECT`` of every column of the case ``?``; ``joined``: and of its center and item version,
    each named ``<attribute>.<column>`` (as the ORM's ``select_related`` names them)."""
    select = [select_list(Case, "k")]
    joins = ""
    if joined:
        for attr, model, alias in _RELATED:
            select.append(select_list(model, alias, f"{attr}."))
            joins += f' LEFT OUTER JOIN "{model._meta.db_table}" "{alias}" ON "{alias}"."id" = "k"."{attr}_id"'
    return for_dialect(f'SELECT {", ".join(select)} FROM "{Case._meta.db_table}" "k"{joins} WHERE "k"."id" = ? LIMIT 1', postgres)


async def case_by_id(case_id: int, *, joined: bool) -> Case | None:
    """The case ``case_id`` (None when there is none); ``joined``: with its center and item
    version, as ``Case.get_or_none(id=…).select_related("center", "item_version")`` gives them."""
    conn = get_connection("default")
    found = await bounded_read(conn, _case_sql(conn.capabilities.dialect == "postgres", joined), [case_id])
    if not found:
        return None
    own = found[0]
    related: dict[str, Model | None] = {}
    if joined:
        for attr, model, _alias in _RELATED:
            own, values = split_prefixed(own, f"{attr}.")
            related[attr] = model._init_from_db(**values) if values["id"] is not None else None
    (case,) = from_rows(Case, [own])
    for attr, value in related.items():
        object.__setattr__(case, f"_{attr}", value)
    return case


@cache
def _event_columns() -> tuple[str, ...]:
    return tuple(CaseEvent._meta.fields_db_projection.values())


@cache
def _events_sql(postgres: bool) -> str:
    """``SELECT`` of every column of the case ``?``'s events, by ``seq`` (as the events loader reads them)."""
    columns = ", ".join(f'"{c}"' for c in _event_columns())
    return for_dialect(f'SELECT {columns} FROM "{CaseEvent._meta.db_table}" WHERE "case_id" = ? ORDER BY "seq"', postgres)


@cache
def _case_and_events_sql() -> str:
    """PostgreSQL: the case ``$1`` (as :func:`_case_sql` reads it without joins) and its events as an
    array of anonymous rows (``__events``), their columns in :func:`_event_columns`'s order."""
    row = ", ".join(f'"e"."{c}"' for c in _event_columns())
    events = (f'ARRAY(SELECT ROW({row}) FROM "{CaseEvent._meta.db_table}" "e" WHERE "e"."case_id" = "k"."id" '
              'ORDER BY "e"."seq") AS "__events"')
    return for_dialect(f'SELECT {select_list(Case, "k")}, {events} FROM "{Case._meta.db_table}" "k" WHERE "k"."id" = ? LIMIT 1', True)


async def case_and_events(case_id: int) -> tuple[Case | None, list[CaseEvent]]:
    """The case ``case_id`` (as :func:`case_by_id` reads it without joins; None when there is none)
    and its audit events by ``seq`` (none then): one statement on PostgreSQL, two bounded reads on
    SQLite (in the loop's thread, no hand-over to pay for)."""
    conn = get_connection("default")
    if conn.capabilities.dialect == "postgres":
        found = await bounded_read(conn, _case_and_events_sql(), [case_id])
        if not found:
            return None, []
        own = found[0]
        columns = _event_columns()
        events = from_rows(CaseEvent, [dict(zip(columns, values)) for values in own.pop("__events")])
        return from_rows(Case, [own])[0], events
    case = await case_by_id(case_id, joined=False)
    if case is None:
        return None, []
    return case, from_rows(CaseEvent, await bounded_read(conn, _events_sql(False), [case_id]))
