"""A hand-over (移交时间) and a pickup (出件登记, which the pickup register of a period counts by) are
dated by the product's clock (``core.api.now``, held here five hours behind the machine's), as their
receipt and the case's moments are."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from core.services import clock
from plugins.one_window.models import HandOver, PickupRecord
from tests.hall import build_hall

from .drive import CHECKED, ID_NUMBER, WindowDriver

pytestmark = pytest.mark.anyio


@pytest.fixture
async def drive(app, govhall, gql):
    return WindowDriver(gql, await build_hall(govhall, gql, plugins=["one_window"]))


async def test_hand_overs_and_pickups_are_dated_by_the_products_clock(drive, monkeypatch):
    held = [datetime.now(timezone.utc).replace(microsecond=0) - timedelta(hours=5)]
    monkeypatch.setattr(clock, "now", lambda: held[0])
    case = await drive.ok("clerk1", await drive.submit("app1"), "accept", data=CHECKED)
    handed = await drive.hand_over("clerk1", case, dep="scjg")
    assert handed["__typename"] == "HandOver", handed
    await drive.receive("rev-scjg", handed)
    row = await HandOver.get(id=int(handed["id"]))
    assert row.handed_at == row.received_at == held[0]  # never received before it was handed over

    case = await drive.ok("rev-scjg", case, "approve", comment="符合条件，准予许可")
    await drive.receive("pick1", await drive.hand_over("rev-scjg", case, pickup=True))
    held[0] += timedelta(minutes=30)
    case = await drive.ok("pick1", case, "deliver", data={"method": "in_person", "receiver": "张三", "idNumber": ID_NUMBER, "proxy": True})
    assert (await PickupRecord.get(case_id=int(case["id"]))).at == held[0]
