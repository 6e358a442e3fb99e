"""Gap-free sequence numbers (case numbers, document numbers) that concurrent transactions never
share: one row per scope, incremented with one upsert ``... RETURNING`` inside the caller's transaction,
so the row stays locked until that transaction commits or rolls back."""

from __future__ import annotations

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
