"""The 好差评 push and the 电子监察 feed of a real case: submitted, accepted, decided, completed,
a red card raised by the sweeper, a 差评 and the verified complaint that rectifies it."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from core.services.outbox import Dispatcher, OutboxConfig
from core.services.sweeper import sweep
from tests.hall import CaseDriver, build_hall

from .receiver import SECRET

pytestmark = pytest.mark.anyio

RATE = """mutation($id: ID!, $level: Int!, $comment: String) { rateCase(id: $id, level: $level, comment: $comment) {
  __typename ... on UserErrors { errors { code message } } } }"""


async def test_supervision_feed_and_haochaping_push(govhall, gql, receiver):
    hall = await build_hall(govhall, gql, plugins=["exchange", "assessment"])
    url = receiver.url
    hall.center.settings = {"exchange": {"connectors": [
        {"name": "jiancha", "type": "supervision", "url": url + "?feed=supervision", "secret": SECRET, "timeout": 2},
        {"name": "hcp", "type": "haochaping", "url": url + "?feed=hcp", "secret": SECRET, "timeout": 2},
    ]}}
    await hall.center.save(update_fields=["settings"])
    drive = CaseDriver(gql, hall)
    dispatcher = Dispatcher(govhall, OutboxConfig(backoff_seconds=0, max_attempts=3))
    case = await drive.submit("app1")
    await drive.ok("clerk1", case, "accept")
    # the promised deadline passes: the sweeper raises cards
    await sweep(govhall, now=datetime.now(timezone.utc) + timedelta(days=60))
    await drive.ok("rev-scjg", case, "approve")
    rated = await gql(RATE, {"id": case["id"], "level": 2, "comment": "窗口人员态度生硬"}, token=hall.tokens["app1"])
    assert rated["rateCase"]["__typename"] != "UserErrors", rated
    filed = await gql(
        """mutation($c: String!, $case: ID!) { fileComplaint(center: $c, channel: "online", text: "办理拖延", case: $case) { __typename } }""",
        {"c": "hall", "case": case["id"]}, token=hall.tokens["app1"],
    )
    complaint = await gql("query { complaints(center: \"hall\") { id } }", token=hall.tokens["sup1"])
    await gql(
        """mutation($id: ID!) { verifyComplaint(id: $id, verified: true, reply: "已约谈窗口人员并整改，次日电话回访") { __typename } }""",
        {"id": complaint["complaints"][0]["id"]}, token=hall.tokens["sup1"],
    )
    assert filed
    await dispatcher.drain()
    feed = [r["body"] for r in receiver.requests if "caseNo" in r["body"]]
    by_type = {}
    for record in feed:
        by_type.setdefault(record["eventType"], []).append(record)
    assert {"case.submitted", "case.accepted", "case.decided", "case.completed", "alert.raised", "alert.cleared"} <= set(by_type)
    steps = sorted(r["seq"] for r in feed)  # deliveries run side by side: the case's own order is its seq
    assert steps[0] == 1 and by_type["case.accepted"][0]["seq"] < by_type["case.decided"][0]["seq"]
    accepted = by_type["case.accepted"][0]
    assert accepted["caseNo"] == case["number"] and accepted["node"] == "受理"
    assert accepted["itemCode"] == "test-permit" and accepted["deptName"] == "市场监督管理局"
    assert accepted["promisedDays"] == 10 and accepted["promisedDue"]
    cards = [r["card"] for r in by_type["alert.raised"]]
    assert "红牌" in [c["type"] for c in cards]
    (cleared,) = by_type["alert.cleared"]
    assert cleared["card"]["withdrawn"] is True and cleared["card"]["type"] == "撤销"
    decided = by_type["case.decided"][0]
    assert decided["node"] == "决定" and decided["decision"]["action"] == "approve" and decided["opinion"]
    assert by_type["case.completed"][0]["finishTime"]
    hcp = [r["body"] for r in receiver.requests if r["body"].get("recordType")]
    evaluation = next(r for r in hcp if r["recordType"] == "evaluation")
    assert evaluation["projectNo"] == case["number"] and evaluation["evaluateLevel"] == 2
    assert evaluation["evaluateLevelName"] == "不满意" and evaluation["isBad"] is True
    assert evaluation["evaluateChannel"] == "pc" and evaluation["deptName"] == "市场监督管理局"
    assert evaluation["rectification"]["status"] == "待整改" and evaluation["followUp"]["status"] == "待回访"
    rectification = next(r for r in hcp if r["recordType"] == "rectification")
    assert rectification["projectNo"] == case["number"]
    assert rectification["rectification"] == {**rectification["rectification"], "status": "已整改", "result": "已约谈窗口人员并整改，次日电话回访"}
    assert receiver.bad_signatures == 0 and set(receiver.processed.values()) == {1}


async def test_a_rating_given_at_a_window_tablet_goes_up_as_the_window_channel(govhall):
    """The 好差评 channel is where the rating was given: a web case rated on site is 评价器, not PC."""
    from types import SimpleNamespace

    from plugins.exchange.mapping import haochaping

    def event(rating_channel):
        payload = {
            "case": {"number": "HALL-1", "channel": "web", "item": {"code": "x", "name": "示例事项"}},
            "rating": {"id": 1, "level": 5, "comment": "", "at": None, "channel": rating_channel},
        }
        return SimpleNamespace(kind="rating.submitted", payload=payload, event_id="e1", created_at=None)

    center = SimpleNamespace(code="hall", name="测试中心", id=0)
    on_site = await haochaping(event("on_site"), center)
    online = await haochaping(event("online"), center)
    assert (on_site["evaluateChannel"], on_site["evaluateChannelName"]) == ("pad", "政务服务窗口评价器")
    assert online["evaluateChannel"] == "pc"


async def test_a_verified_anonymous_complaint_goes_up_saying_it_is_anonymous(govhall):
    """An unsigned 12345 transfer about a case: the rectification record says 匿名 (no written reply due)."""
    from types import SimpleNamespace

    from plugins.exchange.mapping import haochaping

    def event(anonymous):
        payload = {"case": {"number": "HALL-1"}, "complaint": {
            "id": 1, "channel": "hotline", "text": "窗口午休无人", "verified": True, "reply": "已调整午休轮班",
            "anonymous": anonymous, "writtenReply": not anonymous}}
        return SimpleNamespace(kind="complaint.verified", payload=payload, event_id="e1", created_at=None)

    center = SimpleNamespace(code="hall", name="测试中心", id=0)
    assert (await haochaping(event(True), center))["isAnonymous"] is True
    assert (await haochaping(event(False), center))["isAnonymous"] is False


async def test_an_anonymous_complaints_result_goes_up_when_it_is_published_before_the_finding(govhall, gql, receiver):
    """An unsigned 12345 transfer about a case: its result, once recorded, is shown to the public (公示)
    and goes up at once (``complaint.published``), to 好差评 as a rectification record and as the event
    itself, without waiting for the supervision office's finding."""
    hall = await build_hall(govhall, gql, plugins=["exchange"])
    url = receiver.url
    hall.center.settings = {"exchange": {"connectors": [
        {"name": "hcp", "type": "haochaping", "url": url + "?feed=hcp", "secret": SECRET, "timeout": 2},
        {"name": "hub", "type": "webhook", "url": url + "?feed=hub", "secret": SECRET, "timeout": 2,
         "events": ["complaint.*"]},
    ]}}
    await hall.center.save(update_fields=["settings"])
    case = await CaseDriver(gql, hall).submit("app1")
    filed = await gql(
        """mutation($c: String!, $case: ID!) { fileComplaint(center: $c, channel: "hotline", text: "12345转来：窗口午休无人",
          case: $case) { ... on Complaint { id anonymous } } }""", {"c": "hall", "case": case["id"]}, token=hall.tokens["clerk1"])
    complaint = filed["fileComplaint"]
    assert complaint["anonymous"] is True
    await gql("""mutation($id: ID!) { replyComplaint(id: $id, reply: "已调整午休轮班，窗口不断岗") { __typename } }""",
              {"id": complaint["id"]}, token=hall.tokens["sup1"])
    await Dispatcher(govhall, OutboxConfig(backoff_seconds=0, max_attempts=3)).drain()

    (record,) = [r["body"] for r in receiver.requests if r["body"].get("recordType")]
    assert (record["recordType"], record["projectNo"], record["isAnonymous"]) == ("rectification", case["number"], True)
    assert record["rectification"]["status"] == "处理结果已公示"
    assert record["rectification"]["result"] == "已调整午休轮班，窗口不断岗" and record["rectification"]["time"]
    kinds = {r["body"]["kind"]: r["body"] for r in receiver.requests if r["body"].get("kind")}
    assert set(kinds) == {"complaint.filed", "complaint.published"}
    published = kinds["complaint.published"]["payload"]
    assert published["case"]["number"] == case["number"] and published["complaint"]["id"] == int(complaint["id"])
    assert published["complaint"]["reply"] == "已调整午休轮班，窗口不断岗" and published["complaint"]["anonymous"] is True
    assert receiver.bad_signatures == 0 and set(receiver.processed.values()) == {1}
