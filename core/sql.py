"""Hand-written SQL for the few queries every request runs, where building the query through the
ORM costs more than running it. Placeholders differ: ``$1`` on PostgreSQL, ``?`` on SQLite."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from tortoise.connection import get_connection
from tortoise.models import Model

M = TypeVar("M", bound=Model)


def placeholders(sql: str) -> str:
    """Write ``{1}``, ``{2}``... in the SQL; get the dialect's placeholders."""
    conn = get_connection("default")
    if conn.capabilities.dialect == "postgres":
        return sql.format(*(f"${i}" for i in range(1, 10)))
    return sql.format(*("?" for _ in range(9)))


async def rows(sql: str, args: Sequence[Any] = ()) -> list[dict[str, Any]]:
    return await get_connection("default").execute_query_dict(placeholders(sql), list(args))


async def one_model(model: type[M], sql: str, args: Sequence[Any] = ()) -> M | None:
    """The first row as a model instance (the SQL must select all of the model's columns)."""
    found = await rows(sql, args)
    return model._init_from_db(**found[0]) if found else None
