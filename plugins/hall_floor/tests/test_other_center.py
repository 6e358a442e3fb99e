"""A center without the hall floor has none of it: every query and mutation is refused there. (Walk-in
parties are the core's front desk: ``registerWalkInParty`` works in every center.)"""

from __future__ import annotations

import pytest

from core.services.centers import set_plugin_enabled

from ..models import Booking, Ticket
from .drive import (
    BOOK, CALL_NEXT, DISPLAY, RATE, RECTIFICATIONS, SEND_CODE, SLOTS, STATS, TAKE, WINDOW, codes, floor_driver,
)

pytestmark = pytest.mark.anyio


@pytest.fixture
async def drive(app, govhall, gql, monkeypatch):
    driver = await floor_driver(govhall, gql, monkeypatch)
    driver.hall.other = await set_plugin_enabled(driver.hall.other, "hall_floor", False, govhall.hub.installed)
    return driver


async def test_every_call_is_refused_without_the_plugin(drive):
    day = drive.clock.moment.date().isoformat()
    for user, query, variables in (
        (None, DISPLAY, {"c": "other"}),
        ("clerk-other", WINDOW, {"c": "other", "w": "A01"}),
        ("clerk-other", STATS, {"c": "other", "f": day, "t": day}),
        ("clerk-other", RECTIFICATIONS, {"c": "other"}),
        (None, SLOTS, {"c": "other", "q": "A", "d": day}),
    ):
        error = await drive.refused(user, query, **variables)
        assert error["extensions"]["code"] == "FORBIDDEN" and "未启用“大厅现场服务”" in error["message"], (query, error)
    for user, query, variables in (
        (None, TAKE, {"c": "other", "q": "A"}),
        ("clerk-other", CALL_NEXT, {"c": "other", "w": "A01"}),
        ("clerk-other", RATE, {"c": "other", "w": "A01", "l": 5, "k": "1"}),
        ("app1", BOOK, {"c": "other", "q": "A", "d": day, "p": "09:00-10:00"}),
    ):
        result = await drive.run(user, query, **variables)
        assert codes(result) == ["forbidden"] and "未启用" in result["errors"][0]["message"], (query, result)
        assert "hall_floor" not in result["errors"][0]["message"], result  # the plugin's Chinese name, not its code
        assert "大厅现场服务" in result["errors"][0]["message"], result
    assert await Ticket.all().count() == 0 and await Booking.all().count() == 0
    # 认领 is the core's: served in a center without the plugin too (no such case there)
    assert codes(await drive.run("app1", SEND_CODE, c="other", n="X", i="441882198503120010")) == ["no_match"]
