"""请假 routed by its length (the approval center's rules): up to one day window leader → office → supervision, more
than one day window leader → office → leadership; nobody approves their own leave; an approved
leave hands the person's open cases to their AB岗 partner."""

from __future__ import annotations

import pytest

from core.api import User, hookimpl
from core.plumbing.models import Notification
from core.services.sweeper import sweep_plugins

from .drive import LEAVE_REQUESTS, build_staff, codes

pytestmark = pytest.mark.anyio


@pytest.fixture
async def drive(app, govhall, gql, monkeypatch):
    return await build_staff(govhall, gql, monkeypatch)


async def test_one_day_goes_to_supervision_more_to_the_leadership(drive):
    one = await drive.leave("clerk1", "personal", "2026-03-09", "2026-03-09")
    assert (one["days"], one["route"], one["currentStep"]) == (1.0, ["window", "office", "supervision"], "window")
    more = await drive.leave("clerk1", "personal", "2026-03-10", "2026-03-11", end_half="am")
    assert (more["days"], more["route"]) == (1.5, ["window", "office", "leadership"])
    office = await drive.leave("office1", "sick", "2026-03-06", "2026-03-09")  # Friday to Monday: 2 working days
    assert (office["days"], office["route"]) == (2.0, ["office", "leadership"])
    for step, user in (("window", "lead1"), ("office", "office1")):
        assert one["currentStep"] == step
        one = await drive.decide(user, one)
    assert one["currentStep"] == "supervision" and one["status"] == "pending"
    assert codes(await drive.decide("boss1", one)) == ["forbidden"]  # not the leadership's step
    one = await drive.decide("sup1", one)
    assert one["status"] == "approved" and [d["by"] for d in one["decisions"]] == ["lead1", "office1", "sup1"]


async def test_nobody_approves_their_own_leave(drive):
    office = await drive.leave("office1", "personal", "2026-03-09", "2026-03-09")
    assert codes(await drive.decide("office1", office)) == ["own_leave"]
    leader = await drive.leave("lead1", "personal", "2026-03-10", "2026-03-10", end_half="am")
    assert leader["route"] == ["office", "supervision"]  # a window leader starts at the office
    assert codes(await drive.decide("lead1", leader)) == ["own_leave"]
    leader = await drive.decide("office2", leader)
    await drive.add_person("sup2", "supervision")  # someone besides sup1 holds the step sup1's leave reaches
    sup = await drive.leave("sup1", "personal", "2026-03-11", "2026-03-11", start_half="pm")
    sup = await drive.decide("office2", sup)
    assert sup["currentStep"] == "supervision"
    assert codes(await drive.decide("sup1", sup)) == ["own_leave"]
    (waiting,) = [r for r in await drive.run("office2", LEAVE_REQUESTS, c="hall", s="pending") if r["id"] == sup["id"]]
    assert waiting["status"] == "pending" and len(waiting["decisions"]) == 1
    assert codes(await drive.decide("win2", leader)) == ["forbidden"]


async def test_leave_needs_a_partner_and_working_days(drive):
    await drive.add_person("head1", "window_staff", role="head")
    assert codes(await drive.leave("head1", "personal", "2026-03-09", "2026-03-09")) == ["no_partner"]
    assert codes(await drive.leave("clerk1", "personal", "2026-03-07", "2026-03-08")) == ["no_working_day"]
    assert codes(await drive.leave("clerk1", "personal", "2026-03-09", "2026-03-08")) == ["order"]
    assert codes(await drive.leave("clerk1", "sick", "9999-12-30", "9999-12-31")) == ["range"]  # was INTERNAL
    assert codes(await drive.leave("clerk1", "sick", "0001-01-01", "0001-01-02")) == ["range"]
    await drive.leave("clerk1", "personal", "2026-03-09", "2026-03-09", end_half="am")
    assert codes(await drive.leave("clerk1", "sick", "2026-03-09", "2026-03-10")) == ["overlap"]
    assert (await drive.leave("clerk1", "sick", "2026-03-09", "2026-03-09", start_half="pm"))["days"] == 0.5


async def test_an_approved_leave_hands_the_open_cases_to_the_partner(drive):
    case = await drive.submit("app1")
    case = await drive.ok("clerk1", case, "accept")
    done = await drive.submit("app2", item="test-quick")
    done = await drive.ok("clerk1", done, "finish_on_spot")
    leave = await drive.leave("clerk1", "sick", "2026-03-09", "2026-03-09")
    refused = await drive.decide("lead1", leave, approve=False, comment="窗口人手不足，请改期")
    assert refused["status"] == "refused" and refused["handedOver"] == 0
    leave = await drive.approve_all(await drive.leave("clerk1", "sick", "2026-03-10", "2026-03-10"))
    assert leave["handedOver"] == 1
    events = (await drive.get("head1", case))["events"]
    assert events[-1]["action"] == "hand_over" and events[-1]["changes"] == {"responsible": "win2", "from": "clerk1", "responsibleName": "win2"}
    mine = await drive.query("win2", "query { cases(center: \"hall\", mine: true) { edges { node { id } } } }")
    assert [e["node"]["id"] for e in mine["cases"]["edges"]] == [case["id"]]
    assert "hand_over" not in [e["action"] for e in (await drive.get("head1", done))["events"]]


async def test_other_plugins_move_their_own_work_through_the_hook(drive, govhall):
    calls = []

    class Recorder:
        @hookimpl
        def staff_hand_over(self, center, person, partner, start, end):
            calls.append((center.code, person.username, partner.username, start.isoformat(), end.isoformat()))

    govhall.pm.register(Recorder(), name="staff-hand-over-recorder")
    try:
        leave = await drive.leave("clerk1", "annual", "2026-03-09", "2026-03-10")
        await drive.decide("lead1", leave)
        assert calls == []  # nothing moves before the last approval
        (waiting,) = await drive.run("clerk1", LEAVE_REQUESTS, c="hall", s="pending")
        await drive.approve_all(waiting)
        assert calls == [("hall", "clerk1", "win2", "2026-03-09", "2026-03-10")]
    finally:
        govhall.pm.unregister(name="staff-hand-over-recorder")


async def test_a_post_nobody_holds_refuses_the_request_instead_of_leaving_it_waiting(drive):
    """A window without a leader on the register, or a center without its leadership: the request
    would wait at that step for good (nobody sees it to decide), so it is refused, naming the post."""
    await drive.add_person("lead1", "window_staff", window="A01", partner="win2")  # A01 loses its leader
    refused = await drive.leave("clerk1", "personal", "2026-03-09", "2026-03-09")
    assert codes(refused) == ["no_approver"]
    assert "窗口负责人" in refused["errors"][0]["message"] and "窗口负责人签字" in refused["errors"][0]["message"]
    assert await drive.run("admin1", LEAVE_REQUESTS, c="hall", s="pending") == []
    await drive.add_person("lead1", "window_leader", window="A01", partner="win2")
    assert (await drive.leave("clerk1", "personal", "2026-03-09", "2026-03-09"))["status"] == "pending"
    # the one holding the post cannot decide their own leave: for them the post is vacant too
    await drive.add_person("boss1", "office", partner="office1")
    more = await drive.leave("office1", "sick", "2026-03-10", "2026-03-11")
    assert codes(more) == ["no_approver"] and "中心领导" in more["errors"][0]["message"]
    assert (await drive.leave("office1", "sick", "2026-03-10", "2026-03-10"))["route"] == ["office", "supervision"]


MESSAGES = "query($c: String!) { staffMessages(center: $c) { text } }"
REMOVE = "mutation($c: String!, $u: String!) { removeStaffRecord(center: $c, username: $u) { __typename } }"


async def waiting_for(drive, user: str, leave: dict) -> dict | None:
    """The request as ``user``'s 请假 tab lists it (None: not listed for them)."""
    return next((r for r in await drive.run(user, LEAVE_REQUESTS, c="hall", s="pending") if r["id"] == leave["id"]), None)


async def test_a_request_waiting_at_a_post_that_falls_vacant_goes_to_the_next_post_up(drive):
    """The window leader moves to another post while a clerk's request waits for their signature:
    the office, next on the request's way, sees it and signs in their place, on the record; once the
    window has a leader again, it is theirs again."""
    leave = await drive.leave("clerk1", "personal", "2026-03-09", "2026-03-09")
    assert (leave["currentPost"], leave["waitingFor"]) == ("window", "窗口负责人签字")
    assert (await waiting_for(drive, "office1", leave))["canDecide"] is False  # the office oversees, but it is the leader's
    await drive.add_person("lead1", "window_staff", window="A01", partner="win2")  # A01 loses its leader
    seen = await waiting_for(drive, "office1", leave)
    assert (seen["currentStep"], seen["currentPost"], seen["canDecide"]) == ("window", "office", True)
    assert seen["waitingFor"] == "窗口负责人签字（窗口负责人空缺，由中心办公室审批）"
    assert codes(await drive.decide("lead1", leave)) == ["forbidden"]  # no longer the leader
    assert codes(await drive.decide("sup1", leave)) == ["forbidden"]  # not the next post on the way
    assert (await waiting_for(drive, "win2", leave)) is None

    await drive.add_person("lead1", "window_leader", window="A01", partner="win2")  # the post filled again
    assert (await waiting_for(drive, "office1", leave))["canDecide"] is False
    assert codes(await drive.decide("office1", leave)) == ["forbidden"]
    leave = await drive.decide("lead1", leave)
    assert leave["currentStep"] == "office" and leave["decisions"][0]["actingPost"] is None

    second = await drive.leave("clerk1", "personal", "2026-03-10", "2026-03-10")
    await drive.add_person("lead1", "window_staff", window="A01", partner="win2")
    second = await drive.decide("office1", second)  # for the vacant leader, on the record
    assert (second["currentStep"], second["decisions"][0]["step"]) == ("office", "window")
    assert (second["decisions"][0]["actingPost"], second["decisions"][0]["actingPostLabel"]) == ("office", "中心办公室")
    second = await drive.decide("office2", second)  # the office's own step
    second = await drive.decide("sup1", second)
    assert second["status"] == "approved" and [d["actingPost"] for d in second["decisions"]] == ["office", None, None]


async def test_with_every_post_after_it_vacant_the_centers_administrator_decides(drive):
    """The leadership is the last step of a long leave: with nobody left there (removed from the
    register, or their account stopped), the center's administrator, who keeps the register, decides."""
    leave = await drive.decide("office2", await drive.leave("office1", "sick", "2026-03-09", "2026-03-10"))
    assert (leave["currentStep"], leave["currentPost"]) == ("leadership", "leadership")
    assert (await drive.run("admin1", REMOVE, c="hall", u="boss1"))["__typename"] == "StaffRecord"
    seen = await waiting_for(drive, "admin1", leave)
    assert (seen["currentPost"], seen["canDecide"]) == ("admin", True)
    assert seen["waitingFor"] == "中心领导核准（中心领导空缺，由中心管理员审批）"
    assert (await waiting_for(drive, "sup1", leave))["canDecide"] is False  # an overseer, but not the post
    assert codes(await drive.decide("boss1", leave)) == ["forbidden"]
    await drive.add_person("boss1", "leadership", partner="office1")
    await User.filter(username="boss1").update(active=False)  # 中心管理 → 停用 (boss1 holds no core post to stop it by)
    assert (await waiting_for(drive, "admin1", leave))["currentPost"] == "admin"  # a stopped account holds no post
    leave = await drive.decide("admin1", leave)
    assert leave["status"] == "approved" and leave["decisions"][-1]["actingPost"] == "admin"
    assert leave["decisions"][-1]["actingPostLabel"] == "中心管理员"


STOP = ("mutation($c: String!, $u: String!) { setStaffActive(center: $c, username: $u, active: false) { __typename "
        "... on UserErrors { errors { code message } } } }")


async def messages(*users: str) -> dict[str, list[str]]:
    """The 站内消息 each user has, oldest first (read from the table: every user's at once)."""
    return {u: list(await Notification.filter(channel="internal", recipient=u).order_by("id").values_list("text", flat=True))
            for u in users}


async def test_whoever_now_decides_for_a_vacant_post_is_told_once_and_again_when_it_falls_vacant_again(drive, govhall):
    """The window leader's account is stopped while a clerk's request waits for their signature: the
    next sweep tells the office (who now decide it) and the clerk, once each; a second sweep tells
    nobody. A new leader is appointed (nothing to tell), then stopped too: told again."""
    leave = await drive.leave("clerk1", "personal", "2026-03-09", "2026-03-09")
    people = ("office1", "office2", "clerk1", "sup1", "admin1", "lead1", "win2")
    await sweep_plugins(govhall)
    assert await messages(*people) == {u: [] for u in people}  # nothing vacant: nothing to tell

    assert (await drive.run("admin1", STOP, c="hall", u="lead1"))["__typename"] == "StaffAccount"
    await sweep_plugins(govhall)
    told = await messages(*people)
    assert told["office1"] == told["office2"] == [
        "【请假审批】clerk1的请假申请（事假，3月9日）原由窗口负责人审批，该岗位现空缺，改由您（中心办公室）审批，请到“请假”页审批。"]
    assert told["clerk1"] == ["【请假审批】您的请假申请（事假，3月9日）原由窗口负责人审批，该岗位现空缺，改由中心办公室审批。"]
    assert told["sup1"] == told["admin1"] == told["lead1"] == told["win2"] == []
    assert (await drive.query("clerk1", MESSAGES, c="hall"))["staffMessages"][0]["text"] == told["clerk1"][0]
    await sweep_plugins(govhall)
    assert await messages(*people) == told  # told once

    await drive.add_person("win2", "window_leader", window="A01", partner="clerk1")  # a new leader for A01
    assert (await waiting_for(drive, "win2", leave))["canDecide"] is True
    await sweep_plugins(govhall)
    assert await messages(*people) == told  # the post is held again: nothing to tell
    assert (await drive.run("admin1", STOP, c="hall", u="win2"))["__typename"] == "StaffAccount"
    await sweep_plugins(govhall)
    again = await messages(*people)
    for user in ("office1", "office2", "clerk1"):
        assert again[user] == told[user] * 2, user
    await sweep_plugins(govhall)
    assert await messages(*people) == again


async def test_the_new_deciders_read_the_message_on_staff_messages_whatever_their_core_role(drive, govhall):
    """The office told of a vacant window leader's request: office1 and office2 hold no core role, conf1 is a
    configurator (as the demo's office, lz-config); each reads the message where staff read theirs, and
    nobody reads another's."""
    await drive.add_person("conf1", "office", partner="office1", role="configurator")
    await drive.leave("clerk1", "personal", "2026-03-09", "2026-03-09")
    assert (await drive.run("admin1", STOP, c="hall", u="lead1"))["__typename"] == "StaffAccount"
    await sweep_plugins(govhall)
    text = "【请假审批】clerk1的请假申请（事假，3月9日）原由窗口负责人审批，该岗位现空缺，改由您（中心办公室）审批，请到“请假”页审批。"
    for user in ("office1", "office2", "conf1"):
        assert (await drive.query(user, MESSAGES, c="hall"))["staffMessages"] == [{"text": text}], user
    assert (await drive.query("boss1", MESSAGES, c="hall"))["staffMessages"] == []  # on the register, but not told
    assert [m["text"] for m in (await drive.query("sup1", MESSAGES, c="hall"))["staffMessages"]] == []


async def test_the_deputy_falling_vacant_too_is_told_to_the_next_post_up(drive, govhall):
    """The window leader and then the whole office stopped: the office is told first, then the
    supervision office (the next post on a one-day leave's way) with both vacancies named; once it
    signed for the leader, the office's own step is told as a new one."""
    leave = await drive.leave("clerk1", "personal", "2026-03-09", "2026-03-09", end_half="am")
    assert (await drive.run("admin1", STOP, c="hall", u="lead1"))["__typename"] == "StaffAccount"
    await sweep_plugins(govhall)
    await User.filter(username__in=("office1", "office2")).update(active=False)  # 停用 (no core post to stop them by)
    assert (await waiting_for(drive, "sup1", leave))["currentPost"] == "supervision"
    await sweep_plugins(govhall)
    told = await messages("office1", "sup1", "clerk1")
    assert told["sup1"] == ["【请假审批】clerk1的请假申请（事假，3月9日上午）原由窗口负责人审批，窗口负责人、中心办公室现均空缺，"
                            "改由您（督查科）审批，请到“请假”页审批。"]
    assert len(told["office1"]) == 1 and len(told["clerk1"]) == 2
    assert told["clerk1"][1].endswith("改由督查科审批。")
    leave = await drive.decide("sup1", leave)  # the leader's signature, in their place: now the office's step
    assert (leave["currentStep"], leave["currentPost"]) == ("office", "supervision")
    await sweep_plugins(govhall)
    told = await messages("sup1", "clerk1")
    assert told["sup1"][1] == ("【请假审批】clerk1的请假申请（事假，3月9日上午）原由中心办公室审批，该岗位现空缺，"
                               "改由您（督查科）审批，请到“请假”页审批。")
    assert len(told["sup1"]) == 2 and len(told["clerk1"]) == 3
