"""Gap-free sequence numbers (case numbers, document numbers) that concurrent transactions never
share: one row per scope, incremented with one upsert ``... RETURNING`` inside the caller's transaction,
so the row stays locked until that transaction commits or rolls back."""

from __future__ import annotations

from collections import Counter as Tally
from collections.abc import Sequence

from tortoise.connection import get_connection

from core.plumbing.sql import for_dialect


async def next_value(scope: str) -> int:
    """The next number of ``scope`` (1, 2, 3...). Call inside the transaction that uses it."""
    conn = get_connection("default")
    rows = await conn.execute_query_dict(
        for_dialect("INSERT INTO counter (scope, value) VALUES (?, 1) "
                    "ON CONFLICT (scope) DO UPDATE SET value = counter.value + 1 RETURNING value"),
        [scope],
    )
    return int(rows[0]["value"])


async def next_values(scopes: Sequence[str]) -> list[int]:
    """The next number of each of ``scopes`` in order, in one statement (a scope named twice gets
    two numbers, in order): what :func:`next_value` gives called for each in turn. The counter rows
    are locked in the order of their names."""
    if len(scopes) <= 1:
        return [await next_value(scope) for scope in scopes]
    taken = Tally(scopes)
    ordered = sorted(taken)
    conn = get_connection("default")
    rows = await conn.execute_query_dict(
        for_dialect(f"INSERT INTO counter (scope, value) VALUES {', '.join('(?, ?)' for _ in ordered)} "
                    "ON CONFLICT (scope) DO UPDATE SET value = counter.value + excluded.value RETURNING scope, value"),
        [a for scope in ordered for a in (scope, taken[scope])],
    )
    after = {row["scope"]: int(row["value"]) for row in rows}
    given: dict[str, int] = {}
    numbers = []
    for scope in scopes:
        given[scope] = given.get(scope, 0) + 1
        numbers.append(after[scope] - taken[scope] + given[scope])
    return numbers
