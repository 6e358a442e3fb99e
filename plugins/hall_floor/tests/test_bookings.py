"""Bookings on the duty roster: the open periods (working days, extended hours, duty Saturdays),
closed slots refused, capacity and one place per person under concurrent bookings over HTTP."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from core.api import cn_date
from core.plumbing.models import Center
from tests.helpers import PASSWORD, make_user

from ..models import Booking, BookingSlot
from .drive import BOOK, BOOKINGS, CANCEL, SLOTS, TAKE, codes, floor_driver

pytestmark = pytest.mark.anyio


@pytest.fixture
async def drive(app, govhall, gql, monkeypatch):
    return await floor_driver(govhall, gql, monkeypatch)


async def _saturday_and_sunday(drive):
    from core.services.clock import calendar_for

    calendar = await calendar_for(drive.hall.center)
    day = drive.clock.moment.date()
    while not (day.weekday() == 5 and not calendar.is_workday(day) and calendar.day_info(day).reason.startswith("周末")
               and not calendar.is_workday(day + timedelta(days=1))):
        day += timedelta(days=1)
    return day, day + timedelta(days=1)


async def test_the_roster_opens_workdays_extended_hours_and_duty_saturdays(drive):
    day = drive.clock.moment.date()
    slots = await drive.run(None, SLOTS, c="hall", q="A", d=day.isoformat())
    assert [(s["period"], s["extended"]) for s in slots["slots"]] == [
        ("09:00-10:00", False), ("10:00-11:00", False), ("14:00-15:00", False), ("17:00-18:30", True)]
    saturday, sunday = await _saturday_and_sunday(drive)
    assert [s["period"] for s in (await drive.run(None, SLOTS, c="hall", q="A", d=saturday.isoformat()))["slots"]] == ["09:00-10:00"]
    on_saturday_b = await drive.run(None, SLOTS, c="hall", q="B", d=saturday.isoformat())
    assert on_saturday_b["slots"] == [] and "不值班" in on_saturday_b["closedReason"]
    assert f"{saturday.year}年{saturday.month}月{saturday.day}日（周六值班）" in on_saturday_b["closedReason"]
    on_sunday = await drive.run(None, SLOTS, c="hall", q="A", d=sunday.isoformat())
    assert f"{sunday.year}年{sunday.month}月{sunday.day}日不是工作日" in on_sunday["closedReason"], on_sunday
    extended = await drive.run("app1", BOOK, c="hall", q="A", d=day.isoformat(), p="17:00-18:30")
    assert extended["extended"] is True
    assert (await drive.run("app1", BOOK, c="hall", q="A", d=saturday.isoformat(), p="09:00-10:00"))["status"] == "booked"


async def test_closed_slots_are_refused_and_change_nothing(drive):
    day = drive.clock.moment.date()
    saturday, sunday = await _saturday_and_sunday(drive)
    for d, p, code in ((sunday, "09:00-10:00", "closed"), (saturday, "10:00-11:00", "closed"), (day, "12:00-13:00", "closed"),
                       (day - timedelta(days=1), "09:00-10:00", "past"), (day + timedelta(days=30), "09:00-10:00", "too_far")):
        result = await drive.run("app1", BOOK, c="hall", q="A", d=d.isoformat(), p=p)
        assert code in codes(result), (d, p, result)
        if code == "past":  # the day as people write it, not 2026-11-29
            assert f"{cn_date(d)}已过" in result["errors"][0]["message"], result
    drive.clock.at(10, 30)
    assert codes(await drive.run("app1", BOOK, c="hall", q="A", d=day.isoformat(), p="09:00-10:00")) == ["period_over"]
    assert codes(await drive.run("app1", BOOK, c="hall", q="Z", d=day.isoformat(), p="10:00-11:00")) == ["unknown_queue"]
    assert await Booking.all().count() == 0 and await BookingSlot.all().count() == 0


async def test_past_slots_are_listed_as_not_bookable_as_bookhallslot_refuses_them(drive):
    from core.services.clock import calendar_for

    calendar = await calendar_for(drive.hall.center)
    day = drive.clock.moment.date()
    earlier = day - timedelta(days=1)
    while not calendar.is_workday(earlier):
        earlier -= timedelta(days=1)
    drive.clock.at(10, 30)
    past = await drive.run(None, SLOTS, c="hall", q="A", d=earlier.isoformat())
    assert past["slots"] and not any(s["bookable"] for s in past["slots"]) and "已过" in past["closedReason"], past
    today = await drive.run(None, SLOTS, c="hall", q="A", d=day.isoformat())
    assert [(s["period"], s["bookable"]) for s in today["slots"]] == [
        ("09:00-10:00", False), ("10:00-11:00", True), ("14:00-15:00", True), ("17:00-18:30", True)]
    assert "已结束" in today["slots"][0]["closedReason"] and today["closedReason"] == ""
    # what is offered is what bookHallSlot accepts, slot by slot
    for d, listed in ((earlier, past), (day, today)):
        for slot in listed["slots"]:
            result = await drive.run("app1", BOOK, c="hall", q="A", d=d.isoformat(), p=slot["period"])
            assert (result["__typename"] == "HallBooking") is slot["bookable"], (d, slot, result)
    assert await Booking.filter(day=earlier).count() == 0 and await Booking.filter(day=day).count() == 3


async def test_cancel_frees_the_place(drive):
    day = drive.clock.moment.date().isoformat()
    booked = await drive.run("app1", BOOK, c="hall", q="A", d=day, p="14:00-15:00")
    assert codes(await drive.run("app1", BOOK, c="hall", q="A", d=day, p="14:00-15:00")) == ["duplicate"]
    assert codes(await drive.run("app2", CANCEL, b=booked["id"])) == ["forbidden"]
    assert (await drive.run("app1", CANCEL, b=booked["id"]))["status"] == "cancelled"
    again = await drive.run("app1", BOOK, c="hall", q="A", d=day, p="14:00-15:00")
    assert again["status"] == "booked"
    (slot,) = (await drive.run(None, SLOTS, c="hall", q="A", d=day))["slots"][2:3]
    assert slot["booked"] == 1
    assert [b["status"] for b in await drive.run("clerk1", BOOKINGS, c="hall", d=day)] == ["cancelled", "booked"]


async def test_twenty_concurrent_bookings_of_a_slot_of_three(drive, gql):
    """Separate HTTP requests at once, each in its own transaction (its own connection on PostgreSQL)."""
    center = await Center.get(code="hall")
    tokens = []
    for i in range(20):
        await make_user(f"visitor{i:02d}", center, "applicant")
        tokens.append(await gql.login(f"visitor{i:02d}", PASSWORD))
    day = drive.clock.moment.date().isoformat()
    variables = {"c": "hall", "q": "A", "d": day, "p": "10:00-11:00"}
    results = await asyncio.gather(*(gql(BOOK, variables, token=t) for t in tokens))
    outcomes = [r["bookHallSlot"].get("status") or r["bookHallSlot"]["errors"][0]["code"] for r in results]
    assert sorted(outcomes) == ["booked"] * 3 + ["full"] * 17, outcomes
    assert await Booking.filter(status="booked").count() == 3
    assert (await BookingSlot.get(slot=f"A {day} 10:00-11:00")).booked == 3


async def test_one_person_booking_six_times_at_once_gets_one_place(drive, gql):
    day = drive.clock.moment.date().isoformat()
    variables = {"c": "hall", "q": "A", "d": day, "p": "09:00-10:00"}
    token = drive.hall.tokens["app1"]
    results = await asyncio.gather(*(gql(BOOK, variables, token=token) for _ in range(6)))
    outcomes = [r["bookHallSlot"].get("status") or r["bookHallSlot"]["errors"][0]["code"] for r in results]
    assert sorted(outcomes) == ["booked"] + ["duplicate"] * 5, outcomes
    assert (await BookingSlot.get(slot=f"A {day} 09:00-10:00")).booked == 1


async def test_a_slot_the_caller_holds_is_not_bookable_for_them_as_bookhallslot_refuses_it(drive):
    """hallSlots knows the signed-in caller's own place (booked, or arrived with a ticket); anonymous
    callers and others see the counts only; after a cancellation the slot is bookable again."""
    day = drive.clock.moment.date().isoformat()
    booked = await drive.run("app1", BOOK, c="hall", q="A", d=day, p="14:00-15:00")

    def slot(listed, period="14:00-15:00"):
        return next(s for s in listed["slots"] if s["period"] == period)

    mine = slot(await drive.run("app1", SLOTS, c="hall", q="A", d=day))
    assert (mine["bookable"], mine["booked"]) == (False, 1) and "您已预约该时段" in mine["closedReason"], mine
    refused = await drive.run("app1", BOOK, c="hall", q="A", d=day, p="14:00-15:00")
    assert codes(refused) == ["duplicate"] and f"您已预约{cn_date(drive.clock.moment.date())} 14:00-15:00" in refused["errors"][0]["message"]
    for other in (None, "app2"):
        seen = slot(await drive.run(other, SLOTS, c="hall", q="A", d=day))
        assert (seen["bookable"], seen["closedReason"]) == (True, ""), (other, seen)
    assert slot(await drive.run("app1", SLOTS, c="hall", q="A", d=day), "10:00-11:00")["bookable"] is True
    assert slot(await drive.run("app1", SLOTS, c="hall", q="B", d=day))["bookable"] is True  # another queue's slot

    # full and held: the caller is told about their own place, the others that it is full
    for user in ("app2", "clerk1"):
        assert (await drive.run(user, BOOK, c="hall", q="A", d=day, p="14:00-15:00"))["status"] == "booked"
    assert "您已预约该时段" in slot(await drive.run("app1", SLOTS, c="hall", q="A", d=day))["closedReason"]
    assert slot(await drive.run("sup1", SLOTS, c="hall", q="A", d=day))["closedReason"] == "已约满"

    # a ticket taken with the booking still holds the place: booking again is refused, and shown so
    drive.clock.at(14, 5)
    taken = await drive.run("app1", TAKE, c="hall", q="A", b=booked["id"])
    assert taken["appointment"] is True
    mine = slot(await drive.run("app1", SLOTS, c="hall", q="A", d=day))
    assert mine["bookable"] is False and "您已预约该时段" in mine["closedReason"]
    assert codes(await drive.run("app1", BOOK, c="hall", q="A", d=day, p="14:00-15:00")) == ["duplicate"]


async def test_a_cancelled_booking_makes_the_slot_bookable_again_for_its_holder(drive):
    day = drive.clock.moment.date().isoformat()
    booked = await drive.run("app1", BOOK, c="hall", q="A", d=day, p="10:00-11:00")
    assert (await drive.run("app1", CANCEL, b=booked["id"]))["status"] == "cancelled"
    (again,) = [s for s in (await drive.run("app1", SLOTS, c="hall", q="A", d=day))["slots"] if s["period"] == "10:00-11:00"]
    assert (again["bookable"], again["closedReason"]) == (True, "")
    assert (await drive.run("app1", BOOK, c="hall", q="A", d=day, p="10:00-11:00"))["status"] == "booked"
