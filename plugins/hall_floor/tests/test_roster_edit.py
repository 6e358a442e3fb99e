"""The duty roster edited on the supervisor's screen: who may, what is refused (capacities, periods,
past or non-Saturday dates, unknown windows), a change that would strand bookings refused with those
bookings listed, the saved roster in force for bookings, surviving a re-import of the center file,
and every change audited."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.api import cn_date
from core.services.centers import load_center
from tests.helpers import center_doc

from ..models import Booking, RosterChange, StoredRoster
from .drive import BOOK, HALL_FLOOR, SLOTS, codes, floor_driver

pytestmark = pytest.mark.anyio

FIELDS = """center capacity daysAhead periods extendedPeriods everySaturday saturdays saturdayPeriods saturdayWindows queues
  source updatedBy canEdit windows { code } allQueues { code } history { user summary }"""
VIEW = f"query($c: String!) {{ hallRoster(center: $c) {{ {FIELDS} }} }}"
SAVE = f"""mutation($c: String!, $i: HallRosterInput!) {{ saveHallRoster(center: $c, input: $i) {{
  __typename ... on HallRoster {{ {FIELDS} }} ... on UserErrors {{ errors {{ code message path }} }} }} }}"""


@pytest.fixture
async def drive(app, govhall, gql, monkeypatch):
    return await floor_driver(govhall, gql, monkeypatch)


def edited(**changes):
    base = {"capacity": 3, "daysAhead": 14, "periods": ["09:00-10:00", "10:00-11:00", "14:00-15:00"],
            "extendedPeriods": ["17:00-18:30"], "everySaturday": True, "saturdays": [], "saturdayPeriods": ["09:00-10:00"],
            "saturdayWindows": ["A01"], "queues": None}
    return {**base, **changes}


def next_saturday(day):
    return day + timedelta(days=(5 - day.weekday()) % 7 or 7)


async def test_the_file_roster_is_shown_and_only_supervisors_and_administrators_change_it(drive):
    shown = await drive.run("clerk1", VIEW, c="hall")
    assert shown["source"] == "file" and shown["canEdit"] is False
    assert shown["periods"] == ["09:00-10:00", "10:00-11:00", "14:00-15:00"] and shown["everySaturday"] is True
    assert {w["code"] for w in shown["windows"]} >= {"A01", "B01"} and [q["code"] for q in shown["allQueues"]] == ["A", "B"]
    assert (await drive.run("sup1", VIEW, c="hall"))["canEdit"] is True
    refused = await drive.run("clerk1", SAVE, c="hall", i=edited(capacity=5))
    assert codes(refused) == ["forbidden"]
    assert "FORBIDDEN" in str(await drive.refused("app1", VIEW, c="hall"))


async def test_bad_values_are_refused_all_at_once_and_nothing_is_stored(drive):
    today = drive.clock.moment.date()
    past = next_saturday(today) - timedelta(days=7)
    result = await drive.run("sup1", SAVE, c="hall", i=edited(
        capacity=0, daysAhead=400, periods=["10:00-09:00", "9点到10点"], extendedPeriods=["14:30-16:00"],
        everySaturday=False, saturdays=[past.isoformat(), (next_saturday(today) + timedelta(days=1)).isoformat()],
        saturdayWindows=["ZZ9"], queues=["Z"]))
    found = {(e["code"], e["path"]) for e in result["errors"]}
    said = {e["path"]: e["message"] for e in result["errors"]}
    assert f"值班周六{cn_date(past)}已过" in said["/saturdays/0"], said
    assert f"{cn_date(next_saturday(today) + timedelta(days=1))}不是星期六" in said["/saturdays/1"], said
    assert {("range", "/capacity"), ("range", "/daysAhead"), ("period", "/periods/0"), ("period", "/periods/1"),
            ("past", "/saturdays/0"), ("not_saturday", "/saturdays/1"), ("unknown_window", "/saturdayWindows/0"),
            ("unknown_queue", "/queues/0")} <= found, found
    overlap = await drive.run("sup1", SAVE, c="hall", i=edited(extendedPeriods=["14:30-16:00"]))
    assert codes(overlap) == ["overlap"] and "重叠" in overlap["errors"][0]["message"]
    assert await StoredRoster.all().count() == 0 and await RosterChange.all().count() == 0


async def test_a_saved_roster_is_in_force_survives_a_reimport_and_is_audited(drive, govhall):
    today = drive.clock.moment.date()
    saturday = next_saturday(today)
    saved = await drive.run("sup1", SAVE, c="hall", i=edited(
        capacity=1, periods=["09:00-10:00", "10:00-11:00"], extendedPeriods=["12:00-13:30"], everySaturday=False,
        saturdays=[saturday.isoformat()]))
    assert saved["__typename"] == "HallRoster", saved
    assert saved["source"] == "screen" and saved["capacity"] == 1 and saved["saturdays"] == [saturday.isoformat()]
    assert saved["history"][0]["user"] == "sup1" and "每时段人数上限：3 → 1" in saved["history"][0]["summary"]
    slots = await drive.run(None, SLOTS, c="hall", q="A", d=today.isoformat())
    assert [(s["period"], s["capacity"]) for s in slots["slots"]] == [
        ("09:00-10:00", 1), ("10:00-11:00", 1), ("12:00-13:30", 1)]
    assert (await drive.run("app1", BOOK, c="hall", q="A", d=today.isoformat(), p="12:00-13:30"))["status"] == "booked"
    assert codes(await drive.run("app2", BOOK, c="hall", q="A", d=today.isoformat(), p="12:00-13:30")) == ["full"]

    doc = center_doc("hall", ["hall_floor"], settings={"hallFloor": HALL_FLOOR})
    doc["windows"].append({"code": "B01", "name": "企业服务窗口", "kind": "special", "department": "scjg"})
    await load_center(doc, govhall.hub)  # the center file again: the screen's roster stays
    assert (await drive.run("clerk1", VIEW, c="hall"))["periods"] == ["09:00-10:00", "10:00-11:00"]

    again = await drive.run("admin1", SAVE, c="hall", i={**edited(capacity=2, periods=["09:00-10:00", "10:00-11:00"],
                                                                  extendedPeriods=["12:00-13:30"], everySaturday=False,
                                                                  saturdays=[saturday.isoformat()])})
    assert [h["user"] for h in again["history"]] == ["admin1", "sup1"]
    assert await RosterChange.all().count() == 2


async def test_a_change_that_strands_bookings_is_refused_with_them_listed(drive):
    today = drive.clock.moment.date()
    booked = await drive.run("app1", BOOK, c="hall", q="A", d=today.isoformat(), p="17:00-18:30")
    assert booked["status"] == "booked"
    await drive.run("app2", BOOK, c="hall", q="A", d=today.isoformat(), p="10:00-11:00")
    await drive.run("agent1", BOOK, c="hall", q="A", d=today.isoformat(), p="10:00-11:00")

    refused = await drive.run("sup1", SAVE, c="hall", i=edited(extendedPeriods=[]))
    assert codes(refused) == ["bookings_affected"]
    message = refused["errors"][0]["message"]
    assert f"{cn_date(today)} 17:00-18:30 A类" in message and "1个" in message
    smaller = await drive.run("sup1", SAVE, c="hall", i=edited(capacity=1))
    assert codes(smaller) == ["bookings_affected"] and "10:00-11:00" in smaller["errors"][0]["message"]
    assert await StoredRoster.all().count() == 0
    # keeping the booked periods and capacity is accepted
    assert (await drive.run("sup1", SAVE, c="hall", i=edited(capacity=2, periods=["09:00-10:00", "10:00-11:00"])))["capacity"] == 2


async def test_a_booking_made_while_a_roster_is_saved_is_checked_against_the_new_roster(drive, monkeypatch):
    """The roster's check of the bookings and its save, and a booking's check of the roster and its
    place, are serialised: a booking sent while the roster that closes its period is being saved
    waits, then is refused; it is never left outside the roster in force."""
    import asyncio

    from .. import roster_edit

    checked, proceed = asyncio.Event(), asyncio.Event()
    original = roster_edit.affected_bookings

    async def held_after_the_check(*args, **kwargs):
        found = await original(*args, **kwargs)
        checked.set()
        await proceed.wait()  # the save has checked the bookings and not yet stored the roster
        return found

    monkeypatch.setattr(roster_edit, "affected_bookings", held_after_the_check)
    today = drive.clock.moment.date().isoformat()
    saving = asyncio.create_task(drive.run("sup1", SAVE, c="hall", i=edited(extendedPeriods=[])))
    await checked.wait()
    booking = asyncio.create_task(drive.run("app1", BOOK, c="hall", q="A", d=today, p="17:00-18:30"))
    for _ in range(50):  # let the booking run as far as it can while the save is held
        await asyncio.sleep(0.01)
    assert not booking.done()  # it waits for the roster being saved
    proceed.set()
    saved, booked = await saving, await booking
    assert saved["extendedPeriods"] == []
    assert codes(booked) == ["closed"], booked
    assert not await Booking.filter(period="17:00-18:30").exists()


CLOSE = """mutation($c: String!, $code: String!) { closeWindow(center: $c, code: $code) { __typename } }"""


async def test_a_closed_window_is_not_offered_nor_taken_for_saturday_duty_unless_the_roster_keeps_it(drive, govhall):
    """撤销: the picker lists the open windows only; a closed window newly chosen for Saturday duty is
    refused (``window_closed``), one the roster in force already names is kept when it is edited."""
    roster = {**HALL_FLOOR["roster"], "saturdayWindows": ["A01", "D01"]}
    doc = center_doc("hall", ["hall_floor"], settings={"hallFloor": {**HALL_FLOOR, "roster": roster}})
    doc["windows"] += [{"code": "B01", "name": "企业服务窗口", "kind": "special", "department": "scjg"},
                       {"code": "D01", "name": "不动产窗口", "kind": "special", "department": "zjj"},
                       {"code": "D02", "name": "公安窗口", "kind": "special", "department": "gaj"}]
    await load_center(doc, govhall.hub)
    for code in ("D01", "D02"):
        assert (await drive.run("admin1", CLOSE, c="hall", code=code))["__typename"] == "Window"

    shown = await drive.run("sup1", VIEW, c="hall")
    assert [w["code"] for w in shown["windows"]] == ["A01", "B01", "C01"] and shown["saturdayWindows"] == ["A01", "D01"]
    refused = await drive.run("sup1", SAVE, c="hall", i=edited(saturdayWindows=["A01", "D01", "D02"]))
    assert [(e["code"], e["path"]) for e in refused["errors"]] == [("window_closed", "/saturdayWindows/2")]
    assert refused["errors"][0]["message"] == "窗口“公安窗口”已撤销，不能再安排周六值班"
    assert await StoredRoster.all().count() == 0
    kept = await drive.run("sup1", SAVE, c="hall", i=edited(capacity=2, saturdayWindows=["A01", "D01"]))
    assert kept["saturdayWindows"] == ["A01", "D01"] and kept["capacity"] == 2
