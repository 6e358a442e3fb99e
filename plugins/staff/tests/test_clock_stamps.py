"""A leave request is dated by the product's clock (``core.api.now``, held here in March 2026), as the
decisions on it are."""

from __future__ import annotations

from datetime import datetime

import pytest

from core.api import CENTER_TZ
from plugins.staff.models import LeaveRequest

from .drive import build_staff

pytestmark = pytest.mark.anyio


@pytest.fixture
async def drive(app, govhall, gql, monkeypatch):
    return await build_staff(govhall, gql, monkeypatch)


async def test_a_leave_request_is_dated_by_the_products_clock(drive):
    drive.at("2026-03-02 08:30")
    asked = await drive.leave("clerk1", "personal", "2026-03-09", "2026-03-09")
    assert asked["__typename"] == "LeaveRequest", asked
    assert (await LeaveRequest.get(id=int(asked["id"]))).created_at == datetime(2026, 3, 2, 8, 30, tzinfo=CENTER_TZ)
