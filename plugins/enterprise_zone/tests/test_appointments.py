"""预约/延时服务: working days only (weekends, public holidays and the center's own days off are
refused with their reason), not in the past, each period up to the center's capacity."""

from __future__ import annotations

import asyncio

import pytest

from core.services.accounts import Actor, load_grants
from core.plumbing.errors import UserErrorsException
from core.plumbing.models import CalendarDay, Center
from plugins.enterprise_zone import appointments

from .drive import APPOINTMENTS, BOOK, CANCEL, CAPACITY, ZoneDriver, build_zone, codes, next_weekend, next_workdays

pytestmark = pytest.mark.anyio


@pytest.fixture
async def drive(app, govhall, gql):
    return ZoneDriver(gql, await build_zone(govhall, gql))


def messages(result):
    return {e["code"]: e["message"] for e in result["errors"]}


async def test_booking_up_to_the_capacity_of_a_period(drive):
    (day, _) = await next_workdays(drive.hall.center, 2)
    booked = await drive.run("app1", BOOK, c="hall", i="qykb-yjs", d=day.isoformat(), p="09:00-10:00")
    assert booked["__typename"] == "Appointment" and booked["status"] == "booked" and not booked["delayed"]
    assert booked["date"] == day.isoformat() and booked["itemCode"] == "qykb-yjs"
    assert codes(await drive.run("app1", BOOK, c="hall", i="qykb-yjs", d=day.isoformat(), p="09:00-10:00")) == ["duplicate"]
    assert (await drive.run("app2", BOOK, c="hall", i="qyzx-yjs", d=day.isoformat(), p="09:00-10:00"))["__typename"] == "Appointment"
    full = await drive.run("agent1", BOOK, c="hall", i="qykb-yjs", d=day.isoformat(), p="09:00-10:00")
    assert codes(full) == ["full"] and f"每时段{CAPACITY}人" in full["errors"][0]["message"]

    # another period, and a delayed-hours one after the hall closes
    later = await drive.run("agent1", BOOK, c="hall", i="qykb-yjs", d=day.isoformat(), p="17:00-18:30")
    assert later["delayed"] is True
    assert codes(await drive.run("agent1", BOOK, c="hall", i="qykb-yjs", d=day.isoformat(), p="08:00-09:00")) == ["period"]

    # staff see the day, an applicant their own
    assert [(a["user"], a["period"]) for a in await drive.run("clerk1", APPOINTMENTS, c="hall", d=day.isoformat())] == [
        ("app1", "09:00-10:00"), ("app2", "09:00-10:00"), ("agent1", "17:00-18:30")]
    assert [a["user"] for a in await drive.run("app1", APPOINTMENTS, c="hall", d=day.isoformat())] == ["app1"]

    # a cancellation frees the place
    assert codes(await drive.run("app2", CANCEL, a=booked["id"])) == ["forbidden"]
    cancelled = await drive.run("app1", CANCEL, a=booked["id"])
    assert cancelled["status"] == "cancelled" and cancelled["statusLabel"] == "已取消"
    assert codes(await drive.run("app1", CANCEL, a=booked["id"])) == ["state"]
    assert (await drive.run("agent1", BOOK, c="hall", i="qykb-yjs", d=day.isoformat(), p="09:00-10:00"))["__typename"] == "Appointment"


async def test_days_off_and_past_days_are_refused_with_their_reason(drive):
    national_day = await drive.run("app1", BOOK, c="hall", i="qykb-yjs", d="2026-10-01", p="09:00-10:00")
    assert "2026年10月1日不是工作日（法定节假日：国庆节），请选择工作日" in messages(national_day).values()

    (workday,) = await next_workdays(drive.hall.center, 1)
    weekend = next_weekend(workday)
    refused = await drive.run("app1", BOOK, c="hall", i="qykb-yjs", d=weekend.isoformat(), p="09:00-10:00")
    assert "not_workday" in codes(refused) and "周末" in messages(refused)["not_workday"]

    await CalendarDay.create(center=drive.hall.center, day=workday, workday=False, name="大厅设备检修")
    center = await Center.get(id=drive.hall.center.id)  # a day entered by hand: bump the calendar fingerprint
    center.settings = {**center.settings, "calendarVersion": "entered-by-hand"}
    await center.save(update_fields=["settings"])
    closed = await drive.run("app1", BOOK, c="hall", i="qykb-yjs", d=workday.isoformat(), p="09:00-10:00")
    assert codes(closed) == ["not_workday"] and "大厅设备检修" in messages(closed)["not_workday"]

    past = await drive.run("app1", BOOK, c="hall", i="qykb-yjs", d="2026-01-05", p="09:00-10:00")
    assert codes(past) == ["past"]
    far = await drive.run("app1", BOOK, c="hall", i="qykb-yjs", d="2099-06-01", p="09:00-10:00")
    assert "too_far" in codes(far)
    assert codes(await drive.run("app1", BOOK, c="hall", i="nope", d=workday.isoformat(), p="09:00-10:00")) == ["unknown_item"]


async def test_capacity_holds_under_concurrent_bookings(drive):
    (day,) = await next_workdays(drive.hall.center, 1)
    users = [drive.hall.users[name] for name in ("app1", "app2", "agent1", "agent2", "clerk1", "head1")]
    actors = [Actor(user=u, grants=await load_grants(u)) for u in users]

    async def attempt(actor: Actor) -> str:
        try:
            await appointments.book(
                actor=actor, center_code="hall", item_code="qykb-yjs", day=day, period="10:00-11:00"
            )
            return "booked"
        except UserErrorsException as exc:
            return exc.errors[0].code

    outcomes = await asyncio.gather(*(attempt(a) for a in actors))
    assert sorted(outcomes) == ["booked"] * CAPACITY + ["full"] * (len(actors) - CAPACITY)
    assert len(await drive.run("clerk1", APPOINTMENTS, c="hall", d=day.isoformat())) == CAPACITY



async def test_one_person_booking_six_times_at_once_holds_one_place(drive):
    (day,) = await next_workdays(drive.hall.center, 1)
    actor = Actor(user=drive.hall.users["app1"], grants=await load_grants(drive.hall.users["app1"]))

    async def attempt() -> str:
        try:
            await appointments.book(
                actor=actor, center_code="hall", item_code="qykb-yjs", day=day, period="11:00-12:00"
            )
            return "booked"
        except UserErrorsException as exc:
            return exc.errors[0].code

    outcomes = await asyncio.gather(*(attempt() for _ in range(6)))
    assert sorted(outcomes) == ["booked"] + ["duplicate"] * 5, outcomes
    assert len(await drive.run("clerk1", APPOINTMENTS, c="hall", d=day.isoformat())) == 1



async def test_without_a_date_each_applicant_finds_their_bookings_to_come(drive):
    """我的预约: an applicant who booked days ahead finds it without remembering the date; staff see
    every booking to come; past days are not listed."""
    from plugins.enterprise_zone.models import Appointment

    from .drive import APPOINTMENT_FIELDS

    upcoming = f"query($c: String!) {{ appointments(center: $c) {{ {APPOINTMENT_FIELDS} }} }}"
    (first, second) = await next_workdays(drive.hall.center, 2)
    for user, day, period in (("app1", second, "09:00-10:00"), ("app1", first, "17:00-18:30"), ("app2", first, "09:00-10:00")):
        booked = await drive.run(user, BOOK, c="hall", i="qykb-yjs", d=day.isoformat(), p=period)
        assert booked["__typename"] == "Appointment", booked
    last_year = await Appointment.filter(user__username="app1").first()  # a visit of last year, as kept
    await Appointment.create(center_id=last_year.center_id, user_id=last_year.user_id, item_code="qykb-yjs",
                             day=first.replace(year=first.year - 1), period="09:00-10:00")
    mine = await drive.run("app1", upcoming, c="hall")
    assert [(a["date"], a["period"]) for a in mine] == [(first.isoformat(), "17:00-18:30"), (second.isoformat(), "09:00-10:00")]
    assert {a["user"] for a in await drive.run("clerk1", upcoming, c="hall")} == {"app1", "app2"}
    assert [a["user"] for a in await drive.run("app2", upcoming, c="hall")] == ["app2"]
