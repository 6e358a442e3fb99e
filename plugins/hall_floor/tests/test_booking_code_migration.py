"""Migration hall_floor 0003: the 预约码 column; bookings still booked when it runs get their code
(six digits, unique among the center's booked bookings of the day), so they too work at the kiosk;
used and cancelled ones get none (NULL)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from tortoise import Tortoise
from tortoise.connection import get_connection

from core.plumbing.db import tortoise_config, upgrade
from core.plumbing.models import Center, User
from core.services.plugins import make_plugin_manager, plugin_model_apps

from ..models import Booking

pytestmark = pytest.mark.anyio

MIGRATION = "0003_booking_code"


async def _bookings_as_before(config: dict) -> None:
    """The newest tables with 0003 not yet applied: its column gone, bookings made before it."""
    await upgrade(config)
    await Tortoise.init(config=config)
    try:
        here = await Center.create(code="here", name="本中心", short_name="本")
        there = await Center.create(code="there", name="他中心", short_name="他")
        users = [await User.create(username=f"u{i}", password_hash="-") for i in range(4)]
        day, other_day = date(2026, 12, 1), date(2026, 12, 2)
        made = [(here, users[0], day, "booked"), (here, users[1], day, "booked"), (here, users[2], day, "booked"),
                (here, users[3], day, "arrived"), (here, users[0], other_day, "cancelled"), (there, users[0], day, "booked")]
        for i, (center, user, on, status) in enumerate(made):
            await Booking.create(center=center, user=user, queue="A", day=on, period="09:00-10:00", slot=f"A {on} 09:00-10:00",
                                 holder=user.id if status != "cancelled" else None, status=status, code=str(i))
        conn = get_connection("default")
        await conn.execute_script("ALTER TABLE hall_floor_booking DROP COLUMN code")
        await conn.execute_query(f"DELETE FROM tortoise_migrations WHERE app = 'hall_floor' AND name = '{MIGRATION}'")
    finally:
        await Tortoise.close_connections()


async def test_bookings_still_booked_get_a_code_when_the_column_comes(cli_db):
    config = tortoise_config(cli_db, plugin_model_apps(make_plugin_manager()))
    await _bookings_as_before(config)
    assert await upgrade(config) == [f"hall_floor.{MIGRATION}"]
    await Tortoise.init(config=config)
    try:
        rows = [(b.center_id, b.day, b.status, b.code) for b in await Booking.all().order_by("id")]  # type: ignore[attr-defined]
    finally:
        await Tortoise.close_connections()
    booked = [r for r in rows if r[2] == "booked"]
    assert all(re.fullmatch(r"\d{6}", code) for *_, code in booked), rows
    assert len({(center, day, code) for center, day, _, code in booked}) == len(booked) == 4
    assert [code for *_, status, code in rows if status != "booked"] == [None, None]
