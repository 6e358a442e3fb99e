"""Migration hall_floor 0004: the 转窗 mark columns. Tickets transferred before it are marked where their
rows still tell: a number keeps its first queue's prefix (A002 in queue B came from A), and a number
waiting with a window on it was sent on by that window (not yet called in its new queue)."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from tortoise import Tortoise
from tortoise.connection import get_connection

from core.plumbing.db import tortoise_config, upgrade
from core.plumbing.models import Center
from core.services.plugins import make_plugin_manager, plugin_model_apps
from tests.helpers import before_migration

from ..models import Ticket

pytestmark = pytest.mark.anyio

MIGRATION = "0004_ticket_transfer"
TAKEN = datetime(2026, 11, 27, 1, 0, tzinfo=timezone.utc)


async def test_tickets_transferred_before_the_upgrade_get_their_mark(cli_db):
    config = tortoise_config(cli_db, plugin_model_apps(make_plugin_manager()))
    async with before_migration(config, MIGRATION, app="hall_floor"):
        center = await Center.create(code="here", name="本中心", short_name="本")
        made = {  # number: (queue, status, window)
            "A001": ("B", "waiting", "ZH01"),   # sent to B by ZH01, still waiting there
            "A002": ("B", "called", "DB01"),    # sent to B, since called by B's window: who sent it is lost
            "A003": ("A", "called", "ZH01"),    # never transferred
            "B001": ("B", "skipped", "DB01"),
            "B002": ("B", "waiting", ""),
            "AB001": ("C", "done", "W12"),      # a queue code of two letters
        }
        for number, (queue, status, window) in made.items():
            await Ticket.create(center=center, queue=queue, day=date(2026, 11, 27), number=number, status=status,
                                window_code=window, taken_at=TAKEN)
        conn = get_connection("default")
        for column in ("transferred_from", "transferred_from_queue", "transferred_at"):
            await conn.execute_script(f"ALTER TABLE hall_floor_ticket DROP COLUMN {column}")
    assert await upgrade(config) == [f"hall_floor.{MIGRATION}"]
    await Tortoise.init(config=config)
    try:
        rows = {t.number: (t.transferred_from, t.transferred_from_queue, t.transferred_at) for t in await Ticket.all()}
    finally:
        await Tortoise.close_connections()
    assert rows == {
        "A001": ("ZH01", "A", None), "A002": ("", "A", None), "A003": ("", "", None), "B001": ("", "", None),
        "B002": ("", "", None), "AB001": ("", "AB", None),
    }
