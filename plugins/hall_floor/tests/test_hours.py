"""取号时间: the kiosk (``takeTicket``) gives numbers only within the hall's hours: working days of the
center's calendar (调休 included), the roster's duty Saturdays for the queues on duty, each period until
its 停止取号. Outside them it refuses with the next opening in words, takes no number, and ``hallHours``
says the same to the kiosk screen; a booking's ticket obeys the same hours, its own period besides.
The clock is the product's, held at each moment (tests.drive.Clock); the test hall's roster has every
Saturday on duty for queue A (09:00-10:00) and 17:00-18:30 as 延时服务."""

from __future__ import annotations

from datetime import datetime

import pytest

from core.api import CENTER_TZ
from core.plumbing.models import LoginThrottle
from core.plumbing.errors import UserErrorsException
from core.services.centers import load_center
from tests.helpers import center_doc

from ..models import Ticket
from .drive import BOOK, HALL_FLOOR, TAKE, codes, floor_driver

pytestmark = pytest.mark.anyio

BOOK_CODE = """mutation($c: String!, $q: String!, $d: Date!, $p: String!) { bookHallSlot(center: $c, queue: $q, date: $d, period: $p) {
  __typename ... on HallBooking { id code } ... on UserErrors { errors { code message path } } } }"""
BY_CODE = """mutation($c: String!, $x: String!) { takeTicket(center: $c, bookingCode: $x) {
  __typename ... on HallTicket { id number appointment } ... on UserErrors { errors { code message path } } } }"""
HOURS = "query($c: String!) { hallHours(center: $c) { open openQueues message nextOpen today periods saturdayPeriods stopBefore text } }"


@pytest.fixture
async def drive(app, govhall, gql, monkeypatch):
    return await floor_driver(govhall, gql, monkeypatch)


def at(month: int, day: int, hh: int, mm: int = 0) -> datetime:
    return datetime(2026, month, day, hh, mm, tzinfo=CENTER_TZ)


async def refusal(drive, user: str | None, query: str, **variables) -> dict:
    """The single ``closed`` refusal of a mutation (and no number was given)."""
    before = await Ticket.all().count()
    result = await drive.run(user, query, **variables)
    assert codes(result) == ["closed"], result
    assert await Ticket.all().count() == before
    return result["errors"][0]


async def test_no_number_after_closing_on_sunday_or_at_lunch_and_each_refusal_says_when_the_hall_opens(drive):
    drive.clock.moment = at(11, 27, 17, 5)  # a Friday, after 17:00
    refused = await refusal(drive, None, TAKE, c="hall", q="B")
    assert refused == {"code": "closed", "path": "/queue",
                       "message": "本中心今日已停止取号，下一个办公时间：2026年11月30日（星期一）9:00"}
    # 综合 has a window on duty on Saturdays: it opens the next morning
    assert (await refusal(drive, None, TAKE, c="hall", q="A"))["message"] == \
        "本中心今日已停止取号，下一个办公时间：2026年11月28日（星期六）9:00"

    drive.clock.moment = at(11, 28, 9, 30)  # the duty Saturday: only the queue on duty
    assert (await drive.run(None, TAKE, c="hall", q="A"))["number"] == "A001"
    assert (await refusal(drive, None, TAKE, c="hall", q="B"))["message"] == \
        "今天是值班周六，“企业”业务不办理，下一个办公时间：2026年11月30日（星期一）9:00"
    drive.clock.moment = at(11, 28, 10, 0)  # its duty (the roster's Saturday period) has ended
    assert (await refusal(drive, None, TAKE, c="hall", q="A"))["message"] == \
        "本中心今日已停止取号，下一个办公时间：2026年11月30日（星期一）9:00"

    drive.clock.moment = at(11, 29, 10, 0)  # Sunday
    assert (await refusal(drive, None, TAKE, c="hall", q="A"))["message"] == \
        "本中心今日不办公（周末），下一个办公时间：2026年11月30日（星期一）9:00"

    drive.clock.moment = at(11, 30, 8, 45)  # Monday, before opening
    assert (await refusal(drive, None, TAKE, c="hall", q="A"))["message"] == \
        "本中心今日尚未开始取号（9:00开始取号），下一个办公时间：2026年11月30日（星期一）9:00"
    drive.clock.moment = at(11, 30, 12, 0)  # the lunch break of 09:00-12:00, 13:30-17:00
    assert (await refusal(drive, "clerk1", TAKE, c="hall", q="B"))["message"] == \
        "本中心12:00至13:30暂停取号，下一个办公时间：2026年11月30日（星期一）13:30"
    drive.clock.moment = at(11, 30, 13, 30)
    assert (await drive.run(None, TAKE, c="hall", q="B"))["number"] == "B001"  # the refusals used no number
    drive.clock.moment = at(11, 30, 16, 59)
    assert (await drive.run(None, TAKE, c="hall", q="B"))["number"] == "B002"


async def test_holidays_close_the_hall_and_a_make_up_saturday_opens_it_for_every_queue(drive):
    drive.clock.moment = at(9, 30, 17, 0)  # the eve of National Day
    assert (await refusal(drive, None, TAKE, c="hall", q="A"))["message"] == \
        "本中心今日已停止取号，下一个办公时间：2026年10月8日（星期四）9:00"
    drive.clock.moment = at(10, 3, 9, 30)  # a Saturday of the holiday: no duty either
    assert (await refusal(drive, None, TAKE, c="hall", q="A"))["message"] == \
        "本中心今日不办公（法定节假日：国庆节），下一个办公时间：2026年10月8日（星期四）9:00"
    drive.clock.moment = at(10, 6, 9, 30)
    assert "本中心今日不办公（调休放假：国庆节）" in (await refusal(drive, None, TAKE, c="hall", q="A"))["message"]
    drive.clock.moment = at(10, 10, 15, 0)  # 调休上班: a working Saturday, not a duty one
    assert (await drive.run(None, TAKE, c="hall", q="B"))["number"] == "B001"
    drive.clock.moment = at(10, 10, 17, 0)
    assert (await refusal(drive, None, TAKE, c="hall", q="B"))["message"] == \
        "本中心今日已停止取号，下一个办公时间：2026年10月12日（星期一）9:00"


async def test_the_center_sets_its_hours_and_when_numbers_stop_before_closing(drive, govhall):
    doc = center_doc("hall", ["hall_floor"], settings={"hallFloor": {
        **HALL_FLOOR, "hours": {"periods": ["08:30-12:00", "14:00-17:30"], "saturdayPeriods": ["09:00-11:30"], "stopBefore": 30}}})
    doc["windows"].append({"code": "B01", "name": "企业服务窗口", "kind": "special", "department": "scjg"})
    await load_center(doc, govhall.hub)

    drive.clock.moment = at(11, 30, 8, 30)
    assert (await drive.run(None, TAKE, c="hall", q="A"))["number"] == "A001"
    drive.clock.moment = at(11, 30, 11, 30)
    assert (await refusal(drive, None, TAKE, c="hall", q="A"))["message"] == \
        "本中心11:30至14:00暂停取号，下一个办公时间：2026年11月30日（星期一）14:00"
    drive.clock.moment = at(11, 30, 16, 59)
    assert (await drive.run(None, TAKE, c="hall", q="A"))["number"] == "A002"
    drive.clock.moment = at(11, 30, 17, 0)  # half an hour before closing
    assert (await refusal(drive, None, TAKE, c="hall", q="A"))["message"] == \
        "本中心今日已停止取号（17:00起停止取号），下一个办公时间：2026年12月1日（星期二）8:30"
    hours = await drive.run(None, HOURS, c="hall")
    assert hours == {
        "open": False, "openQueues": [], "message": "本中心今日已停止取号（17:00起停止取号），下一个办公时间：2026年12月1日（星期二）8:30",
        "nextOpen": "2026-12-01T00:30:00+00:00", "today": ["08:30-12:00", "14:00-17:30"],
        "periods": ["08:30-12:00", "14:00-17:30"], "saturdayPeriods": ["09:00-11:30"], "stopBefore": 30,
        "text": "办公时间：工作日 8:30–12:00、14:00–17:30；值班周六 9:00–11:30（每个时段结束前30分钟停止取号）",
    }
    drive.clock.moment = at(12, 5, 10, 59)  # the duty Saturday keeps its own hours, for the queue on duty
    assert (await drive.run(None, TAKE, c="hall", q="A"))["number"] == "A001"
    drive.clock.moment = at(12, 5, 11, 0)
    assert (await refusal(drive, None, TAKE, c="hall", q="A"))["message"].startswith("本中心今日已停止取号（11:00起停止取号）")


async def test_the_kiosk_screen_reads_the_hours_and_whether_it_gives_numbers_now(drive):
    drive.clock.moment = at(11, 28, 9, 15)  # the duty Saturday
    hours = await drive.run(None, HOURS, c="hall")
    assert hours == {
        "open": True, "openQueues": ["A"], "message": "", "nextOpen": None, "today": ["09:00-10:00"],
        "periods": ["09:00-12:00", "13:30-17:00"], "saturdayPeriods": ["09:00-10:00"], "stopBefore": 0,
        "text": "办公时间：工作日 9:00–12:00、13:30–17:00；值班周六 9:00–10:00",
    }
    drive.clock.moment = at(11, 29, 20, 0)
    closed = await drive.run(None, HOURS, c="hall")
    assert (closed["open"], closed["openQueues"], closed["today"], closed["nextOpen"]) == (False, [], [], "2026-11-30T01:00:00+00:00")
    assert closed["message"] == "本中心今日不办公（周末），下一个办公时间：2026年11月30日（星期一）9:00"
    drive.clock.moment = at(11, 30, 9, 0)
    assert (await drive.run(None, HOURS, c="hall"))["openQueues"] == ["A", "B"]


async def test_a_booking_takes_its_number_within_the_hours_and_its_own_period(drive):
    drive.clock.moment = at(11, 30, 9, 0)
    day = "2026-11-30"
    late = await drive.run("app1", BOOK_CODE, c="hall", q="A", d=day, p="17:00-18:30")  # 延时服务
    morning = await drive.run("app2", BOOK_CODE, c="hall", q="B", d=day, p="10:00-11:00")
    afternoon = await drive.run("app1", BOOK, c="hall", q="B", d=day, p="14:00-15:00")
    assert afternoon["__typename"] == "HallBooking", afternoon

    drive.clock.moment = at(11, 30, 8, 50)  # before the hall opens: the code is not even looked up
    refused = await refusal(drive, None, BY_CODE, c="hall", x=morning["code"])
    assert refused == {"code": "closed", "path": "/bookingCode",
                       "message": "本中心今日尚未开始取号（9:00开始取号），下一个办公时间：2026年11月30日（星期一）9:00"}
    drive.clock.moment = at(11, 30, 12, 30)  # lunch: a booking of today whose period is still to come is served
    ticket = await drive.run("app1", TAKE, c="hall", q="B", b=afternoon["id"])
    assert (ticket["number"], ticket["appointment"]) == ("B001", True)
    drive.clock.moment = at(11, 30, 17, 10)  # after closing: the 延时服务 booking, in its period
    assert (await drive.run(None, BY_CODE, c="hall", x=late["code"]))["number"] == "A001"
    # the morning's booking missed its period and the hall has stopped giving numbers
    assert (await refusal(drive, None, BY_CODE, c="hall", x=morning["code"]))["message"] == \
        "本中心今日已停止取号，下一个办公时间：2026年12月1日（星期二）9:00"
    drive.clock.moment = at(11, 30, 18, 30)  # after the last booked period: closed before any code is read
    assert (await refusal(drive, None, BY_CODE, c="hall", x="000000"))["path"] == "/bookingCode"
    drive.clock.moment = at(11, 29, 10, 0)  # Sunday: a wrong code is not counted as a guess
    counted = [(t.failures, t.locked_until) for t in await LoginThrottle.all().order_by("id")]
    assert (await refusal(drive, None, BY_CODE, c="hall", x="000000"))["message"].startswith("本中心今日不办公（周末）")
    assert [(t.failures, t.locked_until) for t in await LoginThrottle.all().order_by("id")] == counted


@pytest.mark.parametrize(("hours", "expected"), [
    ({"periods": ["13:30-17:00", "09:00-12:00"]}, ("periods.order", "/settings/hallFloor/hours/periods/1")),
    ({"periods": ["09:00-08:00"]}, ("periods.range", "/settings/hallFloor/hours/periods/0")),
    ({"saturdayPeriods": ["9:00-12:00"]}, ("pattern", "/settings/hallFloor/hours/saturdayPeriods/0")),
    ({"stopBefore": 180}, ("maximum", "/settings/hallFloor/hours/stopBefore")),
    ({"opens": "09:00"}, ("additionalProperties", "/settings/hallFloor/hours/opens")),
])
async def test_the_center_file_is_refused_with_hours_that_cannot_be(app, govhall, hours, expected):
    doc = center_doc("hours", ["hall_floor"], settings={"hallFloor": {"hours": hours}})
    with pytest.raises(UserErrorsException) as refused:
        await load_center(doc, govhall.hub)
    assert [(e.code, e.path) for e in refused.value.errors] == [expected], refused.value.errors
    assert all(e.message for e in refused.value.errors)


async def test_the_center_file_is_refused_with_office_hours_out_of_order(app, govhall):
    """The hall's hours default to the center's office hours: those are checked the same way."""
    doc = center_doc("hours", ["hall_floor"], officeHours=["13:30-17:00", "09:00-12:00"])
    with pytest.raises(UserErrorsException) as refused:
        await load_center(doc, govhall.hub)
    assert [(e.code, e.path) for e in refused.value.errors] == [("office_hours.order", "/officeHours/1")]
