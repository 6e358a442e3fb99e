"""The eight case kinds end to end through GraphQL, with the audit log telling the story."""

from __future__ import annotations

import re

import pytest

from core.api import hookimpl
from core.plumbing.models import CaseEvent, Timer
from tests.hall import GOOD_DATA, CaseDriver, build_hall, codes

pytestmark = pytest.mark.anyio


@pytest.fixture
async def drive(app, govhall, gql):
    hall = await build_hall(govhall, gql)
    return CaseDriver(gql, hall)


def actions(case):
    return [e["action"] for e in case["events"]]


def kinds_of_documents(case):
    return [d["kind"] for d in case["documents"]]


async def test_promised_case(drive):
    case = await drive.submit("app1")
    assert case["__typename"] == "Case"
    assert case["state"] == "submitted" and case["kind"] == "promised"
    assert case["number"].startswith("HALL-") and len(case["number"].split("-")[-1]) == 6
    assert case["item"] == {"code": "test-permit", "name": "测试经营许可", "version": 1}
    case = await drive.ok("clerk1", case, "accept")
    assert case["state"] == "under_review" and case["kind"] == "promised"
    assert case["acceptedAt"] and case["promisedDue"] and case["legalDue"]
    assert case["promisedDue"] < case["legalDue"]
    assert kinds_of_documents(case) == ["acceptance_notice", "promise_notice"]
    case = await drive.ok("rev-scjg", case, "approve", comment="符合条件，准予许可")
    assert case["state"] == "approved" and case["completedAt"]
    assert kinds_of_documents(case)[-2:] == ["approval_decision", "certificate"]
    case = await drive.ok("pick1", case, "deliver", data={"method": "in_person", "receiver": "张三", "idNumber": "11010519491231002X",
                                                          "proxy": True})
    assert case["state"] == "delivered"
    assert actions(case) == ["submit", "accept", "approve", "deliver"]
    assert [e["seq"] for e in case["events"]] == [1, 2, 3, 4]
    assert case["events"][1]["actor"] == "clerk1" and case["events"][1]["role"] == "clerk"


async def test_immediate_case(drive):
    case = await drive.submit("app1", item="test-quick")
    assert case["kind"] == "immediate"
    case = await drive.ok("clerk1", case, "finish_on_spot")
    assert case["state"] == "approved" and case["kind"] == "immediate"
    assert case["completedAt"] and case["acceptedAt"]
    assert case["promisedDue"] == case["acceptedAt"][:10] or case["promisedDue"] >= case["acceptedAt"][:10]
    assert "certificate" in kinds_of_documents(case)


async def test_a_one_time_notice_before_acceptance_says_where_to_bring_the_materials(drive):
    """The case has no window before it is accepted: the notice names the center's windows, never “送交。”."""
    case = await drive.ok("clerk1", await drive.submit("app1"), "request_materials",
                          data={"missing": [{"name": "营业执照复印件", "reason": "未提供"}]})
    (notice,) = [d for d in case["documents"] if d["kind"] == "correction_notice"]
    text = await drive.pdf("app1", notice["url"])
    assert "营业执照复印件" in text and "补正全部材料后，送交本中心受理窗口。" in text, text


async def test_a_one_time_notice_prints_the_clerks_opinion(drive):
    """What the clerk writes as 办理意见 with a one-time notice (where to get a form, what the copy
    must show) is printed on the notice the applicant takes home, not only kept in the case's log."""
    case = await drive.ok("clerk1", await drive.submit("app1", allow_duplicate=True), "request_materials", comment="营业执照复印件须加盖公章。",
                          data={"missing": [{"name": "营业执照复印件"}]})
    (notice,) = [d for d in case["documents"] if d["kind"] == "correction_notice"]
    text = "".join((await drive.pdf("app1", notice["url"])).split())
    assert "说明：营业执照复印件须加盖公章。" in text and "。。" not in text
    plain = await drive.ok("clerk1", await drive.submit("app1", allow_duplicate=True), "request_materials",
                           data={"missing": [{"name": "营业执照复印件"}]})
    (notice,) = [d for d in plain["documents"] if d["kind"] == "correction_notice"]
    assert "说明：" not in await drive.pdf("app1", notice["url"])  # no opinion, no empty line for it


async def test_a_one_time_notice_without_requirements_lists_the_materials_without_an_empty_column(drive):
    """No 补正要求 typed for any material: the notice lists the materials, with no empty 补正要求 column;
    one typed for some: the others read 请补充提交, never an empty cell."""
    case = await drive.ok("clerk1", await drive.submit("app1", allow_duplicate=True), "request_materials",
                          data={"missing": [{"name": "营业执照复印件"}, {"name": "法定代表人身份证复印件", "reason": " "}]})
    (notice,) = [d for d in case["documents"] if d["kind"] == "correction_notice"]
    text = "".join((await drive.pdf("app1", notice["url"])).split())
    assert "1营业执照复印件2法定代表人身份证复印件" in text and "补正要求" not in text, text
    case = await drive.ok("clerk1", await drive.submit("app1", allow_duplicate=True), "request_materials",
                          data={"missing": [{"name": "营业执照复印件"}, {"name": "法定代表人身份证复印件", "reason": "不清晰"}]})
    (notice,) = [d for d in case["documents"] if d["kind"] == "correction_notice"]
    text = "".join((await drive.pdf("app1", notice["url"])).split())
    assert "补正要求" in text and "营业执照复印件请补充提交" in text and "法定代表人身份证复印件不清晰" in text, text


async def test_supplement_case_clock_starts_when_materials_complete(drive):
    case = await drive.submit("app1")
    missing = [{"name": "营业执照复印件", "reason": "未提供", "paper": True}, {"name": "法定代表人身份证复印件", "reason": "不清晰", "paper": True}]
    bad = await drive.act("clerk1", case, "request_materials", data={"missing": []})
    assert bad["__typename"] == "UserErrors" and bad["errors"][0]["path"] == "/missing"
    case = await drive.ok("clerk1", case, "request_materials", data={"missing": missing})
    assert case["state"] == "supplementing" and case["kind"] == "supplement"
    assert case["promisedDue"] is None and case["acceptedAt"] is None
    assert kinds_of_documents(case) == ["correction_notice"]
    # the applicant corrects a field and supplies the materials: only then does the clock start
    wrong = await drive.act("app1", case, "supply", data={"contactMobile": "12345"})
    assert wrong["__typename"] == "UserErrors" and wrong["errors"][0]["code"] == "format.mobile-cn"
    case = await drive.ok("app1", case, "supply", data={"contactMobile": "13900139000"})
    assert case["state"] == "supplied" and case["kind"] == "supplement"
    assert case["acceptedAt"] is None and case["promisedDue"] is None  # back at the front desk, not accepted
    assert case["data"]["contactMobile"] == "13900139000"
    supply = case["events"][-1]
    assert supply["changes"]["data"] == {"contactMobile": {"old": "13800138000", "new": "13900139000"}}
    # the clerk checks the supplied case and accepts it: the clock starts now, it stays a 补办件
    case = await drive.ok("clerk1", case, "accept")
    assert case["state"] == "under_review" and case["kind"] == "supplement"
    assert case["acceptedAt"] and case["promisedDue"]
    assert kinds_of_documents(case) == ["correction_notice", "acceptance_notice"]


class RoleProbe:
    """Notes the role each transition runs under, as guards and effects see it (``ctx.role``)."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []

    @hookimpl
    def transition_guard(self, ctx):
        self.seen.append((ctx.transition.action, ctx.role))


@pytest.fixture
def probe(plugin_manager):
    """Registered before the app is built (list it before ``app`` or ``party_drive``)."""
    plugin = RoleProbe()
    plugin_manager.register(plugin, name="roleprobe")
    return plugin


@pytest.fixture
async def party_drive(probe, app, govhall, gql):
    return CaseDriver(gql, await build_hall(govhall, gql, plugins=["roleprobe"]))


async def test_the_timeline_names_the_agent_or_the_applicant_who_moved_the_case(probe, party_drive):
    drive = party_drive
    attorney = await drive.power_of_attorney("agent1")
    case = await drive.submit("agent1", behalf="app1", materials=[attorney])
    assert case["__typename"] == "Case", case
    case = await drive.ok("clerk1", case, "request_materials", data={"missing": [{"name": "营业执照复印件", "reason": "未提供", "paper": True}]})
    case = await drive.ok("agent1", case, "supply", data={"contactMobile": "13900139000"})  # 补齐材料 by the agent
    case = await drive.ok("app1", case, "withdraw", comment="不再申请")  # 撤回申请 by the applicant
    assert [(e["action"], e["role"]) for e in case["events"]] == [
        ("submit", "agent"), ("request_materials", "clerk"), ("supply", "agent"), ("withdraw", "applicant"),
    ]
    stored = await CaseEvent.filter(case_id=int(case["id"])).order_by("seq").values_list("role", flat=True)
    assert stored == ["agent", "clerk", "agent", "applicant"]
    # the workflow, its guards and effects still see the case's party as its owner
    assert probe.seen == [("request_materials", "clerk"), ("supply", "owner"), ("withdraw", "owner")]


async def test_joint_case_finishes_only_when_all_three_departments_are_done(drive):
    case = await drive.submit("app1", item="test-joint")
    case = await drive.ok("clerk1", case, "accept")
    assert case["kind"] == "joint"
    tasks = {t["department"]: t for t in case["tasks"]}
    assert set(tasks) == {"zjj", "fgj", "hbj"}
    assert tasks["fgj"]["lead"] and not tasks["zjj"]["lead"]  # construction project: development & reform leads
    assert all(t["due"] for t in tasks.values())
    assert "joint_notice" in kinds_of_documents(case)
    whole = await drive.act("head1", case, "approve")
    assert whole["__typename"] == "UserErrors" and whole["errors"][0]["code"] == "joint_case"
    assert "approve_task" not in whole["errors"][0]["message"] and "本部门审批通过（联办件）" in whole["errors"][0]["message"]
    outsider = await drive.act("rev-gaj", case, "approve_task")
    assert outsider["__typename"] == "UserErrors"
    case = await drive.ok("rev-zjj", case, "approve_task")
    case = await drive.ok("rev-fgj", case, "approve_task")
    assert case["state"] == "under_review"
    twice = await drive.act("rev-fgj", case, "approve_task")
    assert twice["__typename"] == "UserErrors"
    case = await drive.ok("rev-hbj", case, "approve_task")
    assert case["state"] == "approved" and case["completedAt"]
    assert {t["state"] for t in case["tasks"]} == {"approved"}
    assert "approval_decision" in kinds_of_documents(case)


async def test_joint_case_refused_by_one_department_is_partly_granted(drive):
    """The other departments' parts stand: 部分准予, the approval and the one refusal handed out together."""
    case = await drive.ok("clerk1", await drive.submit("app1", item="test-joint"), "accept")
    case = await drive.ok("rev-zjj", case, "approve_task")
    case = await drive.ok("rev-hbj", case, "refuse_task", comment="环评不符合要求")
    case = await drive.ok("rev-fgj", case, "approve_task")
    assert case["state"] == "partly_approved" and case["stateLabel"] == "部分准予，待出件"
    assert [t["stateLabel"] for t in case["tasks"] if t["department"] == "hbj"] == ["不予许可"]
    assert {"approval_decision", "refusal_decision"} <= set(kinds_of_documents(case))
    # the decisions are a result like any other: handed out (or posted) at the pickup window
    courier = {"method": "courier", "trackingNumber": "SF1234567890"}
    assert codes(await drive.act("app1", case, "deliver", data=courier)) == ["forbidden"]
    case = await drive.ok("pick1", case, "deliver", data=courier)
    assert case["state"] == "partly_delivered" and case["stateLabel"] == "部分准予，已出件"
    assert actions(case)[-1] == "deliver" and case["completedAt"]
    assert codes(await drive.act("pick1", case, "deliver", data=courier)) == ["unknown_action"]


async def test_returned_case_and_review(drive):
    case = await drive.submit("app1")
    no_reason = await drive.act("clerk1", case, "return", comment="")
    assert no_reason["__typename"] == "UserErrors" and no_reason["errors"][0]["path"] == "/comment"
    case = await drive.ok("clerk1", case, "return", comment="主件申请书缺失，不予受理")
    assert case["state"] == "returned" and case["kind"] == "returned"
    assert kinds_of_documents(case) == ["return_notice"]
    case = await drive.ok("app1", case, "request_review", comment="申请书已在系统中上传，请复核")
    assert case["state"] == "review_requested"
    clerk_cannot = await drive.act("clerk1", case, "uphold_return", comment="维持")
    assert clerk_cannot["__typename"] == "UserErrors" and clerk_cannot["errors"][0]["code"] == "forbidden"
    case = await drive.ok("sup1", case, "uphold_return", comment="经复核，维持退回决定")  # 督查科复核
    assert case["state"] == "returned"
    assert actions(case) == ["submit", "return", "request_review", "uphold_return"]


async def test_urgent_case_is_first_in_the_queue(drive, gql):
    first = await drive.submit("app1")
    second = await drive.submit("app2")
    urgent = await drive.ok("head1", second, "mark_urgent")
    assert urgent["urgent"] and urgent["kind"] == "urgent" and urgent["state"] == "submitted"
    query = 'query { cases(center: "hall", first: 10) { edges { node { id urgent } } } }'
    nodes = [e["node"] for e in (await gql(query, token=drive.hall.tokens["clerk1"]))["cases"]["edges"]]
    assert [n["id"] for n in nodes] == [second["id"], first["id"]]
    assert "mark_urgent" not in urgent["availableActions"]  # designated once
    assert codes(await drive.act("head1", urgent, "mark_urgent")) == ["already_urgent"]
    accepted = await drive.ok("clerk1", urgent, "accept")
    assert accepted["kind"] == "urgent"
    # a 即办件 is finished on the spot: made urgent, it would be offered 受理, which it refuses
    quick = await drive.submit("app1", item="test-quick")
    assert "mark_urgent" not in (await drive.get("head1", quick))["availableActions"]
    refused = await drive.act("head1", quick, "mark_urgent")
    assert codes(refused) == ["immediate_item"] and "无需列为急办件" in refused["errors"][0]["message"]
    quick = await drive.get("head1", quick)
    assert (quick["kind"], quick["urgent"]) == ("immediate", False)
    assert "finish_on_spot" in quick["availableActions"] and "accept" not in quick["availableActions"]


async def test_reply_case(drive):
    case = await drive.submit("app1")
    case = await drive.ok("clerk1", case, "reply", comment="该事项不属于本中心职责范围，请向市级主管部门咨询")
    assert case["state"] == "replied" and case["kind"] == "reply"
    assert kinds_of_documents(case) == ["reply_notice"]
    assert case["completedAt"]


async def test_report_up_case_is_tracked_until_the_answer(drive):
    case = await drive.ok("clerk1", await drive.submit("app1"), "accept")
    case = await drive.ok("rev-scjg", case, "report_up", comment="涉及省级权限，报省厅审批")
    assert case["state"] == "reported_up" and case["kind"] == "report_up"
    assert await Timer.filter(case_id=int(case["id"]), state="paused").exists()
    case = await drive.ok("clerk1", case, "record_answer", comment="省厅已批复同意")
    assert case["state"] == "under_review"
    assert not await Timer.filter(case_id=int(case["id"]), state="paused").exists()
    case = await drive.ok("rev-scjg", case, "approve")
    assert case["state"] == "approved"


async def test_bad_data_gets_every_error_at_once(drive):
    result = await drive.submit("app1", data={"companyName": "X", "uscc": "91310115591693856B", "contactMobile": "123"})
    assert result["__typename"] == "UserErrors"
    by_path = {e["path"]: e for e in result["errors"]}
    assert set(by_path) == {"/companyName", "/uscc", "/contactMobile"}
    assert by_path["/uscc"]["code"] == "format.uscc" and "校验位" in by_path["/uscc"]["message"]
    assert "企业名称" in by_path["/companyName"]["message"]
    missing = await drive.submit("app1", data={})
    assert {e["path"] for e in missing["errors"]} == {"/companyName", "/uscc", "/contactMobile"}
    assert all(e["code"] == "required" for e in missing["errors"])


async def test_unknown_action_lists_the_allowed_ones(drive):
    case = await drive.submit("app1")
    result = await drive.act("clerk1", case, "fly_to_the_moon")
    (error,) = result["errors"]
    assert error["code"] == "unknown_action"
    assert "您可执行：受理、一次性告知补齐材料（补办件）、退回（不予受理）、答复（答复件）" in error["message"], error
    assert "当场办结" not in error["message"]  # a promised item is not finished on the spot
    assert not re.search(r"[A-Za-z]", error["message"]), error  # neither the codes nor the unknown one
    # an action of the process that does not fit the case's state is named as the clerk knows it
    (error,) = (await drive.act("clerk1", case, "approve", comment="同意"))["errors"]
    assert error["code"] == "unknown_action" and "不能执行“准予许可”" in error["message"], error
    assert not re.search(r"[A-Za-z]", error["message"]), error


async def test_refusals_name_the_choices_by_their_chinese_labels_only(drive):
    """A refusal offering choices lists them as clerks and applicants know them (原件或复印件), never
    with the API's English codes (原件（original）); the error codes stay as they are."""
    def refusal(result):
        assert result["__typename"] == "UserErrors", result
        (error,) = result["errors"]
        assert not re.search(r"[A-Za-z]", error["message"]), error
        return error["code"], error["message"]

    case = await drive.submit("app1")
    received = [{"material": m["material"], "form": "scan", "count": 1} for m in await drive.counter_receipt("clerk1", case)]
    assert refusal(await drive.act("clerk1", case, "accept", data={"received": received[:1]})) == (
        "enum", "材料形式应为原件、复印件")
    case = await drive.ok("rev-scjg", await drive.ok("clerk1", case, "accept"), "approve")
    assert refusal(await drive.act("pick1", case, "deliver", data={"method": "drone"})) == (
        "enum", "请选择出件方式：窗口领取、自助打印、快递送达")
    submitted = await drive.query("clerk1", """mutation { submitCase(center: "hall", item: "test-permit", data: {}, channel: "fax") {
        __typename ... on UserErrors { errors { code message } } } }""")
    assert refusal(submitted["submitCase"]) == ("enum", "申报渠道应为：网上申报、窗口受理、移动端、快递")
    filed = await drive.query("clerk1", """mutation { fileComplaint(center: "hall", text: "窗口人员态度差", channel: "fax") {
        __typename ... on UserErrors { errors { code message } } } }""")
    assert refusal(filed["fileComplaint"]) == ("channel", "投诉渠道应为：当面、电话、书面、网上、12345热线、意见箱")
    error = await drive.refused("admin1", 'query { outboxEvents(center: "hall", state: "lost") { id } }')
    assert error["message"] == "状态应为：待投递、投递中、失败待重试、已送达、死信", error


async def test_forbidden_action_changes_nothing(drive):
    case = await drive.submit("app1")
    result = await drive.act("app1", case, "accept")
    assert result["errors"][0]["code"] == "forbidden"
    again = await drive.get("app1", case)
    assert again["state"] == "submitted" and again["version"] == case["version"]
    assert len(again["events"]) == 1


async def test_stale_expected_version_is_a_conflict(drive):
    case = await drive.submit("app1")
    await drive.ok("clerk1", case, "accept", version=case["version"])
    late = await drive.act("clerk1", case, "return", comment="晚到的操作", version=case["version"])
    (error,) = late["errors"]
    assert error["code"] == "conflict" and "审查中" in error["message"]


async def test_window_clerk_files_on_behalf_of_an_applicant(drive):
    case = await drive.submit("clerk1", behalf="app1")
    assert case["__typename"] == "Case"
    seen_by_applicant = await drive.get("app1", case)
    assert seen_by_applicant["number"] == case["number"]
    not_agent = await drive.submit("app2", behalf="app1")
    assert not_agent["__typename"] == "UserErrors" and not_agent["errors"][0]["code"] == "forbidden"
    # an agent needs a recorded agency (tests/test_frontdesk.py)
    refused = await drive.submit("agent1", behalf="app1")
    assert codes(refused) == ["agency.required"]
    # the agent picked the applicant by name: no login name (app1) nor catalogue code (wts) in the answer
    assert "app1" not in refused["errors"][0]["message"] and "wts" not in refused["errors"][0]["message"]
    assert "授权委托书" in refused["errors"][0]["message"]


async def test_audit_log_is_append_only_in_order(drive):
    case = await drive.ok("clerk1", await drive.submit("app1"), "accept")
    rows = await CaseEvent.filter(case_id=int(case["id"])).order_by("seq").values_list("seq", "action")
    assert rows == [(1, "submit"), (2, "accept")]
    assert case["version"] == 2


async def test_deliver_needs_pickup_details(drive):
    case = await drive.ok("clerk1", await drive.submit("app1", item="test-quick"), "finish_on_spot")
    result = await drive.act("pick1", case, "deliver", data={"method": "in_person", "idNumber": "123"})
    assert {e["path"] for e in result["errors"]} == {"/receiver", "/idNumber"}
    courier = await drive.ok("pick1", case, "deliver", data={"method": "courier", "trackingNumber": "SF1234567890"})
    assert courier["state"] == "delivered"


async def test_a_result_goes_in_person_only_to_the_applicant_or_under_a_power_of_attorney(drive):
    """The receiver of an in-person pickup is the applicant or a person the application names with
    that ID; anybody else only once the clerk confirms the 授权委托书 (``proxy``), as the screen asks."""
    case = await drive.ok("clerk1", await drive.submit("app1", item="test-quick"), "finish_on_spot")
    stranger = {"method": "in_person", "receiver": "王五", "idNumber": "440524188001010014"}
    result = await drive.act("pick1", case, "deliver", data=stranger)
    assert codes(result) == ["receiver.not_applicant"] and result["errors"][0]["path"] == "/proxy"
    assert "授权委托书" in result["errors"][0]["message"] and "王五" in result["errors"][0]["message"]
    assert "data." not in result["errors"][0]["message"] and "proxy" not in result["errors"][0]["message"]
    assert (await drive.get("pick1", case))["state"] == "approved"
    case = await drive.ok("pick1", case, "deliver", data={**stranger, "proxy": True})
    assert case["state"] == "delivered" and case["events"][-1]["changes"]["params"]["proxy"] is True
    # the applicant by name: no power of attorney needed
    other = await drive.ok("clerk1", await drive.submit("app1", item="test-quick"), "finish_on_spot")
    mine = {"method": "in_person", "receiver": GOOD_DATA["companyName"], "idNumber": "11010519491231002X"}
    assert (await drive.ok("pick1", other, "deliver", data=mine))["state"] == "delivered"
    # the legal representative the form names in its own fields (legalRepName, legalRepIdNumber)
    rep = {**GOOD_DATA, "legalRepName": "欧阳娜娜·阿不都热合曼", "legalRepIdNumber": "440524188001010014"}
    third = await drive.ok("clerk1", await drive.submit("app1", item="test-quick", data=rep), "finish_on_spot")
    assert third["data"]["legalRepName"] == "欧阳娜娜·阿不都热合曼"
    collects = {"method": "in_person", "receiver": "欧阳娜娜·阿不都热合曼", "idNumber": "440524188001010014"}
    assert (await drive.ok("pick1", third, "deliver", data=collects))["state"] == "delivered"


def test_the_receiver_is_matched_against_the_people_in_the_application():
    from types import SimpleNamespace

    from core.services.guards import receiver_is_party

    case = SimpleNamespace(applicant_name="连州市晨光文化传播有限公司", data={
        "legalRepresentative": {"name": "张三", "idNumber": "11010519491231002x"},
        "shareholders": [{"name": "李四", "idNumber": "440524188001010014", "holderType": "自然人"}],
    })
    assert receiver_is_party(case, "张三", "11010519491231002X")
    assert receiver_is_party(case, "李四", "440524188001010014")
    assert not receiver_is_party(case, "张三", "440524188001010014")  # his name, somebody else's ID
    assert not receiver_is_party(case, "王五", "440524188001010014")
    assert receiver_is_party(case, "连州市晨光文化传播有限公司", "11010519491231002X")
    # the shipped forms keep the legal representative and the handler in sibling fields
    food = SimpleNamespace(applicant_name="连州市欧阳娜娜·阿不都热合曼餐饮管理有限公司", data={
        "legalRepName": "欧阳娜娜·阿不都热合曼", "legalRepIdNumber": "11010519491231002x",
        "handlerName": "李四", "handlerIdNumber": "440524188001010014", "platformName": "美团",
    })
    assert receiver_is_party(food, "欧阳娜娜·阿不都热合曼", "11010519491231002X")
    assert receiver_is_party(food, "李四", "440524188001010014")
    assert not receiver_is_party(food, "李四", "11010519491231002X")
    assert not receiver_is_party(food, "美团", "11010519491231002X")


async def test_numbers_are_unique_per_center_and_day(drive):
    a = await drive.submit("app1")
    b = await drive.submit("app2")
    assert a["number"] != b["number"]
    assert int(b["number"].rsplit("-", 1)[1]) == int(a["number"].rsplit("-", 1)[1]) + 1
    assert GOOD_DATA["uscc"] in str(a["data"])


async def test_a_case_is_offered_the_decisions_its_department_tasks_allow(drive):
    """A joint case is decided department by department: its reviewers and the head are offered
    本部门审批通过/不予通过 while their task is open, never 准予/不予许可 as a whole; any other case
    the other way round (before, both were offered and one of them always refused)."""
    whole, by_task = {"approve", "refuse"}, {"approve_task", "refuse_task"}

    async def offered(user: str, case: dict) -> set[str]:
        return set((await drive.get(user, case))["availableActions"])

    single = await drive.ok("clerk1", await drive.submit("app1"), "accept")
    for user in ("head1", "rev-scjg"):
        assert whole <= await offered(user, single) and not by_task & await offered(user, single), user
    joint = await drive.ok("clerk1", await drive.submit("app1", item="test-joint"), "accept")
    for user in ("head1", "rev-zjj"):
        assert by_task <= await offered(user, joint) and not whole & await offered(user, joint), user
    joint = await drive.ok("rev-zjj", joint, "approve_task")
    assert not by_task & await offered("rev-zjj", joint)  # its task is decided
    assert by_task <= await offered("rev-fgj", joint) and by_task <= await offered("head1", joint)


async def test_an_internal_item_is_filed_by_the_centers_staff_only(drive, govhall):
    """A 内部事项 (the staff leave form) is the center's own: a citizen cannot file it; its staff can."""
    import copy

    from core.plumbing.models import User
    from core.services.accounts import Actor, load_grants
    from core.services.items import define_item, publish_item
    from tests.hall import PERMIT

    leave = {**copy.deepcopy(PERMIT), "code": "test-leave", "name": "工作人员请假单", "itemType": "内部事项"}
    user = await User.get(username="config1")
    config = Actor(user=user, grants=await load_grants(user))
    await define_item(govhall, config, drive.hall.center, leave)
    await publish_item(govhall, config, drive.hall.center, "test-leave")
    refused = await drive.submit("app1", item="test-leave")
    assert codes(refused) == ["internal_item"]
    assert refused["errors"][0]["message"] == "“工作人员请假单”是中心内部事项，仅限本中心工作人员申报"
    assert (await drive.submit("agent1", item="test-leave"))["__typename"] == "UserErrors"
    assert (await drive.submit("clerk-other", item="test-leave"))["__typename"] == "UserErrors"  # another center's
    assert (await drive.submit("rev-scjg", item="test-leave"))["state"] == "submitted"


async def test_only_a_case_of_an_immediate_item_is_offered_to_finish_on_the_spot(drive):
    promised = await drive.submit("app1")
    assert "finish_on_spot" not in (await drive.get("clerk1", promised))["availableActions"]
    assert "accept" in (await drive.get("clerk1", promised))["availableActions"]
    quick = await drive.submit("app1", item="test-quick")
    assert "finish_on_spot" in (await drive.get("clerk1", quick))["availableActions"]


# each form here is another application of the same item (the duplicate check confirmed: allowDuplicate)
KEYED_SUBMIT = """mutation($data: JSON!, $materials: [ID!], $key: String) {
  submitCase(center: "hall", item: "test-permit", data: $data, materials: $materials, submitKey: $key, allowDuplicate: true) {
    __typename ... on Case { id number applicantName } ... on UserErrors { errors { path code message } } } }"""


async def test_a_form_sent_again_after_a_lost_answer_files_one_case(drive):
    """A phone loses the answer to its submission and the applicant taps 提交 again: the same form's
    key answers the case already filed (with materials or without), never a second case; another
    person's same key, and the form without a key, file their own."""
    gql, tokens = drive.gql, drive.hall.tokens
    first = (await gql(KEYED_SUBMIT, {"data": GOOD_DATA, "key": "form-1"}, token=tokens["app1"]))["submitCase"]
    again = (await gql(KEYED_SUBMIT, {"data": GOOD_DATA, "key": "form-1"}, token=tokens["app1"]))["submitCase"]
    assert first["__typename"] == "Case" and again == first
    attorney = await drive.power_of_attorney("app1")
    with_file = (await gql(KEYED_SUBMIT, {"data": GOOD_DATA, "materials": [attorney], "key": "form-2"}, token=tokens["app1"]))["submitCase"]
    assert with_file["__typename"] == "Case" and with_file["id"] != first["id"]
    resent = (await gql(KEYED_SUBMIT, {"data": GOOD_DATA, "materials": [attorney], "key": "form-2"}, token=tokens["app1"]))["submitCase"]
    assert resent == with_file
    other = (await gql(KEYED_SUBMIT, {"data": GOOD_DATA, "key": "form-1"}, token=tokens["app2"]))["submitCase"]
    assert other["__typename"] == "Case" and other["id"] not in (first["id"], with_file["id"])
    theirs = await gql("{ myCases(first: 50) { edges { node { id } } } }", token=tokens["app2"])
    assert [e["node"]["id"] for e in theirs["myCases"]["edges"]] == [other["id"]]
    unkeyed = [(await gql(KEYED_SUBMIT, {"data": GOOD_DATA}, token=tokens["app1"]))["submitCase"]["id"] for _ in range(2)]
    assert len({*unkeyed, first["id"], with_file["id"]}) == 4
    mine = await gql("{ myCases(first: 50) { edges { node { id } } } }", token=tokens["app1"])
    assert sorted(e["node"]["id"] for e in mine["myCases"]["edges"]) == sorted([first["id"], with_file["id"], *unkeyed])
    long_key = (await gql(KEYED_SUBMIT, {"data": GOOD_DATA, "key": "k" * 65}, token=tokens["app1"]))["submitCase"]
    assert long_key == {"__typename": "UserErrors", "errors": [{"path": "/submitKey", "code": "too_long", "message": "提交标识不能超过64个字符"}]}
