"""Reading one case by id, with SQL written once per dialect.

Every ``case`` query, transition and case page (materials, documents) reads its case first. Built
through the ORM (``Case.get_or_none(...).select_related(...)``), pypika composes the same query
again on each call, which costs more than running it; here the statement is made once from the
models' columns, and the rows become model instances as the ORM makes them."""

from __future__ import annotations

from functools import cache

from tortoise.connection import get_connection
from tortoise.models import Model

from core.plumbing.models import Case, Center, ItemVersion
from core.plumbing.sql import for_dialect

# the related rows a joined read adds to the case: (attribute, model, table alias)
_RELATED: tuple[tuple[str, type[Model], str], ...] = (("center", Center, "c"), ("item_version", ItemVersion, "v"))


@cache
def _columns(model: type[Model]) -> tuple[str, ...]:
    return tuple(model._meta.fields_db_projection.values())


@cache
def _case_sql(postgres: bool, joined: bool) -> str:
    """``SELECT`` of every column of the case ``?``; ``joined``: and of its center and item version,
    each named ``<attribute>.<column>`` (as the ORM's ``select_related`` names them)."""
    select = [f'k."{c}"' for c in _columns(Case)]
    joins = ""
    if joined:
        for attr, model, alias in _RELATED:
            select += [f'{alias}."{c}" AS "{attr}.{c}"' for c in _columns(model)]
            joins += f' LEFT OUTER JOIN "{model._meta.db_table}" {alias} ON {alias}."id" = k."{attr}_id"'
    return for_dialect(f'SELECT {", ".join(select)} FROM "{Case._meta.db_table}" k{joins} WHERE k."id" = ? LIMIT 1', postgres)


def case_columns() -> tuple[str, ...]:
    """The case table's columns, as the ORM selects them."""
    return _columns(Case)


async def case_by_id(case_id: int, *, joined: bool) -> Case | None:
    """The case ``case_id`` (None when there is none); ``joined``: with its center and item
    version, as ``Case.get_or_none(id=…).select_related("center", "item_version")`` gives them."""
    conn = get_connection("default")
    found = await conn.execute_query_dict(_case_sql(conn.capabilities.dialect == "postgres", joined), [case_id])
    if not found:
        return None
    row = found[0]
    if not joined:
        return Case._init_from_db(**row)
    case = Case._init_from_db(**{k: row[k] for k in _columns(Case)})
    for attr, model, _alias in _RELATED:
        prefix = f"{attr}."
        values = {c: row[prefix + c] for c in _columns(model)}
        related = model._init_from_db(**values) if values["id"] is not None else None
        object.__setattr__(case, f"_{attr}", related)
    return case
