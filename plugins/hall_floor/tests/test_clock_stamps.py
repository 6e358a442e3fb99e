"""The moments the hall floor records for people to see — a booking made, a walk-in party registered,
the duty roster changed (its 最近修改 and its history) — come from the product's clock
(``core.api.now``, held here at the next working day's 09:00), as the tickets' and the cases' do,
not from the machine's."""

from __future__ import annotations

import pytest

from core.plumbing.models import WalkInParty

from ..models import Booking, RosterChange, StoredRoster
from .drive import BOOK, ENTERPRISE, REGISTER, floor_driver
from .test_roster_edit import edited

pytestmark = pytest.mark.anyio

ROSTER = """mutation($c: String!, $i: HallRosterInput!) { saveHallRoster(center: $c, input: $i) {
  __typename ... on HallRoster { updatedAt history { at } } } }"""


@pytest.fixture
async def drive(app, govhall, gql, monkeypatch):
    return await floor_driver(govhall, gql, monkeypatch)


async def test_bookings_walk_ins_and_roster_changes_are_dated_by_the_products_clock(drive):
    held = drive.clock.moment
    booked = await drive.run("app1", BOOK, c="hall", q="A", d=held.date().isoformat(), p="10:00-11:00")
    assert booked["status"] == "booked", booked
    assert (await Booking.get(id=int(booked["id"]))).created_at == held

    party = await drive.run("clerk1", REGISTER, c="hall", k="enterprise", i=ENTERPRISE["uscc"], n=ENTERPRISE["name"],
                            m=ENTERPRISE["mobile"], p=ENTERPRISE["contact"])
    assert (await WalkInParty.get(id=int(party["id"]))).created_at == held

    for capacity, hour in ((5, 10), (4, 11)):  # stored first, then changed: both dated by the held clock
        drive.clock.at(hour, 0)
        saved = await drive.run("sup1", ROSTER, c="hall", i=edited(capacity=capacity))
        assert saved["__typename"] == "HallRoster", saved
        assert (await StoredRoster.get(center_id=drive.hall.center.id)).updated_at == drive.clock.moment
        assert [c.at for c in await RosterChange.all().order_by("-id")][0] == drive.clock.moment
        assert saved["updatedAt"] == saved["history"][0]["at"], saved
