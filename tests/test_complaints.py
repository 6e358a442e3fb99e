"""投诉 in every center (the test hall enables no plugin): intake at the front desk, the time limit on
the center's calendar, assignment, escalation to the leadership, the reply, follow-up, the supervision
office's final finding, the approval center's 通报/下岗 — and nobody handles a complaint about themselves."""

from __future__ import annotations

import asyncio
from datetime import date, datetime
from typing import Any

import pytest

from core.services import clock, complaints
from core.services.centers import check_center_document, load_center
from core.plumbing.models import Center, Complaint, Notification, User
from core.plumbing.outbox_models import OutboxEvent
from tests.hall import CaseDriver, build_hall, codes
from tests.helpers import PASSWORD, center_doc, make_user

pytestmark = pytest.mark.anyio

ERRORS = "... on UserErrors { errors { path code message } }"
FIELDS = """id channel channelLabel text complainant caseNumber department window staff staffName status stage stageLabel
  dueOn overdue writtenReply anonymous assignee escalated reply verified consequence consequenceLabel receivedBy verifiedBy
  steps { action actionLabel actor text }"""
FILE = f"""mutation($c: String!, $text: String!, $channel: String, $case: ID, $dep: String, $win: String, $staff: String,
  $who: String) {{ fileComplaint(center: $c, text: $text, channel: $channel, case: $case, department: $dep, window: $win,
  staff: $staff, complainant: $who) {{ __typename ... on Complaint {{ {FIELDS} }} {ERRORS} }} }}"""
ASSIGN = f"""mutation($id: ID!, $to: String!) {{ assignComplaint(id: $id, assignee: $to) {{
  __typename ... on Complaint {{ {FIELDS} }} {ERRORS} }} }}"""
ESCALATE = f"""mutation($id: ID!, $note: String!) {{ escalateComplaint(id: $id, note: $note) {{
  __typename ... on Complaint {{ {FIELDS} }} {ERRORS} }} }}"""
REPLY = f"""mutation($id: ID!, $reply: String!) {{ replyComplaint(id: $id, reply: $reply) {{
  __typename ... on Complaint {{ {FIELDS} }} {ERRORS} }} }}"""
NOTE = f"""mutation($id: ID!, $text: String!) {{ noteComplaint(id: $id, text: $text) {{
  __typename ... on Complaint {{ {FIELDS} }} {ERRORS} }} }}"""
VERIFY = f"""mutation($id: ID!, $verified: Boolean!, $reply: String) {{ verifyComplaint(id: $id, verified: $verified,
  reply: $reply) {{ __typename ... on Complaint {{ {FIELDS} }} {ERRORS} }} }}"""
LIST = f"query($c: String!, $pending: Boolean) {{ complaints(center: $c, pending: $pending) {{ {FIELDS} }} }}"
CONSEQUENCES = """query($c: String!) { complaintConsequences(center: $c) {
  staff staffName count consequence consequenceLabel complaintIds } }"""


@pytest.fixture
def today(monkeypatch: pytest.MonkeyPatch) -> list[date]:
    current = [date(2025, 3, 3)]  # a Monday
    monkeypatch.setattr(clock, "local_today", lambda now=None: current[0])
    return current


@pytest.fixture
async def drive(app, govhall, gql, today) -> CaseDriver:
    hall = await build_hall(govhall, gql)
    for name in ("sup2", "head2"):
        await make_user(name, hall.center, "supervisor" if name == "sup2" else "head", "scjg" if name == "head2" else None)
        hall.tokens[name] = await gql.login(name, PASSWORD)
    return CaseDriver(gql, hall)


async def ok(drive: CaseDriver, user: str, query: str, name: str, **variables: Any) -> dict[str, Any]:
    result = (await drive.query(user, query, **variables))[name]
    assert result["__typename"] == "Complaint", result
    return result


async def test_a_complaint_from_intake_to_verification_in_a_center_without_plugins(drive, today):
    assert drive.hall.center.plugins == [] or not drive.hall.center.plugins
    filed = await ok(drive, "clerk1", FILE, "fileComplaint", c="hall", channel="hotline", dep="scjg", staff="rev-scjg",
                     text="12345转来：市场监管窗口三次让补同一份材料", who="王女士 13800138000")
    assert (filed["channelLabel"], filed["status"], filed["stage"], filed["department"], filed["staff"]) == (
        "12345热线", "待核查", "filed", "scjg", "rev-scjg")
    assert filed["dueOn"] == "2025-03-10" and not filed["overdue"] and filed["writtenReply"]  # 5 working days
    assert filed["complainant"] == "王女士 13800138000" and filed["receivedBy"] == "clerk1"

    # assignment: never to the person complained against or their department
    for name in ("rev-scjg", "head2"):
        assert codes((await drive.query("sup1", ASSIGN, id=filed["id"], to=name))["assignComplaint"]) == ["self"]
    assert codes((await drive.query("clerk1", ASSIGN, id=filed["id"], to="head1"))["assignComplaint"]) == ["forbidden"]
    assigned = await ok(drive, "sup1", ASSIGN, "assignComplaint", id=filed["id"], to="head1")
    assert (assigned["assignee"], assigned["stage"], assigned["stageLabel"]) == ("head1", "assigned", "办理中")

    # escalation to the leadership (上报主任室): the heads and administrators are told
    assert codes((await drive.query("head1", ESCALATE, id=filed["id"], note="x"))["escalateComplaint"]) == ["forbidden"]
    assert codes((await drive.query("sup1", ESCALATE, id=filed["id"], note=" "))["escalateComplaint"]) == ["required"]
    up = await ok(drive, "sup1", ESCALATE, "escalateComplaint", id=filed["id"], note="涉及市场监管和住建两个部门")
    assert up["escalated"] and up["stageLabel"] == "已上报主任室"
    told = await Notification.filter(text__contains=f"第{filed['id']}号投诉已上报主任室").values_list("recipient", flat=True)
    assert sorted(told) == ["admin1", "head1", "head2"]

    # the time limit passes unanswered
    today[0] = date(2025, 3, 11)
    late = (await drive.query("sup1", LIST, c="hall"))["complaints"][0]
    assert late["overdue"] and late["dueOn"] == "2025-03-10"

    # the reply: a written (12345) complaint needs a written reply; the person complained against cannot give it
    assert codes((await drive.query("rev-scjg", REPLY, id=filed["id"], reply="x"))["replyComplaint"]) == ["forbidden"]
    empty = (await drive.query("head1", REPLY, id=filed["id"], reply="  "))["replyComplaint"]
    assert codes(empty) == ["required"] and "书面投诉须书面答复" in empty["errors"][0]["message"]
    replied = await ok(drive, "head1", REPLY, "replyComplaint", id=filed["id"], reply="已书面答复：材料清单已统一，一次告知")
    assert replied["stage"] == "replied" and not replied["overdue"]
    noted = await ok(drive, "head1", NOTE, "noteComplaint", id=filed["id"], text="3月12日回访，投诉人表示满意")

    # verification: the supervision office only, never about itself; final once made
    for user in ("head1", "clerk1", "rev-scjg"):
        assert codes((await drive.query(user, VERIFY, id=filed["id"], verified=False))["verifyComplaint"]) == ["forbidden"]
    verified = await ok(drive, "sup1", VERIFY, "verifyComplaint", id=filed["id"], verified=True)
    assert (verified["status"], verified["verifiedBy"], verified["reply"]) == ("属实", "sup1", replied["reply"])
    undo = (await drive.query("sup2", VERIFY, id=filed["id"], verified=False, reply="撤销"))["verifyComplaint"]
    assert codes(undo) == ["state"]
    steps = [s["action"] for s in verified["steps"]]
    assert steps == ["filed", "assigned", "escalated", "replied", "note", "verified", "notice"]
    assert noted["steps"][-1]["text"] == "3月12日回访，投诉人表示满意"
    assert verified["consequence"] == "notice" and "通报" in verified["steps"][-1]["text"]
    assert (await drive.query("sup1", LIST, c="hall", pending=True))["complaints"] == []
    after = await ok(drive, "head1", NOTE, "noteComplaint", id=filed["id"], text="整改落实情况已复查")  # follow-up goes on
    assert after["steps"][-1]["action"] == "note" and after["status"] == "属实"


async def test_the_person_complained_against_and_the_handler_are_found_by_name(drive):
    """The complainant names the person (陈敏), not their account: one member of the center's staff of
    that name is found; two are told apart by their accounts; someone of another center does not count."""
    names = {"rev-scjg": "刘洋（市场监管局审批）", "head1": "赵军（首席代表）", "clerk-other": "赵军（他中心窗口）"}
    for username, name in names.items():
        await User.filter(username=username).update(display_name=name)
    filed = await ok(drive, "sup1", FILE, "fileComplaint", c="hall", channel="phone", staff="刘洋", text="三次让补同一份材料")
    assert (filed["staff"], filed["staffName"]) == ("rev-scjg", "刘洋（市场监管局审批）")
    assigned = await ok(drive, "sup1", ASSIGN, "assignComplaint", id=filed["id"], to="赵军")
    assert assigned["assignee"] == "head1"
    await User.filter(username="pick1").update(display_name="刘洋（出件窗口）")
    twice = (await drive.query("sup1", FILE, c="hall", channel="phone", staff="刘洋", text="态度生硬"))["fileComplaint"]
    assert codes(twice) == ["ambiguous_staff"]
    assert twice["errors"][0]["message"] == "本中心有2位工作人员名为“刘洋”（刘洋（出件窗口）：pick1、刘洋（市场监管局审批）：rev-scjg），请填写其账号"
    assert (await ok(drive, "sup1", FILE, "fileComplaint", c="hall", channel="phone", staff="pick1", text="态度生硬"))["staff"] == "pick1"


async def test_a_letter_is_taken_only_with_who_wrote_it_and_where_the_written_reply_goes(drive):
    """书面投诉 gets a written reply: without its complainant there is nobody to send it to."""
    blank = (await drive.query("clerk1", FILE, c="hall", channel="written", text="窗口人员态度生硬", who="  "))["fileComplaint"]
    assert [(e["code"], e["path"], e["message"]) for e in blank["errors"]] == [
        ("required", "/complainant", "书面投诉须书面答复，请填写投诉人姓名及通讯地址或联系电话")]
    assert await complaints.Complaint.all().count() == 0
    both = (await drive.query("clerk1", FILE, c="hall", channel="written", text=" ", who=None))["fileComplaint"]
    assert sorted((e["code"], e["path"]) for e in both["errors"]) == [("required", "/complainant"), ("required", "/text")]
    filed = await ok(drive, "clerk1", FILE, "fileComplaint", c="hall", channel="written", text="窗口人员态度生硬",
                     who="  赵女士 连州市北山路8号  ")
    assert filed["complainant"] == "赵女士 连州市北山路8号" and filed["writtenReply"]
    # said in person or by phone, a complaint needs no name: it is answered on the spot or by the caller's number
    assert (await ok(drive, "clerk1", FILE, "fileComplaint", c="hall", channel="oral", text="排队太久"))["complainant"] == ""


async def test_an_unsigned_12345_transfer_or_box_note_is_anonymous_and_ends_with_its_result_for_publicity(drive):
    """A 12345 transfer or a note from the box may come unsigned: recorded as 匿名, it asks no written
    reply (nobody to send it to); its handling ends with the result recorded for 公示."""
    hotline = await ok(drive, "clerk1", FILE, "fileComplaint", c="hall", channel="hotline", dep="scjg", text="12345转来：窗口午休无人")
    assert (hotline["complainant"], hotline["anonymous"], hotline["writtenReply"]) == ("匿名", True, False)
    assert hotline["steps"][0]["text"] == "12345热线匿名投诉，无需书面答复，处理结果公示期限2025年3月10日"
    empty = (await drive.query("sup1", REPLY, id=hotline["id"], reply=" "))["replyComplaint"]
    assert [(e["code"], e["message"]) for e in empty["errors"]] == [("required", "匿名投诉无需书面答复，请填写处理结果，记录并公示（2000字以内）")]
    result = await ok(drive, "sup1", REPLY, "replyComplaint", id=hotline["id"], reply="已调整午休轮班，窗口不断岗")
    assert (result["stage"], result["stageLabel"], result["reply"]) == ("replied", "已记录处理结果", "已调整午休轮班，窗口不断岗")
    assert [(s["action"], s["actionLabel"]) for s in result["steps"]][-1] == ("published", "处理结果公示")
    # a note from the box, “匿名” as the clerk wrote it: the supervision office's finding records the result
    box = await ok(drive, "clerk1", FILE, "fileComplaint", c="hall", channel="box", text="等候区太冷", who=" 匿名 ")
    assert (box["complainant"], box["anonymous"], box["writtenReply"]) == ("匿名", True, False)
    bare = (await drive.query("sup1", VERIFY, id=box["id"], verified=False))["verifyComplaint"]
    assert codes(bare) == ["required"] and bare["errors"][0]["message"].startswith("匿名投诉无需书面答复")
    found = await ok(drive, "sup1", VERIFY, "verifyComplaint", id=box["id"], verified=False, reply="已调高空调温度")
    assert [s["action"] for s in found["steps"]] == ["filed", "published", "verified"]
    # signed, they are answered in writing as before; a letter signed only “匿名” is a letter without its complainant
    signed = await ok(drive, "clerk1", FILE, "fileComplaint", c="hall", channel="box", text="等候区太冷", who="李先生 13900001111")
    assert (signed["anonymous"], signed["writtenReply"]) == (False, True)
    letter = (await drive.query("clerk1", FILE, c="hall", channel="written", text="窗口人员态度生硬", who="匿名"))["fileComplaint"]
    assert [(e["code"], e["path"]) for e in letter["errors"]] == [("required", "/complainant")]
    # said in person, a complaint without a name is not 匿名: it is answered on the spot
    oral = await ok(drive, "clerk1", FILE, "fileComplaint", c="hall", channel="oral", text="排队太久")
    assert (oral["complainant"], oral["anonymous"]) == ("", False)


async def test_a_complaints_events_say_whether_it_is_anonymous(drive):
    """The platforms above (12345) read from ``complaint.filed`` / ``complaint.published`` /
    ``complaint.verified`` that an unsigned complaint gets no written reply; the complainant never
    leaves the hall."""
    hotline = await ok(drive, "clerk1", FILE, "fileComplaint", c="hall", channel="hotline", text="12345转来：窗口午休无人")
    signed = await ok(drive, "clerk1", FILE, "fileComplaint", c="hall", channel="hotline", text="窗口午休无人",
                      who="李先生 13900001111")
    for row in (hotline, signed):
        await ok(drive, "sup1", VERIFY, "verifyComplaint", id=row["id"], verified=True, reply="已调整午休轮班")
    events = await OutboxEvent.filter(kind__startswith="complaint.").order_by("id")
    seen = [(e.kind, e.payload["complaint"]["id"], e.payload["complaint"]["anonymous"],
             e.payload["complaint"]["writtenReply"]) for e in events]
    first, second = int(hotline["id"]), int(signed["id"])
    assert seen == [("complaint.filed", first, True, False), ("complaint.filed", second, False, True),
                    ("complaint.published", first, True, False),  # its result, recorded with the finding
                    ("complaint.verified", first, True, False), ("complaint.verified", second, False, True)]
    assert all("李先生" not in str(e.payload) for e in events)


PUBLISHED = """query($c: String!) { publishedComplaintResults(center: $c) {
  id category subject publishedOn result finding } }"""


async def test_anonymous_complaints_results_are_published_for_anyone_without_whom_or_what_was_written(drive):
    """公示: the result of an anonymous complaint is what its handling ends with; anyone reads it without
    signing in — its category, the department it concerned, the day and the result, nothing personal."""
    hotline = await ok(drive, "clerk1", FILE, "fileComplaint", c="hall", channel="hotline", dep="scjg",
                       staff="clerk1", text="12345转来：窗口午休无人，张三 13900002222")
    box = await ok(drive, "clerk1", FILE, "fileComplaint", c="hall", channel="box", text="等候区太冷")
    waiting = await ok(drive, "clerk1", FILE, "fileComplaint", c="hall", channel="hotline", text="停车难")
    signed = await ok(drive, "clerk1", FILE, "fileComplaint", c="hall", channel="box", text="饮水机无水",
                      who="李先生 13900001111")
    assert (await drive.query(None, PUBLISHED, c="hall"))["publishedComplaintResults"] == []
    await ok(drive, "sup1", REPLY, "replyComplaint", id=hotline["id"], reply="已调整午休轮班，窗口不断岗")
    await ok(drive, "sup1", REPLY, "replyComplaint", id=signed["id"], reply="已补水并致电李先生")  # answered in writing
    await ok(drive, "sup1", VERIFY, "verifyComplaint", id=box["id"], verified=False, reply="已调高空调温度")

    shown = (await drive.query(None, PUBLISHED, c="hall"))["publishedComplaintResults"]
    center = drive.hall.center.name
    assert [(k["id"], k["category"], k["subject"], k["result"], k["finding"]) for k in shown] == [
        (box["id"], "意见箱投诉", center, "已调高空调温度", "不属实"),
        (hotline["id"], "12345热线投诉", "市场监督管理局", "已调整午休轮班，窗口不断岗", None),
    ]
    assert all(k["publishedOn"] for k in shown) and waiting["id"] not in {k["id"] for k in shown}
    assert not any(word in str(shown) for word in ("张三", "13900002222", "clerk1", "午休无人", "李先生"))


async def test_a_published_result_masks_mobile_and_identity_numbers_and_is_cut_short(drive):
    """Staff may write a mobile or an identity number into the result (up to 2,000 characters): the 公示
    shows them masked as elsewhere, and at most 300 characters; the back office keeps the whole text."""
    said = ("经核查，已联系窗口人员（电话13900002222，+8613800138000），对身份证号44018119900101123X、"
            "440181199001011234的申请人当面致歉。")
    written = said + "处理经过" * 400
    assert len(written) <= 2000
    filed = await ok(drive, "clerk1", FILE, "fileComplaint", c="hall", channel="hotline", text="窗口态度差")
    await ok(drive, "sup1", REPLY, "replyComplaint", id=filed["id"], reply=written)
    (shown,) = (await drive.query(None, PUBLISHED, c="hall"))["publishedComplaintResults"]
    result = shown["result"]
    assert result.startswith("经核查，已联系窗口人员（电话139****2222，+86138****8000），对身份证号440181********123X、"
                             "440181********1234的申请人当面致歉。处理经过")
    assert len(result) == complaints.PUBLISHED_RESULT_CHARS and result.endswith("…")
    assert (await Complaint.get(id=int(filed["id"]))).reply == written  # the whole text in the back office


PERIOD = "query($c: String!) { center(code: $c) { complaintPublicityDays } }"


async def test_a_result_is_published_for_the_centers_publicity_period_only(drive, govhall, today, monkeypatch):
    """公示 lasts a fixed period (公示期): a result is listed from the day it is recorded for
    ``publicityDays`` days (default 90, the day itself counted), then no longer; the hall's card says how long."""
    held = [datetime.fromisoformat("2025-03-03T10:00:00+08:00")]

    def at(moment: str) -> None:  # the product's clock, and the hall's today with it
        held[0] = datetime.fromisoformat(moment)
        today[0] = held[0].astimezone(clock.CENTER_TZ).date()

    monkeypatch.setattr(clock, "now", lambda: held[0])
    at("2025-03-03T10:00:00+08:00")
    early = await ok(drive, "clerk1", FILE, "fileComplaint", c="hall", channel="hotline", text="停车难")
    await ok(drive, "sup1", REPLY, "replyComplaint", id=early["id"], reply="已协调周边停车场")
    at("2025-04-15T09:00:00+08:00")
    later = await ok(drive, "clerk1", FILE, "fileComplaint", c="hall", channel="box", text="等候区太冷")
    await ok(drive, "sup1", REPLY, "replyComplaint", id=later["id"], reply="已调高空调温度")

    async def shown() -> list[str]:
        return [k["id"] for k in (await drive.query(None, PUBLISHED, c="hall"))["publishedComplaintResults"]]

    assert (await drive.query(None, PERIOD, c="hall"))["center"]["complaintPublicityDays"] == 90
    at("2025-05-31T23:30:00+08:00")  # the 90th day of the first result's 公示
    assert await shown() == [later["id"], early["id"]]
    at("2025-06-01T00:10:00+08:00")  # its 公示期 is over
    assert await shown() == [later["id"]]

    wrong = center_doc("hall", settings={"complaints": {"publicityDays": 0}})
    assert [e.code for e in check_center_document(wrong, govhall.hub.installed)] == ["minimum"]
    await load_center(center_doc("hall", settings={"complaints": {"publicityDays": 30}}), govhall.hub)
    assert (await drive.query(None, PERIOD, c="hall"))["center"]["complaintPublicityDays"] == 30
    at("2025-05-14T12:00:00+08:00")  # the 30th day of the later one's, the earlier one long over
    assert await shown() == [later["id"]]
    at("2025-05-15T08:00:00+08:00")
    assert await shown() == []


async def test_the_time_limit_is_the_centers_setting(drive, govhall):
    installed = govhall.hub.installed
    wrong = center_doc("hall", settings={"complaints": {"answerDays": 0}, "assessment": {"gradeShares": {"优秀": 2}}})
    assert sorted(e.code for e in check_center_document(wrong, installed)) == ["maximum", "minimum"]
    await load_center(center_doc("hall", settings={"complaints": {"answerDays": 3},
                                                   "assessment": {"gradeShares": {"优秀": 0.15}}}), govhall.hub)
    filed = await ok(drive, "sup1", FILE, "fileComplaint", c="hall", channel="oral", text="排队时间过长")
    assert filed["dueOn"] == "2025-03-06" and not filed["writtenReply"]  # 3 working days after Monday 3 March
    assert filed["steps"][0]["text"] == "当面投诉，答复期限2025年3月6日"  # as dates are written, not 2025-03-06


async def test_the_person_complained_against_is_found_by_the_name_the_complainant_knows(drive):
    """The complainant knows the name on the window's badge, not an account: 陈敏 finds the one staff
    member called so (its display name, or the name before its post in brackets); two of one name are
    named with their accounts; an applicant's name is nobody on the staff."""
    clerk = await make_user("hall-chenmin", drive.hall.center, "clerk")
    clerk.display_name = "陈敏（综合窗口）"
    await clerk.save()
    filed = await ok(drive, "clerk1", FILE, "fileComplaint", c="hall", channel="oral", staff=" 陈敏 ", text="态度生硬")
    assert (filed["staff"], filed["staffName"]) == ("hall-chenmin", "陈敏（综合窗口）")
    twin = await make_user("hall-chenmin2", drive.hall.center, "pickup")
    twin.display_name = "陈敏"
    await twin.save()
    both = (await drive.query("clerk1", FILE, c="hall", channel="oral", staff="陈敏", text="态度生硬"))["fileComplaint"]
    assert codes(both) == ["ambiguous_staff"]
    assert "陈敏（综合窗口）：hall-chenmin" in both["errors"][0]["message"] and "陈敏：hall-chenmin2" in both["errors"][0]["message"]
    applicant = await make_user("hall-app-chen", drive.hall.center, "applicant")
    applicant.display_name = "陈小敏"
    await applicant.save()
    for nobody in ("陈小敏", "陈"):
        assert codes((await drive.query("clerk1", FILE, c="hall", channel="oral", staff=nobody, text="x"))["fileComplaint"]) == ["unknown_staff"]
    # the supervision office gives it to a colleague it knows by name as well
    head = await make_user("hall-head-li", drive.hall.center, "head")
    head.display_name = "李主任（首席代表）"
    await head.save()
    assigned = await ok(drive, "sup1", ASSIGN, "assignComplaint", id=filed["id"], to="李主任")
    assert assigned["assignee"] == "hall-head-li"
    assert codes((await drive.query("sup1", ASSIGN, id=filed["id"], to="陈敏"))["assignComplaint"]) == ["ambiguous_staff"]


async def test_first_verified_complaint_is_announced_the_second_flags_removal(drive):
    for n, text in enumerate(("态度生硬", "推诿不办")):
        k = await ok(drive, "sup1", FILE, "fileComplaint", c="hall", channel="oral", staff="clerk1", text=text)
        done = await ok(drive, "sup1", VERIFY, "verifyComplaint", id=k["id"], verified=True, reply="经查属实，已当面答复")
        assert done["consequence"] == ("notice", "removal")[n]
    unfounded = await ok(drive, "sup1", FILE, "fileComplaint", c="hall", channel="phone", staff="pick1", text="取件慢")
    answered = await ok(drive, "sup1", VERIFY, "verifyComplaint", id=unfounded["id"], verified=False, reply="调阅录像，不属实")
    assert answered["status"] == "不属实" and answered["consequence"] is None
    seen = (await drive.query("sup1", CONSEQUENCES, c="hall"))["complaintConsequences"]
    assert [(c["staff"], c["count"], c["consequence"], c["consequenceLabel"]) for c in seen] == [
        ("clerk1", 2, "removal", "下岗（待中心决定）")]
    assert (await drive.gql.raw(CONSEQUENCES, {"c": "hall"}, token=drive.hall.tokens["clerk1"]))["errors"]
    told = await Notification.filter(recipient="sup1", text__contains="建议下岗").count()
    assert told == 1


async def test_a_supervisor_complained_against_cannot_verify_it(drive):
    k = await ok(drive, "clerk1", FILE, "fileComplaint", c="hall", channel="written", staff="sup1", text="督查人员态度差",
                 who="李先生 连州市中山路1号 13900000000")
    assert codes((await drive.query("sup1", VERIFY, id=k["id"], verified=False, reply="无此事"))["verifyComplaint"]) \
        == ["forbidden"]
    assert codes((await drive.query("sup1", REPLY, id=k["id"], reply="无此事"))["replyComplaint"]) == ["forbidden"]
    done = await ok(drive, "sup2", VERIFY, "verifyComplaint", id=k["id"], verified=True, reply="经查属实，书面答复")
    assert done["verifiedBy"] == "sup2" and done["consequence"] == "notice"


async def test_an_applicant_files_online_about_their_own_case_only(drive):
    case = await drive.submit("app1")
    filed = await ok(drive, "app1", FILE, "fileComplaint", c="hall", case=case["id"], channel="oral", text="说不清要什么材料")
    assert (filed["channel"], filed["caseNumber"], filed["department"]) == ("online", case["number"], "scjg")
    assert codes((await drive.query("app2", FILE, c="hall", case=case["id"], text="x"))["fileComplaint"]) == ["forbidden"]
    assert codes((await drive.query("app1", FILE, c="hall", text="没有办件"))["fileComplaint"]) == ["forbidden"]
    bad = (await drive.query("sup1", FILE, c="hall", channel="fax", dep="xx", win="W-X", staff="app9", text=""))
    assert codes(bad["fileComplaint"]) == ["channel", "required", "unknown_department", "unknown_window", "unknown_staff"]
    assert (await drive.gql.raw(LIST, {"c": "hall"}, token=drive.hall.tokens["app1"]))["errors"]
    other = await Center.get(code="other")
    assert codes((await drive.query("clerk1", FILE, c=other.code, text="别的中心"))["fileComplaint"]) == ["forbidden"]


async def test_the_hall_names_the_case_by_the_number_the_complainant_gives(drive):
    """A caller on the phone knows their case by its number, not by its database ID: the intake takes
    the number (any letter case, spaces around it), and an unknown number is said at the case field."""
    case = await drive.submit("app1")
    filed = await ok(drive, "clerk1", FILE, "fileComplaint", c="hall", case=f" {case['number'].lower()} ", channel="phone",
                     text="办件受理后一直没有进展")
    assert (filed["caseNumber"], filed["department"], filed["channel"]) == (case["number"], "scjg", "phone")
    unknown = (await drive.query("clerk1", FILE, c="hall", case="HALL-20250303-999999", text="x"))["fileComplaint"]
    # said with every other problem of the form (a letter, by default, names its complainant)
    assert [(e["code"], e["path"]) for e in unknown["errors"]] == [("unknown_case", "/case"), ("required", "/complainant")]
    assert "HALL-20250303-999999" in unknown["errors"][0]["message"]
    # typed full width, with a long dash (ＨＡＬＬ－２０２５…): the same case
    wide = case["number"].translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)}).replace("－", "—", 1)
    filed = await ok(drive, "clerk1", FILE, "fileComplaint", c="hall", case=wide, channel="phone", text="全角编号")
    assert filed["caseNumber"] == case["number"]
    # an applicant still files only about their own case, whichever way it is named
    assert codes((await drive.query("app2", FILE, c="hall", case=case["number"], text="x"))["fileComplaint"]) == ["forbidden"]


MINE = "{ myComplaints { id centerName caseNumber text dueOn status statusLabel reply repliedAt } }"


async def test_an_applicant_sees_their_online_complaint_and_its_written_answer(drive):
    case = await drive.submit("app1")
    filed = await ok(drive, "app1", FILE, "fileComplaint", c="hall", case=case["id"], text="窗口让我跑了三趟")
    taken = await ok(drive, "clerk1", FILE, "fileComplaint", c="hall", case=case["id"], channel="phone", text="电话投诉", who="张先生")
    (mine,) = (await drive.query("app1", MINE))["myComplaints"]  # the one the hall took down is not theirs
    assert (mine["id"], mine["caseNumber"], mine["text"], mine["status"], mine["statusLabel"]) == (
        filed["id"], case["number"], "窗口让我跑了三趟", "pending", "处理中")
    assert mine["dueOn"] == "2025-03-10" and mine["reply"] == "" and mine["repliedAt"] is None
    assert (await drive.query("app2", MINE))["myComplaints"] == []
    await ok(drive, "sup1", REPLY, "replyComplaint", id=filed["id"], reply="经核实，已对窗口人员进行批评教育，材料清单已公示。")
    await ok(drive, "sup1", REPLY, "replyComplaint", id=taken["id"], reply="已电话答复")
    (mine,) = (await drive.query("app1", MINE))["myComplaints"]
    assert (mine["status"], mine["statusLabel"]) == ("answered", "已答复") and mine["repliedAt"]
    assert mine["reply"] == "经核实，已对窗口人员进行批评教育，材料清单已公示。"
    told = await Notification.filter(recipient="app1", case_id=int(case["id"])).values_list("text", flat=True)
    assert [t for t in told if "投诉" in t] == [f"您对办件{case['number']}的投诉已答复：经核实，已对窗口人员进行批评教育，材料清单已公示。"]
    # the supervision office's finding answers one not yet answered: the applicant is told too
    second = await ok(drive, "app1", FILE, "fileComplaint", c="hall", case=case["id"], text="补正通知写错了窗口")
    await ok(drive, "sup1", VERIFY, "verifyComplaint", id=second["id"], verified=False, reply="通知所写窗口无误。")
    newest, _ = (await drive.query("app1", MINE))["myComplaints"]
    assert (newest["id"], newest["reply"], newest["statusLabel"]) == (second["id"], "通知所写窗口无误。", "已答复")
    assert await Notification.filter(recipient="app1", text__contains="通知所写窗口无误").count() == 1
    assert (await drive.gql.raw(MINE, {}))["errors"][0]["extensions"]["code"] in ("UNAUTHENTICATED", "FORBIDDEN")


async def test_an_unknown_complaint_is_not_found(drive):
    for key in ("0", "abc", "-1", "2147483647"):
        result = (await drive.query("sup1", VERIFY, id=key, verified=True, reply="x"))["verifyComplaint"]
        assert codes(result) == ["not_found"] and result["errors"][0]["message"] == "投诉不存在", key


async def test_two_supervisors_escalating_at_once_escalate_once(drive, monkeypatch):
    k = await ok(drive, "clerk1", FILE, "fileComplaint", c="hall", channel="oral", dep="scjg", text="两个部门互相推诿")
    loaded = complaints._handled
    both_read = asyncio.Barrier(2)

    async def handled_together(*args: Any, **kwargs: Any) -> Any:
        row = await loaded(*args, **kwargs)
        await both_read.wait()  # each request has read the complaint (not yet escalated) before either writes
        return row

    monkeypatch.setattr(complaints, "_handled", handled_together)
    first, second = await asyncio.gather(
        drive.query("sup1", ESCALATE, id=k["id"], note="涉及两个部门"),
        drive.query("sup2", ESCALATE, id=k["id"], note="情况复杂，请主任室协调"),
    )
    results = [first["escalateComplaint"], second["escalateComplaint"]]
    won = [r for r in results if r["__typename"] == "Complaint"]
    assert len(won) == 1 and codes([r for r in results if r is not won[0]][0]) == ["state"], results
    final = (await drive.query("sup1", LIST, c="hall"))["complaints"][0]
    assert final["escalated"] and [s["action"] for s in final["steps"]].count("escalated") == 1, final["steps"]
    told = await Notification.filter(text__contains="【投诉上报】").values_list("text", flat=True)
    assert told and all(t.endswith(won[0]["steps"][-1]["text"]) for t in told), told  # the leadership hears once


async def test_a_finding_made_meanwhile_stops_a_reply_or_an_assignment_read_before_it(drive, monkeypatch):
    """Another supervisor's finding lands between reading the complaint and writing the reply (or
    the assignment): the finding is final, the late change is refused and leaves no step."""
    from core.plumbing.models import Complaint

    k = await ok(drive, "clerk1", FILE, "fileComplaint", c="hall", channel="oral", dep="scjg", text="窗口无人")
    loaded, handled = complaints.load_complaint, complaints._handled

    async def verified_meanwhile(loader: Any, *args: Any, **kwargs: Any) -> Any:
        row = await loader(*args, **kwargs)
        await Complaint.filter(id=row.id).update(verified_at=clock.now())
        return row

    monkeypatch.setattr(complaints, "load_complaint", lambda *a, **kw: verified_meanwhile(loaded, *a, **kw))
    late = (await drive.query("sup1", REPLY, id=k["id"], reply="已核实并整改"))["replyComplaint"]
    assert codes(late) == ["state"], late
    monkeypatch.setattr(complaints, "load_complaint", loaded)
    await Complaint.filter(id=int(k["id"])).update(verified_at=None)
    monkeypatch.setattr(complaints, "_handled", lambda *a, **kw: verified_meanwhile(handled, *a, **kw))
    late = (await drive.query("sup1", ASSIGN, id=k["id"], to="clerk1"))["assignComplaint"]
    assert codes(late) == ["state"], late
    row = await Complaint.get(id=int(k["id"]))
    assert row.reply == "" and row.assignee_id is None  # type: ignore[attr-defined]
    monkeypatch.setattr(complaints, "_handled", handled)
    steps = [s["action"] for s in (await drive.query("sup1", LIST, c="hall"))["complaints"][0]["steps"]]
    assert "replied" not in steps and "assigned" not in steps, steps


async def test_two_supervisors_deciding_at_once_leave_one_final_finding(drive):
    k = await ok(drive, "clerk1", FILE, "fileComplaint", c="hall", channel="oral", staff="clerk1", text="态度生硬")
    first, second = await asyncio.gather(
        drive.query("sup1", VERIFY, id=k["id"], verified=True, reply="经查属实，已当面答复"),
        drive.query("sup2", VERIFY, id=k["id"], verified=False, reply="调阅录像，不属实"),
    )
    results = [first["verifyComplaint"], second["verifyComplaint"]]
    won = [r for r in results if r["__typename"] == "Complaint"]
    assert len(won) == 1 and codes([r for r in results if r is not won[0]][0]) == ["state"], results
    final = (await drive.query("sup1", LIST, c="hall"))["complaints"][0]
    assert (final["verified"], final["verifiedBy"]) == (won[0]["verified"], won[0]["verifiedBy"])
    actions = [s["action"] for s in final["steps"]]
    assert actions.count("verified") == 1 and actions.count("replied") == 1, actions
    assert actions.count("notice") == (1 if final["verified"] else 0), actions


async def test_a_complaints_moments_come_from_the_products_clock(drive, monkeypatch):
    """Escalated, replied and verified at the moments the product's clock gives (held here), as every
    case moment is, not the machine's."""
    from core.plumbing.models import Complaint
    from core.services.calendar import CENTER_TZ

    held = [datetime(2025, 3, 3, 9, 0, tzinfo=CENTER_TZ)]
    monkeypatch.setattr(clock, "now", lambda: held[0])
    filed = await ok(drive, "clerk1", FILE, "fileComplaint", c="hall", channel="hotline", dep="scjg", text="窗口多次让补材料")
    # filed then too: the register's 登记 time, and the period an assessment counts the complaint in
    assert (await Complaint.get(id=int(filed["id"]))).created_at == held[0]
    listed = next(k for k in (await drive.query("sup1", "query { complaints(center: \"hall\") { id createdAt steps { at } } }"))["complaints"]
                  if k["id"] == filed["id"])
    assert datetime.fromisoformat(listed["createdAt"]) == held[0]
    assert datetime.fromisoformat(listed["steps"][0]["at"]) == held[0]
    moments = {"escalated_at": datetime(2025, 3, 4, 10, 0, tzinfo=CENTER_TZ),
               "replied_at": datetime(2025, 3, 5, 11, 0, tzinfo=CENTER_TZ),
               "verified_at": datetime(2025, 3, 6, 15, 30, tzinfo=CENTER_TZ)}
    held[0] = moments["escalated_at"]
    await ok(drive, "sup1", ESCALATE, "escalateComplaint", id=filed["id"], note="上报")
    held[0] = moments["replied_at"]
    await ok(drive, "head1", REPLY, "replyComplaint", id=filed["id"], reply="已书面答复")
    held[0] = moments["verified_at"]
    await ok(drive, "sup1", VERIFY, "verifyComplaint", id=filed["id"], verified=False)
    row = await Complaint.get(id=int(filed["id"]))
    assert {name: getattr(row, name) for name in moments} == moments


async def test_a_complaint_and_its_steps_are_dated_by_the_centers_clock(drive, monkeypatch):
    """Filed and handled while the product's clock is held on another day than the machine's (a demo,
    a replayed day): the complaint and every step show the product's moment, as its time limit does."""
    from datetime import datetime, time

    held = datetime.combine(date(2025, 3, 3), time(10, 30), clock.CENTER_TZ)
    monkeypatch.setattr(clock, "now", lambda: held)
    filed = await ok(drive, "clerk1", FILE.replace("steps { action", "createdAt steps { at action"), "fileComplaint",
                     c="hall", channel="hotline", dep="scjg", text="窗口人员态度生硬", who="王先生")
    assert datetime.fromisoformat(filed["createdAt"]) == held
    assert [datetime.fromisoformat(s["at"]) for s in filed["steps"]] == [held]
