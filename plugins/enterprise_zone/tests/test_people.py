"""Finding applicants and agents by name, ID number or mobile (never by login name), and the periods
an appointment can be booked in."""

from __future__ import annotations

import pytest

from core.plumbing.models import User

from .drive import ZoneDriver, build_zone

pytestmark = pytest.mark.anyio

PEOPLE = """query($c: String!, $r: String!, $s: String!) {
  zonePeople(center: $c, role: $r, search: $s) { username displayName idNumber phone } }"""
PERIODS = "query($c: String!) { appointmentPeriods(center: $c) { period delayed } }"


@pytest.fixture
async def drive(app, govhall, gql):
    return ZoneDriver(gql, await build_zone(govhall, gql))


async def test_an_agent_finds_the_applicant_by_name_id_or_mobile(drive):
    await User.filter(username="app1").update(display_name="李青禾", id_number="441882198503120010", phone="13800138000")
    await User.filter(username="app2").update(display_name="王晓岚")
    by_name = (await drive.query("agent1", PEOPLE, c="hall", r="applicant", s="青禾"))["zonePeople"]
    assert by_name == [{"username": "app1", "displayName": "李青禾", "idNumber": "441882********0010", "phone": "138****8000"}]
    by_id = (await drive.query("agent1", PEOPLE, c="hall", r="applicant", s="441882198503120010"))["zonePeople"]
    assert [p["username"] for p in by_id] == ["app1"]
    by_mobile = (await drive.query("head1", PEOPLE, c="hall", r="applicant", s="13800138000"))["zonePeople"]
    assert [p["username"] for p in by_mobile] == ["app1"]
    # only holders of the role: the agent is not an applicant, and a part of an ID number finds nobody
    assert (await drive.query("agent1", PEOPLE, c="hall", r="applicant", s="agent"))["zonePeople"] == []
    assert (await drive.query("agent1", PEOPLE, c="hall", r="applicant", s="4418821985"))["zonePeople"] == []
    agents = (await drive.query("head1", PEOPLE, c="hall", r="agent", s="agent"))["zonePeople"]
    assert [p["username"] for p in agents] == ["agent1", "agent2"]


async def test_applicants_may_not_search_and_roles_are_checked(drive):
    refused = await drive.refused("app1", PEOPLE, c="hall", r="applicant", s="李")
    assert refused["extensions"]["code"] == "FORBIDDEN"
    wrong = await drive.refused("agent1", PEOPLE, c="hall", r="clerk", s="clerk")
    assert wrong["extensions"]["code"] == "BAD_USER_INPUT" and "申请人" in wrong["message"]
    empty = await drive.refused("agent1", PEOPLE, c="hall", r="applicant", s="  ")
    assert empty["extensions"]["code"] == "BAD_USER_INPUT"


async def test_the_periods_of_the_day(drive):
    periods = (await drive.query(None, PERIODS, c="hall"))["appointmentPeriods"]
    assert periods[0] == {"period": "09:00-10:00", "delayed": False}
    assert {"period": "17:00-18:30", "delayed": True} in periods


async def test_saturday_periods_where_the_center_keeps_a_duty_roster(drive):
    from datetime import timedelta

    from core.services.clock import calendar_for, local_today
    from core.plumbing.models import Center

    book = """mutation($c: String!, $i: String!, $d: Date!, $p: String!) { bookAppointment(center: $c, item: $i, date: $d, period: $p) {
      __typename ... on Appointment { period delayed } ... on UserErrors { errors { path code message } } } }"""
    periods = "query($c: String!, $d: Date) { appointmentPeriods(center: $c, date: $d) { period } }"
    center = await Center.get(code="hall")
    calendar = await calendar_for(center)
    saturday = next(d for d in (local_today() + timedelta(days=n) for n in range(1, 29))
                    if d.weekday() == 5 and calendar.day_info(d).reason.startswith("周末"))
    # no roster: a Saturday is closed
    assert (await drive.query(None, periods, c="hall", d=saturday.isoformat()))["appointmentPeriods"] == []
    closed = (await drive.query("app1", book, c="hall", i="qykb-yjs", d=saturday.isoformat(), p="09:00-10:00"))["bookAppointment"]
    assert [e["code"] for e in closed["errors"]] == ["not_workday"]
    # a duty roster on Saturday mornings
    center.settings = {**center.settings, "appointments": {**center.settings["appointments"], "saturdayPeriods": ["09:00-12:00"]}}
    await center.save(update_fields=["settings"])
    assert (await drive.query(None, periods, c="hall", d=saturday.isoformat()))["appointmentPeriods"] == [{"period": "09:00-12:00"}]
    wrong = (await drive.query("app1", book, c="hall", i="qykb-yjs", d=saturday.isoformat(), p="09:00-10:00"))["bookAppointment"]
    assert [e["code"] for e in wrong["errors"]] == ["period"] and "周六值班" in wrong["errors"][0]["message"]
    booked = (await drive.query("app1", book, c="hall", i="qykb-yjs", d=saturday.isoformat(), p="09:00-12:00"))["bookAppointment"]
    assert booked == {"__typename": "Appointment", "period": "09:00-12:00", "delayed": False}
    # the Sunday stays closed, and a working day keeps its own periods
    sunday = saturday + timedelta(days=1)
    assert (await drive.query(None, periods, c="hall", d=sunday.isoformat()))["appointmentPeriods"] == []
    monday = saturday + timedelta(days=2)
    if calendar.is_workday(monday):
        assert len((await drive.query(None, periods, c="hall", d=monday.isoformat()))["appointmentPeriods"]) == 8
