"""Places in capacity-limited slots (a period of a day that takes so many bookings), safe under
concurrent bookings on both databases.

A slot is a row of a plugin's own model with the columns ``center_id``, ``slot`` (the plugin's key
for the period: ``"2026-12-01 09:00-10:00"``) and ``booked`` (places taken), unique on
``(center, slot)``. The row is created by the first booking and raised by one upsert that changes
nothing once ``booked`` has reached the capacity, so two bookings can never both take the last place:
on PostgreSQL the second upsert waits for the first one's row lock, then sees the new count.
"""

from __future__ import annotations

from tortoise.connection import get_connection
from tortoise.expressions import F
from tortoise.models import Model

from core.plumbing.models import Center
from core.plumbing.sql import for_dialect


async def claim_place(slot_model: type[Model], center: Center, key: str, capacity: int) -> bool:
    """Take one place in the slot ``key`` of ``center`` if fewer than ``capacity`` are taken (the
    slot's row is created at the first place); False when the slot is full. Call it in the
    booking's transaction: a rollback gives the place back."""
    table = slot_model._meta.db_table
    rows = await get_connection("default").execute_query_dict(
        for_dialect(f"INSERT INTO {table} (center_id, slot, booked) VALUES (?, ?, 1) "
                    f"ON CONFLICT (center_id, slot) DO UPDATE SET booked = {table}.booked + 1 "
                    f"WHERE {table}.booked < ? RETURNING booked"),
        [center.id, key, capacity],
    )
    return bool(rows)


async def release_place(slot_model: type[Model], center_id: int, key: str) -> None:
    """Give back one place of the slot ``key`` (a booking was cancelled), in the caller's transaction."""
    await slot_model.filter(center_id=center_id, slot=key).update(booked=F("booked") - 1)


def _scope_key(name: str) -> int:
    """A stable 32-bit signed number for ``name`` (PostgreSQL's advisory locks take two int4 keys)."""
    import zlib

    value = zlib.crc32(name.encode("utf-8"))
    return value - (1 << 32) if value >= 1 << 31 else value


async def lock_scope(center_id: int, name: str, *, shared: bool = False) -> None:
    """Hold the lock ``name`` of a center until the caller's transaction ends: what changes a rule
    (exclusive) waits for what is being decided under it (shared), and the other way round. On
    PostgreSQL a transaction-level advisory lock; on SQLite nothing is needed: a process runs its
    transactions one at a time, and several GovHall processes share only PostgreSQL."""
    conn = get_connection("default")
    if conn.capabilities.dialect != "postgres":
        return
    function = "pg_advisory_xact_lock_shared" if shared else "pg_advisory_xact_lock"
    await conn.execute_query(f"SELECT {function}($1, $2)", [_scope_key(name), center_id])
