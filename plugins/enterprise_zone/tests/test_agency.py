"""代办帮办: the applicant asks, a head assigns an agent (the applicant gets an SMS), the agent
files on the applicant's behalf and the request is marked filed with the case."""

from __future__ import annotations

import pytest

from core.plumbing.models import Notification

from .drive import AGENCY_REQUESTS, ASSIGN, REQUEST_AGENCY, ZoneDriver, build_zone, closing_data, codes, opening_data

pytestmark = pytest.mark.anyio


@pytest.fixture
async def drive(app, govhall, gql):
    return ZoneDriver(gql, await build_zone(govhall, gql))


async def test_request_assign_and_file_on_behalf(drive):
    asked = await drive.run("app1", REQUEST_AGENCY, c="hall", i="qykb-yjs", m="13800138000", n="第一次开公司，不会填表")
    assert asked["__typename"] == "AgencyRequest" and asked["status"] == "pending" and asked["applicant"] == "app1"
    assert asked["itemName"].startswith("企业开办“一件事”")
    assert codes(await drive.run("app1", REQUEST_AGENCY, c="hall", i="qykb-yjs", m="13800138000")) == ["duplicate"]
    assert codes(await drive.run("app2", REQUEST_AGENCY, c="hall", i="nope", m="138")) == ["unknown_item"]
    assert codes(await drive.run("app2", REQUEST_AGENCY, c="hall", i="qykb-yjs", m="138")) == ["format.mobile-cn"]

    # who sees what: staff all, agents what is assigned to them, applicants their own
    assert [r["id"] for r in await drive.run("head1", AGENCY_REQUESTS, c="hall", s="pending")] == [asked["id"]]
    assert await drive.run("agent1", AGENCY_REQUESTS, c="hall") == []
    assert await drive.run("app2", AGENCY_REQUESTS, c="hall") == []
    assert (await drive.refused("head1", AGENCY_REQUESTS, c="hall", s="odd"))["extensions"]["code"] == "BAD_USER_INPUT"

    # asked but not yet accepted (no agent assigned): no agency yet
    assert codes(await drive.submit("agent1", item="qykb-yjs", data=opening_data(), behalf="app1")) == ["agency.required"]

    # only a head assigns, and only an agent of this center
    assert codes(await drive.run("clerk1", ASSIGN, r=asked["id"], a="agent1")) == ["forbidden"]
    assert codes(await drive.run("head1", ASSIGN, r=asked["id"], a="app2")) == ["not_agent"]
    nobody = await drive.run("head1", ASSIGN, r=asked["id"], a=" ")  # 指派 pressed before anyone was picked
    assert codes(nobody) == ["required"] and nobody["errors"][0]["message"] == "请先查找并选择代办员"
    assert codes(await drive.run("head1", ASSIGN, r="999", a="agent1")) == ["not_found"]
    assigned = await drive.run("head1", ASSIGN, r=asked["id"], a="agent1")
    assert assigned["status"] == "assigned" and assigned["agent"] == "agent1" and assigned["statusLabel"] == "已指派代办员"
    (sms,) = await Notification.filter(recipient="13800138000")
    assert "代办员agent1" in sms.text and "企业开办“一件事”" in sms.text
    (mine,) = await drive.run("agent1", AGENCY_REQUESTS, c="hall")
    assert mine["applicant"] == "app1" and mine["contactMobile"] == "13800138000"
    assert await drive.run("agent2", AGENCY_REQUESTS, c="hall") == []

    # the agent files for the applicant: the applicant owns the case, the request is done
    case = await drive.submit("agent1", item="qykb-yjs", data=opening_data(agencyService=True), behalf=mine["applicant"])
    assert case["__typename"] == "Case", case
    assert case["events"][0]["role"] == "agent"
    assert (await drive.get("app1", case))["number"] == case["number"]
    (done,) = await drive.run("head1", AGENCY_REQUESTS, c="hall", s="filed")
    assert done["caseNumber"] == case["number"] and done["caseId"] == case["id"]
    assert codes(await drive.run("head1", ASSIGN, r=asked["id"], a="agent2")) == ["state"]

    # the accepted request is this agent's agency for this applicant only: nobody else, no other agent
    assert codes(await drive.submit("agent1", item="qyzx-yjs", data=closing_data(), behalf="app2")) == ["agency.required"]
    assert codes(await drive.submit("agent2", item="qykb-yjs", data=opening_data(), behalf="app1")) == ["agency.required"]
    assert codes(await drive.submit("agent2", item="qykb-yjs", data=opening_data(), behalf="app2")) == ["agency.required"]
    assert [r["status"] for r in await drive.run("head1", AGENCY_REQUESTS, c="hall")] == ["filed"]


async def test_a_head_may_reassign_before_filing(drive):
    asked = await drive.run("app1", REQUEST_AGENCY, c="hall", i="qyzx-yjs", m="13800138000")
    await drive.run("head1", ASSIGN, r=asked["id"], a="agent1")
    moved = await drive.run("head1", ASSIGN, r=asked["id"], a="agent2")
    assert moved["agent"] == "agent2"
    assert await drive.run("agent1", AGENCY_REQUESTS, c="hall") == []
    assert await Notification.filter(recipient="13800138000").count() == 2


async def test_an_internal_item_is_neither_booked_nor_asked_for(drive, govhall):
    """内部事项 (the staff leave form) are the center's own: no agency request, no appointment for them."""
    import copy

    from core.services.accounts import Actor, load_grants
    from core.services.items import define_item, publish_item
    from tests.hall import PERMIT

    from .drive import BOOK, next_workdays

    config = drive.hall.users["config1"]
    actor = Actor(user=config, grants=await load_grants(config))
    leave = {**copy.deepcopy(PERMIT), "code": "test-leave", "name": "工作人员请假单", "itemType": "内部事项"}
    await define_item(govhall, actor, drive.hall.center, leave)
    await publish_item(govhall, actor, drive.hall.center, "test-leave")
    asked = await drive.run("app1", REQUEST_AGENCY, c="hall", i="test-leave", m="13800138000")
    assert codes(asked) == ["internal_item"] and asked["errors"][0]["path"] == "/item", asked
    assert asked["errors"][0]["message"] == "“工作人员请假单”是中心内部事项，不对外办理"
    day = (await next_workdays(drive.hall.center, 1))[0]
    booked = await drive.run("app1", BOOK, c="hall", i="test-leave", d=day.isoformat(), p="09:00-10:00")
    assert codes(booked) == ["internal_item"], booked
