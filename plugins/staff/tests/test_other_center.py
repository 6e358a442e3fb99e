"""A center that does not enable the staff plugin has none of it: every query and mutation the
plugin contributes is refused there, and a leave approved elsewhere moves nothing of its cases."""

from __future__ import annotations

import pytest

from core.services.centers import set_plugin_enabled

from .drive import (
    CLOCK_IN, LEAVE_REQUESTS, MONTH, REGISTER, REGISTER_DEVICE, REQUEST_LEAVE, SAVE_RECORD, SHEET, YEAR, build_staff, codes,
)

pytestmark = pytest.mark.anyio


@pytest.fixture
async def drive(app, govhall, gql, monkeypatch):
    drive = await build_staff(govhall, gql, monkeypatch)
    drive.hall.other = await set_plugin_enabled(drive.hall.other, "staff", False, govhall.hub.installed)
    return drive


async def test_everything_is_refused_without_the_plugin(drive):
    for query, variables in ((REGISTER, {"c": "other"}), (LEAVE_REQUESTS, {"c": "other"}),
                             (SHEET, {"c": "other", "m": "2026-03"}), (MONTH, {"c": "other", "m": "2026-03"}),
                             (YEAR, {"c": "other", "y": 2026})):
        error = await drive.refused("clerk-other", query, **variables)
        assert error["extensions"]["code"] == "FORBIDDEN" and "未启用" in error["message"], query
    for query, variables in ((CLOCK_IN, {"c": "other"}),
                             (REQUEST_LEAVE, {"c": "other", "i": {"kind": "personal", "start": "2026-03-09", "end": "2026-03-09"}}),
                             (SAVE_RECORD, {"c": "other", "i": {"username": "clerk-other", "position": "window_staff",
                                                                  "postedOn": "2026-03-02"}}),
                             (REGISTER_DEVICE, {"c": "other", "w": "A01", "n": "读卡器"})):
        result = await drive.run("clerk-other" if query in (CLOCK_IN, REQUEST_LEAVE) else "admin1", query, **variables)
        assert codes(result) == ["forbidden"] and "未启用" in result["errors"][0]["message"], query


async def test_turning_the_plugin_off_refuses_the_hall_too(drive, govhall):
    assert (await drive.clock("clerk1", "2026-03-02 08:55"))["slot"] == "am_in"
    await set_plugin_enabled(drive.hall.center, "staff", False, govhall.hub.installed)
    assert codes(await drive.clock("clerk1", "2026-03-02 13:25")) == ["forbidden"]
