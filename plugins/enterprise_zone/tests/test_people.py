"""Finding applicants and agents by name, ID number or mobile (never by login name), and the periods
an appointment can be booked in."""

from __future__ import annotations

import pytest

from core.models import User

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
