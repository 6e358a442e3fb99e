"""办件进度查询 without signing in (``caseProgress``): the number and the tail of an identity number
(or, without one, of the mobile) must both match; every mismatch reads the same; tries are counted per
address and per number; the answer holds nothing private."""

from __future__ import annotations

import copy
import json
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace
from typing import Any

import httpx
import pytest

from core.services.accounts import Actor, load_grants
from core.services.items import define_item, publish_item
from core.services.progress import LOCKED, LOCKED_CASE, NO_MATCH, mask_name
from core.plumbing.models import LoginThrottle, SecurityEvent, User
from tests.conftest import GraphQLClient
from tests.hall import GOOD_DATA, PERMIT, CaseDriver, build_hall
from tests.helpers import make_user

pytestmark = pytest.mark.anyio

PROGRESS = """query($n: String!, $c: String!, $center: String) { caseProgress(number: $n, check: $c, center: $center) {
  __typename
  ... on CaseProgress { number itemName centerName departmentName applicant state stateLabel submittedOn acceptedOn
                        promisedDue dueProvisional completedOn pickupReady pickupWindow steps { step label date } }
  ... on UserErrors { errors { path code message } } } }"""

RESIDENT_ID = "11010519491231002X"
PERSON_FORM: dict[str, Any] = {
    "type": "object", "title": "申请表", "x-order": ["applicantName", "idNumber", "contactMobile"],
    "required": ["applicantName", "idNumber", "contactMobile"],
    "properties": {
        "applicantName": {"type": "string", "title": "申请人姓名"},
        "idNumber": {"type": "string", "title": "身份证号码", "format": "resident-id"},
        "contactMobile": {"type": "string", "title": "联系手机", "format": "mobile-cn"},
    },
}
PERSON = {**copy.deepcopy(PERMIT), "code": "test-person", "name": "测试个人事项", "form": PERSON_FORM}
del PERSON["certificate"]
MOBILE_FORM: dict[str, Any] = {
    "type": "object", "title": "申请表", "x-order": ["applicantName", "contactMobile", "members"],
    "required": ["applicantName", "contactMobile"],
    "properties": {
        "applicantName": {"type": "string", "title": "申请人姓名"},
        "contactMobile": {"type": "string", "title": "联系手机", "format": "mobile-cn"},
        "members": {"type": "array", "title": "家庭成员", "items": {"type": "object", "properties": {
            "name": {"type": "string", "title": "姓名"}, "idNumber": {"type": "string", "title": "身份证号码", "format": "resident-id"}}}},
    },
}
MOBILE_ONLY = {**copy.deepcopy(PERSON), "code": "test-mobile", "name": "测试无证件事项", "form": MOBILE_FORM}
INTERNAL = {**copy.deepcopy(PERSON), "code": "test-internal", "name": "测试内部事项", "itemType": "内部事项"}


@pytest.fixture
async def hall(govhall: Any, gql: Any) -> Any:
    hall = await build_hall(govhall, gql)
    config = await make_user("config1")
    actor = Actor(user=config, grants=await load_grants(config))
    for doc in (PERSON, MOBILE_ONLY, INTERNAL):
        await define_item(govhall, actor, hall.center, copy.deepcopy(doc))
        await publish_item(govhall, actor, hall.center, doc["code"])
    return hall


@pytest.fixture
def cases(gql: Any, hall: Any) -> CaseDriver:
    return CaseDriver(gql, hall)


async def ask(gql: Any, number: str, check: str, center: str | None = None) -> dict[str, Any]:
    """Anonymous: no token at all."""
    body = await gql.raw(PROGRESS, {"n": number, "c": check, "center": center})
    assert not body.get("errors"), body
    return body["data"]["caseProgress"]


def no_match(result: dict[str, Any]) -> None:
    assert result == {"__typename": "UserErrors", "errors": [{"path": None, "code": "no_match", "message": NO_MATCH}]}


async def test_the_uscc_tail_answers_with_the_case_and_its_public_steps(gql: Any, cases: CaseDriver) -> None:
    case = await cases.submit("app1")
    await cases.ok("clerk1", case, "accept", data={"checklist": ["c1", "c2"]})
    found = await ask(gql, case["number"], GOOD_DATA["uscc"][-6:])
    assert found["__typename"] == "CaseProgress", found
    assert found["number"] == case["number"] and found["itemName"] == "测试经营许可"
    assert found["centerName"] == "hall县政务服务中心" and found["departmentName"] == "市场监督管理局"
    assert found["applicant"] == "连州市****有限公司"  # 连州市测试贸易有限公司
    assert found["state"] == "under_review" and found["stateLabel"] == "审查中"
    accepted = await cases.get("clerk1", case)
    assert found["promisedDue"] == accepted["promisedDue"] and found["dueProvisional"] == accepted["deadlineProvisional"]
    assert found["acceptedOn"] == found["submittedOn"] and found["completedOn"] is None
    assert found["pickupReady"] is False and found["pickupWindow"] == "统一出件窗口（C01）"
    assert [s["step"] for s in found["steps"]] == ["submitted", "accepted"]
    assert [s["label"] for s in found["steps"]] == ["提交申请", "受理"]
    # the number typed in lower case, with spaces, in full-width forms: the same case
    again = await ask(gql, f" {case['number'].lower()} ", "　" + "".join(chr(ord(c) + 0xFEE0) for c in GOOD_DATA["uscc"][-6:]))
    assert again == found
    # and without its dashes, or with spaces or long dashes between its parts, as people type it
    for typed in (case["number"].replace("-", ""), case["number"].replace("-", " "), case["number"].replace("-", "—")):
        assert await ask(gql, typed, GOOD_DATA["uscc"][-6:]) == found, typed


async def test_what_was_typed_is_folded_once(monkeypatch: Any) -> None:
    """The number and the check are each NFKC-folded once (the number was folded twice)."""
    import unicodedata

    from core.services import progress

    folded: list[str] = []

    def normalize(form: str, text: str) -> str:
        folded.append(text)
        return unicodedata.normalize(form, text)

    monkeypatch.setattr(progress, "unicodedata", SimpleNamespace(normalize=normalize))
    wide = "".join(chr(ord(c) + 0xFEE0) for c in "LZ-20261127-000123")
    assert progress.check_input(f" {wide.lower()} ", "　９３８５６ａ") == ("LZ-20261127-000123", "93856A")
    assert folded == [f" {wide.lower()} ", "　９３８５６ａ"]


async def test_a_resident_id_tail_matches_with_x_in_either_case(gql: Any, cases: CaseDriver) -> None:
    case = await cases.submit("app1", item="test-person", data={"applicantName": "张三丰", "idNumber": RESIDENT_ID,
                                                                 "contactMobile": "13800138000"})
    for check in ("31002X", "31002x"):
        found = await ask(gql, case["number"], check)
        assert found["__typename"] == "CaseProgress", found
        assert found["applicant"] == "张*丰" and found["state"] == "submitted" and found["stateLabel"] == "待受理"
        assert found["acceptedOn"] is None and found["promisedDue"] is None
    # the application has an identity number: the mobile's tail is not enough
    no_match(await ask(gql, case["number"], "8000"))


async def test_without_an_identity_number_the_mobile_tail_answers(gql: Any, cases: CaseDriver) -> None:
    case = await cases.submit("app1", item="test-mobile", data={
        "applicantName": "李四", "contactMobile": "13912345678",
        "members": [{"name": "李小四", "idNumber": RESIDENT_ID}],  # a list's entry is not the applicant
    })
    found = await ask(gql, case["number"], "5678")
    assert found["__typename"] == "CaseProgress" and found["applicant"] == "李*"
    no_match(await ask(gql, case["number"], "31002X"))
    no_match(await ask(gql, case["number"], "345678"))


async def test_a_wrong_tail_an_unknown_number_and_an_internal_item_read_alike(gql: Any, cases: CaseDriver, hall: Any) -> None:
    case = await cases.submit("app1")
    internal = await cases.submit("clerk1", item="test-internal", data={"applicantName": "王五", "idNumber": RESIDENT_ID,
                                                                        "contactMobile": "13800138000"})
    assert internal["__typename"] == "Case", internal
    answers = [
        await ask(gql, case["number"], "000000"),  # a wrong tail
        await ask(gql, case["number"], GOOD_DATA["contactMobile"][-4:]),  # a mobile tail where there is a USCC
        await ask(gql, case["number"][:-1] + ("1" if case["number"][-1] != "1" else "2"), GOOD_DATA["uscc"][-6:]),  # no such number
        await ask(gql, internal["number"], "31002X"),  # the center's own leave form
        await ask(gql, case["number"], GOOD_DATA["uscc"][-6:], center="other"),  # another center's kiosk
    ]
    for answer in answers:
        no_match(answer)
    assert (await ask(gql, case["number"], GOOD_DATA["uscc"][-6:], center="hall"))["__typename"] == "CaseProgress"


async def test_missing_and_malformed_input_is_refused_before_it_counts(gql: Any) -> None:
    result = await ask(gql, " ", "")
    assert [(e["path"], e["code"]) for e in result["errors"]] == [("/number", "required"), ("/check", "required")]
    result = await ask(gql, "LZ-2026/../1", "12345")
    assert [(e["path"], e["code"]) for e in result["errors"]] == [("/number", "format.number"), ("/check", "format.check")]
    assert "后六位" in result["errors"][1]["message"]
    assert not await LoginThrottle.exists()


async def test_wrong_tries_lock_the_address_and_the_lock_passes(gql: Any, cases: CaseDriver) -> None:
    case = await cases.submit("app1")
    right = GOOD_DATA["uscc"][-6:]
    for i in range(10):  # ten wrong tries from one address, at ten different numbers
        result = await ask(gql, f"NO-SUCH-{i:06d}", "000000")
    assert [e["code"] for e in result["errors"]] == ["no_match", "too_many_attempts"]
    locked = await ask(gql, case["number"], right)  # locked: even the right answer waits
    assert [e["code"] for e in locked["errors"]] == ["too_many_attempts"]
    assert locked["errors"][0]["message"].startswith("查询次数过多，请 1 分钟后再试")
    assert await SecurityEvent.filter(kind="guess_locked").exists()
    await LoginThrottle.all().update(locked_until=datetime.now(timezone.utc) - timedelta(seconds=1))
    assert (await ask(gql, case["number"], right))["__typename"] == "CaseProgress"


async def ask_from(app: Any, address: str, number: str, check: str) -> dict[str, Any]:
    """Anonymous, from the client address ``address`` (as uvicorn reports it)."""
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=(address, 4000)),
                                 base_url="http://testserver") as http:
        return await ask(GraphQLClient(http), number, check)


async def test_a_strangers_wrong_tries_do_not_lock_out_the_applicant(app: Any, cases: CaseDriver) -> None:
    case = await cases.submit("app1")
    right = GOOD_DATA["uscc"][-6:]
    for i in range(20):  # one address, wrong tail after wrong tail at the applicant's number
        await ask_from(app, "10.0.0.66", case["number"], f"{i:06d}")
    # the applicant, from elsewhere, with the right tail: answered
    found = await ask_from(app, "10.0.0.7", case["number"], right)
    assert found["__typename"] == "CaseProgress" and found["number"] == case["number"], found
    # and one wrong try of their own before it costs them nothing more than a try
    no_match(await ask_from(app, "10.0.0.8", case["number"], "000000"))
    assert (await ask_from(app, "10.0.0.8", case["number"], right))["__typename"] == "CaseProgress"


async def test_a_stranger_is_locked_at_the_number_after_five_wrong_tries(app: Any, cases: CaseDriver) -> None:
    case, other = await cases.submit("app1", allow_duplicate=True), await cases.submit("app1", allow_duplicate=True)
    right = GOOD_DATA["uscc"][-6:]
    for i in range(4):
        no_match(await ask_from(app, "10.0.0.66", case["number"], f"00000{i}"))
    fifth = await ask_from(app, "10.0.0.66", case["number"], "000009")
    assert [e["code"] for e in fifth["errors"]] == ["no_match", "too_many_attempts"]
    assert fifth["errors"][1]["message"] == LOCKED.format(minutes=15)
    # locked at that number: even the right tail waits, and nothing more is counted
    refused = await ask_from(app, "10.0.0.66", case["number"], right)
    assert [e["message"] for e in refused["errors"]] == [LOCKED.format(minutes=15)]
    assert (await SecurityEvent.filter(kind="guess_locked").get()).detail["bound"] == "address_subject"
    assert (await LoginThrottle.get(key=f"guess:case_progress:subject:{case['number']}")).failures == 5
    # the address is free at other numbers (its own bound: 10 wrong tries at any numbers)
    assert (await ask_from(app, "10.0.0.66", other["number"], right))["__typename"] == "CaseProgress"
    await LoginThrottle.all().update(locked_until=datetime.now(timezone.utc) - timedelta(seconds=1))
    assert (await ask_from(app, "10.0.0.66", case["number"], right))["__typename"] == "CaseProgress"


async def test_wrong_tries_from_many_addresses_lock_the_number_for_everyone(app: Any, gql: Any, cases: CaseDriver) -> None:
    case, other = await cases.submit("app1", allow_duplicate=True), await cases.submit("app1", allow_duplicate=True)
    right = GOOD_DATA["uscc"][-6:]
    results = [await ask_from(app, f"10.0.1.{a}", case["number"], f"{a:03d}00{t}")
               for a in range(15) for t in range(4)]  # 4 each, under the bound of one address
    for result in results[:59]:
        no_match(result)
    assert [e["code"] for e in results[59]["errors"]] == ["no_match", "too_many_attempts"]
    assert results[59]["errors"][1]["message"] == LOCKED_CASE.format(minutes=60)
    assert "服务大厅" in LOCKED_CASE and "电话" in LOCKED_CASE
    # a new address, with the right tail: the number itself is locked, and it says where to go
    refused = await ask_from(app, "10.0.2.1", case["number"], right)
    assert [(e["code"], e["message"]) for e in refused["errors"]] == [("too_many_attempts", LOCKED_CASE.format(minutes=60))]
    # another number is free
    assert (await ask_from(app, "10.0.2.1", other["number"], right))["__typename"] == "CaseProgress"
    await LoginThrottle.all().update(locked_until=datetime.now(timezone.utc) - timedelta(seconds=1))
    assert (await ask(gql, case["number"], right))["__typename"] == "CaseProgress"


async def test_the_answer_holds_no_data_documents_staff_or_comments(gql: Any, cases: CaseDriver) -> None:
    case = await cases.submit("app1")
    await cases.ok("clerk1", case, "accept", data={"checklist": ["c1", "c2"]})
    await cases.ok("rev-scjg", case, "approve", comment="经审查同意，审批人签字：王审批")
    found = await ask(gql, case["number"], GOOD_DATA["uscc"][-6:])
    assert found["state"] == "approved" and found["pickupReady"] is True and found["completedOn"] is not None
    assert [s["step"] for s in found["steps"]] == ["submitted", "accepted", "completed", "ready"]
    text = json.dumps(found, ensure_ascii=False)
    for private in ("王审批", "经审查同意", "rev-scjg", "clerk1", "app1", GOOD_DATA["uscc"], GOOD_DATA["contactMobile"],
                    "测试贸易", "documents", "data", "comment", "actor", "events"):
        assert private not in text, private
    # nor can a query ask for more: the type has no such fields
    body = await gql.raw("""query($n: String!) { caseProgress(number: $n, check: "93856A") { ... on CaseProgress { data } } }""",
                         {"n": case["number"]})
    assert body["errors"] and "data" not in (body.get("data") or {})
    # delivered: no longer waiting at the window
    await cases.ok("pick1", case, "deliver", data={"method": "courier", "trackingNumber": "SF1234567890"})
    found = await ask(gql, case["number"], GOOD_DATA["uscc"][-6:])
    assert found["stateLabel"] == "已出件" and found["pickupReady"] is False
    assert found["steps"][-1]["step"] == "delivered" and "SF1234567890" not in json.dumps(found)


async def test_with_one_window_the_result_is_ready_once_the_pickup_window_signed_for_it(govhall: Any, gql: Any) -> None:
    hall = await build_hall(govhall, gql, plugins=["one_window"])
    cases = CaseDriver(gql, hall)
    case = await cases.submit("app1")
    await cases.ok("clerk1", case, "accept", data={"checklist": ["c1", "c2"], "originalsChecked": True})
    handover = """mutation($id: ID!, $d: String, $p: Boolean) { handOverCase(id: $id, toDepartment: $d, toPickup: $p) {
        __typename ... on HandOver { id } ... on UserErrors { errors { message } } } }"""
    receive = "mutation($id: ID!) { receiveHandover(id: $id) { __typename } }"
    to_dept = (await gql(handover, {"id": case["id"], "d": "scjg"}, token=hall.tokens["clerk1"]))["handOverCase"]
    await gql(receive, {"id": to_dept["id"]}, token=hall.tokens["rev-scjg"])
    await cases.ok("rev-scjg", case, "approve")
    to_pickup = (await gql(handover, {"id": case["id"], "p": True}, token=hall.tokens["rev-scjg"]))["handOverCase"]
    waiting = await ask(gql, case["number"], GOOD_DATA["uscc"][-6:])
    assert waiting["stateLabel"] == "已办结，待出件" and waiting["pickupReady"] is False
    assert "ready" not in [s["step"] for s in waiting["steps"]]
    await gql(receive, {"id": to_pickup["id"]}, token=hall.tokens["pick1"])
    ready = await ask(gql, case["number"], GOOD_DATA["uscc"][-6:])
    assert ready["pickupReady"] is True and ready["pickupWindow"] == "统一出件窗口（C01）"
    assert ready["steps"][-1]["label"] == "办理结果已送达出件窗口，可以领取"


async def test_a_walk_in_partys_account_id_number_counts(gql: Any, cases: CaseDriver, hall: Any) -> None:
    """The ID number on the applicant's account (a party registered at the window) is the applicant's."""
    case = await cases.submit("app1", item="test-mobile", data={"applicantName": "李四", "contactMobile": "13912345678"})
    no_match(await ask(gql, case["number"], "010014"))
    await User.filter(id=hall.users["app1"].id).update(id_number="440524188001010014")
    assert (await ask(gql, case["number"], "010014"))["__typename"] == "CaseProgress"
    no_match(await ask(gql, case["number"], "5678"))  # an identity number now: the mobile's tail no longer does


async def test_the_acceptance_notice_says_how_to_follow_the_case(gql: Any, cases: CaseDriver, govhall: Any) -> None:
    case = await cases.submit("app1")
    accepted = await cases.ok("clerk1", case, "accept", data={"checklist": ["c1", "c2"]})
    for kind in ("acceptance_notice", "promise_notice"):
        (notice,) = [d for d in accepted["documents"] if d["kind"] == kind]
        text = await cases.pdf("app1", notice["url"])
        assert "查询方式：凭受理编号及证件号码后六位在本中心网站或大厅自助终端查询" in text, kind
        assert f"{govhall.settings.public_url}/web/#/progress/hall" in text, kind


@pytest.mark.parametrize(("name", "masked"), [
    ("张三", "张*"), ("张三丰", "张*丰"), ("欧阳修文", "欧**文"), ("阿依古丽·买买提", "阿**丽·买*提"),
    ("连州市测试贸易有限公司", "连州市****有限公司"), ("连州市出件示例有限公司", "连州市****有限公司"),
    ("广东省清远市某某建设工程股份有限公司", "广东省****股份有限公司"), ("华为技术有限公司", "华****有限公司"),
    ("连州市东陂镇腊味专业合作社", "连州市****专业合作社"), ("永安商行", "永****商行"), ("王建社", "王*社"),
    ("李记面馆", "李**馆"), ("乌审旗苏力德苏木牧业合作社", "乌审旗****合作社"), ("", ""),
])
def test_names_are_masked(name: str, masked: str) -> None:
    assert mask_name(name) == masked


async def test_a_joint_case_shows_the_decision_that_completed_it(gql: Any, cases: CaseDriver) -> None:
    """Each department of a joint case decides its own task; the one whose decision completes the
    case (here an approval by the third of three, after a refusal: 部分准予) is the case's 审批办结
    step, the others are not shown."""
    case = await cases.ok("clerk1", await cases.submit("app1", item="test-joint"), "accept")
    case = await cases.ok("rev-zjj", case, "approve_task")
    case = await cases.ok("rev-hbj", case, "refuse_task", comment="环评不符合要求")
    case = await cases.ok("rev-fgj", case, "approve_task")
    assert case["state"] == "partly_approved"
    found = await ask(gql, case["number"], GOOD_DATA["uscc"][-6:])
    assert [(s["step"], s["label"]) for s in found["steps"]] == [
        ("submitted", "提交申请"), ("accepted", "受理"), ("completed", "审批办结（部分准予）"),
        ("ready", "办理结果已送达出件窗口，可以领取")]
