"""An agency request, an appointment and a gift pack are dated (``createdAt``) by the product's clock
(``core.api.now``, held here five hours behind the machine's), as the cases they serve are."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from core.services import clock
from plugins.enterprise_zone.models import AgencyRequest, Appointment, GiftPack

from .drive import BOOK, REQUEST_AGENCY, ZoneDriver, build_zone, next_workdays, opening_data

pytestmark = pytest.mark.anyio
REVIEWERS = {"scjg": "rev-scjg", "gaj": "rev-gaj", "swj": "rev-swj", "rsj": "rev-rsj", "gjj": "rev-gjj"}


@pytest.fixture
async def drive(app, govhall, gql):
    return ZoneDriver(gql, await build_zone(govhall, gql))


async def test_requests_appointments_and_gift_packs_are_dated_by_the_products_clock(drive, monkeypatch):
    held = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(hours=5)
    monkeypatch.setattr(clock, "now", lambda: held)

    asked = await drive.run("app1", REQUEST_AGENCY, c="hall", i="qykb-yjs", m="13800138000")
    assert (await AgencyRequest.get(id=int(asked["id"]))).created_at == held

    (day,) = await next_workdays(drive.hall.center, 1)
    booked = await drive.run("app1", BOOK, c="hall", i="qykb-yjs", d=day.isoformat(), p="09:00-10:00")
    assert (await Appointment.get(id=int(booked["id"]))).created_at == held

    case = await drive.ok("clerk1", await drive.submit("app1", item="qykb-yjs", data=opening_data()), "accept")
    for department, reviewer in REVIEWERS.items():
        case = await drive.ok(reviewer, case, "approve_task")
    assert case["state"] == "approved", case
    assert (await GiftPack.get(case_id=int(case["id"]))).created_at == held
