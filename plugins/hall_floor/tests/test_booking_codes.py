"""预约码: every booking gets a 6-digit code (unique among the center's booked bookings of its day)
that takes its ticket at the public kiosk without a login, in the booking's queue; wrong, used and
other days' codes are refused in Chinese, and a run of wrong codes locks the client's address.
``myHallBookings`` lists the caller's own bookings still to come."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest

from core.plumbing.models import LoginThrottle, Notification, SecurityEvent, User

from .. import booking_codes
from ..models import Booking, Ticket
from .drive import BOOK, CANCEL, codes, floor_driver, next_workday

pytestmark = pytest.mark.anyio

BOOKING = "id queue date period status code"
BOOK_CODE = f"""mutation($c: String!, $q: String!, $d: Date!, $p: String!) {{ bookHallSlot(center: $c, queue: $q, date: $d, period: $p) {{
  __typename ... on HallBooking {{ {BOOKING} }} ... on UserErrors {{ errors {{ code message path }} }} }} }}"""
BY_CODE = """mutation($c: String!, $q: String, $x: String, $m: String) { takeTicket(center: $c, queue: $q, bookingCode: $x, mobile: $m) {
  __typename ... on HallTicket { id number queue appointment dueAt } ... on UserErrors { errors { code message path } } } }"""
MINE = f"query($c: String!) {{ myHallBookings(center: $c) {{ {BOOKING} user }} }}"
DAY_BOOKINGS = f"query($c: String!, $d: Date!) {{ hallBookings(center: $c, date: $d) {{ {BOOKING} user }} }}"


@pytest.fixture
async def drive(app, govhall, gql, monkeypatch):
    return await floor_driver(govhall, gql, monkeypatch)


def other_code(*known: str) -> str:
    """A well-formed code none of ``known`` is."""
    return next(c for c in ("000000", "000001", "000002") if c not in known)


async def test_each_booking_gets_a_code_unique_among_the_days_booked_ones(drive, monkeypatch):
    day = drive.clock.moment.date().isoformat()
    drawn = iter(["111111", "111111", "111111", "222222", "111111"])
    random_code = booking_codes.random_code
    monkeypatch.setattr(booking_codes, "random_code", lambda: next(drawn, None) or random_code())
    first = await drive.run("app1", BOOK_CODE, c="hall", q="A", d=day, p="10:00-11:00")
    second = await drive.run("app2", BOOK_CODE, c="hall", q="B", d=day, p="10:00-11:00")
    assert (first["code"], second["code"]) == ("111111", "222222")  # 111111 is taken that day: drawn again
    assert (await drive.run("app1", CANCEL, b=first["id"]))["status"] == "cancelled"
    third = await drive.run("app2", BOOK_CODE, c="hall", q="A", d=day, p="14:00-15:00")
    assert third["code"] == "111111"  # free again: the booking that held it was cancelled
    assert (await Booking.get(id=int(first["id"]))).code == "111111"  # the cancelled one keeps its own

    # the real, random codes: six digits each, no two alike
    later = await next_workday(drive.hall.center, drive.clock.moment.date())
    found = [(await drive.run(user, BOOK_CODE, c="hall", q=q, d=later.isoformat(), p=p))["code"]
             for user in ("app1", "app2", "clerk1") for q in ("A", "B") for p in ("09:00-10:00", "10:00-11:00")]
    assert all(re.fullmatch(r"\d{6}", c) for c in found) and len(set(found)) == len(found), found


async def test_the_kiosk_takes_the_ticket_by_code_without_login_in_the_bookings_queue(drive):
    day = drive.clock.moment.date().isoformat()
    booked = await drive.run("app1", BOOK_CODE, c="hall", q="B", d=day, p="10:00-11:00")
    drive.clock.at(9, 40)
    # the kiosk: nobody logged in; the queue given (A) is not the booking's (B): the booking's counts
    ticket = await drive.run(None, BY_CODE, c="hall", q="A", x=f" {booked['code'][:3]} {booked['code'][3:]} ", m="13800138000")
    assert ticket["__typename"] == "HallTicket", ticket
    assert (ticket["number"], ticket["queue"], ticket["appointment"]) == ("B001", "B", True)
    assert datetime.fromisoformat(ticket["dueAt"]).astimezone(timezone.utc).hour == 2  # 10:00 in Beijing
    row = await Ticket.get(id=int(ticket["id"]))
    assert row.booking_id == int(booked["id"]) and row.mobile == "13800138000"
    (seen,) = await drive.run("app1", DAY_BOOKINGS, c="hall", d=day)
    assert (seen["status"], seen["code"]) == ("arrived", booked["code"])

    # without a queue at all, as the kiosk's code box sends it
    other = await drive.run("app2", BOOK_CODE, c="hall", q="A", d=day, p="10:00-11:00")
    plain = await drive.run(None, BY_CODE, c="hall", x=other["code"])
    assert (plain["number"], plain["appointment"]) == ("A001", True)
    # neither a queue nor a code: the applicant is asked for the queue
    assert codes(await drive.run(None, BY_CODE, c="hall")) == ["required"]


async def test_wrong_used_and_other_days_codes_are_refused_in_chinese(drive):
    today = drive.clock.moment.date()
    tomorrow = await next_workday(drive.hall.center, today)
    booked = await drive.run("app1", BOOK_CODE, c="hall", q="A", d=today.isoformat(), p="14:00-15:00")
    later = await drive.run("app2", BOOK_CODE, c="hall", q="A", d=tomorrow.isoformat(), p="09:00-10:00")

    wrong = await drive.run(None, BY_CODE, c="hall", x=other_code(booked["code"], later["code"]))
    assert codes(wrong) == ["unknown_booking"]
    assert wrong["errors"][0]["message"].startswith("预约码不正确或不是今天的预约") and wrong["errors"][0]["path"] == "/bookingCode"
    malformed = await drive.run(None, BY_CODE, c="hall", x="12a45")
    assert codes(malformed) == ["format.booking_code"] and "6位数字" in malformed["errors"][0]["message"]
    assert codes(await drive.run(None, BY_CODE, c="hall", x=later["code"])) == ["unknown_booking"]  # tomorrow's

    assert (await drive.run(None, BY_CODE, c="hall", x=booked["code"]))["appointment"] is True
    again = await drive.run(None, BY_CODE, c="hall", x=booked["code"])
    assert codes(again) == ["booking_used"] and "已取号" in again["errors"][0]["message"]
    assert await Ticket.all().count() == 1

    # tomorrow comes: today's unused code is yesterday's now, tomorrow's works
    await Booking.filter(id=int(booked["id"])).update(status="booked")
    drive.clock.moment += tomorrow - today
    assert codes(await drive.run(None, BY_CODE, c="hall", x=booked["code"])) == ["unknown_booking"]
    assert (await drive.run(None, BY_CODE, c="hall", x=later["code"]))["number"] == "A001"
    assert (await Booking.get(id=int(later["id"]))).status == "arrived"


async def test_a_run_of_wrong_codes_locks_the_kiosk_for_a_while(drive):
    day = drive.clock.moment.date().isoformat()
    booked = await drive.run("app1", BOOK_CODE, c="hall", q="A", d=day, p="10:00-11:00")
    wrong = other_code(booked["code"])
    assert codes(await drive.run(None, BY_CODE, c="hall", x="123")) == ["format.booking_code"]  # a typo costs no guess
    for _ in range(9):
        assert codes(await drive.run(None, BY_CODE, c="hall", x=wrong)) == ["unknown_booking"]
    tenth = await drive.run(None, BY_CODE, c="hall", x=wrong)
    assert codes(tenth) == ["unknown_booking", "too_many_attempts"]
    assert tenth["errors"][1]["message"].startswith("预约码输错次数过多，请 1 分钟后再试")
    # locked: the right code too is refused unchecked, and the booking stays unused
    refused = await drive.run(None, BY_CODE, c="hall", x=booked["code"])
    assert codes(refused) == ["too_many_attempts"] and "分钟后再试" in refused["errors"][0]["message"]
    assert (await Booking.get(id=int(booked["id"]))).status == "booked" and await Ticket.all().count() == 0
    kinds = [e.kind for e in await SecurityEvent.filter(kind__startswith="guess_").order_by("id")]
    assert kinds == ["guess_failed"] * 10 + ["guess_locked", "guess_refused_locked"]
    assert all(e.address == "127.0.0.1" for e in await SecurityEvent.filter(kind__startswith="guess_"))

    # the lock runs out: the right code takes the ticket; a login from that address is not affected
    await LoginThrottle.filter(key__startswith="guess:").update(locked_until=datetime.now(timezone.utc) - timedelta(seconds=1))
    assert (await drive.run(None, BY_CODE, c="hall", x=booked["code"]))["appointment"] is True
    assert not await LoginThrottle.filter(key__startswith="address:", failures__gt=0).exists()


async def test_my_hall_bookings_lists_only_my_bookings_still_to_come(drive):
    today = drive.clock.moment.date()
    tomorrow = await next_workday(drive.hall.center, today)
    mine = [await drive.run("app1", BOOK_CODE, c="hall", q=q, d=d.isoformat(), p=p)
            for q, d, p in (("B", tomorrow, "09:00-10:00"), ("A", today, "14:00-15:00"), ("A", today, "10:00-11:00"),
                            ("A", tomorrow, "10:00-11:00"), ("B", today, "09:00-10:00"))]
    await drive.run("app2", BOOK_CODE, c="hall", q="A", d=today.isoformat(), p="10:00-11:00")  # someone else's
    assert (await drive.run("app1", CANCEL, b=mine[3]["id"]))["status"] == "cancelled"
    await drive.run(None, BY_CODE, c="hall", x=mine[4]["code"])  # arrived: no longer to come
    past = await drive.run("app1", BOOK, c="hall", q="B", d=today.isoformat(), p="14:00-15:00")
    await Booking.filter(id=int(past["id"])).update(day=today - timedelta(days=1))  # an earlier day's, never used

    listed = await drive.run("app1", MINE, c="hall")
    assert [(b["date"], b["period"], b["queue"]) for b in listed] == [
        (today.isoformat(), "10:00-11:00", "A"), (today.isoformat(), "14:00-15:00", "A"), (tomorrow.isoformat(), "09:00-10:00", "B")]
    assert all(b["status"] == "booked" and b["user"] == "app1" for b in listed)
    assert [b["code"] for b in listed] == [mine[2]["code"], mine[1]["code"], mine[0]["code"]]
    assert [b["user"] for b in await drive.run("app2", MINE, c="hall")] == ["app2"]
    error = await drive.refused(None, MINE, c="hall")
    assert error["extensions"]["code"] == "FORBIDDEN" and error["message"] == "请先登录", error


async def test_the_code_is_texted_to_the_bookers_phone_once_booked(drive):
    day = drive.clock.moment.date()
    await User.filter(username="app1").update(phone="13900139000")
    booked = await drive.run("app1", BOOK_CODE, c="hall", q="A", d=day.isoformat(), p="10:00-11:00")
    (sms,) = await Notification.filter(recipient="13900139000")
    assert booked["code"] in sms.text and f"{day.month}月{day.day}日10:00-11:00" in sms.text, sms.text
    assert "取号机输入预约码" in sms.text
    await drive.run("app2", BOOK_CODE, c="hall", q="A", d=day.isoformat(), p="10:00-11:00")  # no phone on record: no text
    assert await Notification.all().count() == 1
