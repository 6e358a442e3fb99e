"""Identity codes as a front-desk clerk types them from the papers on the counter: an ID number
ending in a lower-case x (441882…x), a unified social credit code in the groups of four a licence
or a letterhead shows (9144 1882 MA4W …). The walk-in registration (``registerWalkInParty``)
already took them so; the form the clerk then fills for the same person took neither. Sent by
any client (the web form folds them as it does full-width codes), the case keeps the code itself:
the notices print it, the clerk's search and the progress lookup find it."""

from __future__ import annotations

import copy

import pytest

from core.services.accounts import Actor, load_grants
from core.services.items import define_item, publish_item
from tests.hall import GOOD_DATA, PERMIT, CaseDriver, build_hall

pytestmark = pytest.mark.anyio

SEARCH = """query($s: String) { cases(center: "hall", search: $s, first: 50) { edges { node { number } } } }"""
PERSON_FORM = {
    "type": "object", "title": "个人申请", "required": ["name", "idNumber", "mobile"],
    "properties": {
        "name": {"type": "string", "title": "姓名", "minLength": 1},
        "idNumber": {"type": "string", "title": "身份证号码", "format": "resident-id"},
        "mobile": {"type": "string", "title": "手机号码", "format": "mobile-cn"},
        "remark": {"type": "string", "title": "备注"},
    },
}
ID_X = "44188219850312007X"


@pytest.fixture
async def drive(app, govhall, gql):
    return CaseDriver(gql, await build_hall(govhall, gql))


def grouped(code: str) -> str:
    return " ".join(code[i:i + 4] for i in range(0, len(code), 4))


async def test_a_uscc_typed_in_groups_and_lower_case_is_the_code_itself(drive):
    data = {**GOOD_DATA, "uscc": grouped(GOOD_DATA["uscc"].lower()), "companyName": "连州市𠮷祥·贸易有限公司"}
    case = await drive.submit("app1", data=data)
    assert case["__typename"] == "Case", case
    assert case["data"]["uscc"] == GOOD_DATA["uscc"]
    assert case["data"]["companyName"] == "连州市𠮷祥·贸易有限公司"  # a name keeps its characters and dot
    found = await drive.query("clerk1", SEARCH, s=GOOD_DATA["uscc"])
    assert [e["node"]["number"] for e in found["cases"]["edges"]] == [case["number"]]


CORRECTED_USCC = "91310110666007217T"  # valid check digit, not GOOD_DATA's


async def test_a_correction_with_a_spaced_uscc_is_folded_too(drive):
    case = await drive.ok("clerk1", await drive.submit("app1"), "request_materials",
                          data={"missing": [{"name": "营业执照复印件", "reason": "未提供", "paper": True}]})
    # the same code typed in groups is no correction (nothing supplied); another code so typed is, folded
    same = await drive.act("app1", case, "supply", data={"uscc": " " + grouped(GOOD_DATA["uscc"]) + " "})
    assert same["__typename"] == "UserErrors" and same["errors"][0]["code"] == "nothing_supplied", same
    supplied = await drive.act("app1", case, "supply", data={"uscc": " " + grouped(CORRECTED_USCC) + " "})
    assert supplied["__typename"] == "Case", supplied
    assert supplied["data"]["uscc"] == CORRECTED_USCC


async def test_an_id_number_ending_in_lower_case_x_is_taken_and_free_text_is_left_alone(drive, govhall):
    config = drive.hall.users["config1"]
    actor = Actor(user=config, grants=await load_grants(config))
    person = {**copy.deepcopy(PERMIT), "code": "test-person", "name": "个人测试事项", "form": PERSON_FORM}
    person["certificate"]["fields"] = [{"label": "姓名", "pointer": "/name"}, {"label": "身份证号码", "pointer": "/idNumber"}]
    await define_item(govhall, actor, drive.hall.center, person)
    await publish_item(govhall, actor, drive.hall.center, "test-person")

    remark = "abcdefghijklmnopqrstuvwxyz 1234"  # code characters in a field that is no code: unchanged
    data = {"name": "阿依古丽·𠮷买提", "idNumber": "4418 8219 8503 1200 7x", "mobile": "13800138000", "remark": remark}
    case = await drive.submit("app1", item="test-person", data=data)
    assert case["__typename"] == "Case", case
    assert case["data"] == {**data, "idNumber": ID_X}
    found = await drive.query("clerk1", SEARCH, s=ID_X.lower())
    assert [e["node"]["number"] for e in found["cases"]["edges"]] == [case["number"]]
    # a code the check still refuses says why, at its field, and is not made up
    bad = await drive.submit("app1", item="test-person", data={**data, "idNumber": "44188219850312007y"})
    assert bad["__typename"] == "UserErrors" and [e["path"] for e in bad["errors"]] == ["/idNumber"], bad


async def test_the_clerk_finds_a_case_by_a_code_read_out_in_groups(drive):
    case = await drive.submit("app1")
    assert case["__typename"] == "Case", case
    for term in (grouped(GOOD_DATA["uscc"]), grouped(GOOD_DATA["uscc"].lower()), "138 0013 8000", " 1380 013 8000 "):
        found = await drive.query("clerk1", SEARCH, s=term)
        assert [e["node"]["number"] for e in found["cases"]["edges"]] == [case["number"]], term


async def test_a_name_with_a_middle_dot_collects_when_typed_with_another_dot(drive, govhall):
    """The application names 阿依古丽·𠮷买提 as the ID card prints it (U+00B7); the pickup clerk's
    keyboard gives • or ・ for the dot. Same person, same ID number: handed out, no power of attorney."""
    actor = Actor(user=drive.hall.users["config1"], grants=await load_grants(drive.hall.users["config1"]))
    quick = {**copy.deepcopy(PERMIT), "code": "test-person-quick", "name": "个人即办事项", "form": PERSON_FORM,
             "caseKind": "immediate", "legalDays": 0, "promisedDays": 0}
    quick["certificate"]["fields"] = [{"label": "姓名", "pointer": "/name"}]
    await define_item(govhall, actor, drive.hall.center, quick)
    await publish_item(govhall, actor, drive.hall.center, "test-person-quick")
    data = {"name": "阿依古丽·𠮷买提", "idNumber": ID_X, "mobile": "13800138000"}
    for typed in ("阿依古丽•𠮷买提", "阿依古丽・𠮷买提", "阿依古丽 · 𠮷买提"):
        case = await drive.ok("clerk1", await drive.submit("app1", item="test-person-quick", data=data), "finish_on_spot")
        done = await drive.act("pick1", case, "deliver", data={"method": "in_person", "receiver": typed, "idNumber": ID_X})
        assert done["__typename"] == "Case" and done["state"] == "delivered", (typed, done)
    # another person's name is still refused
    case = await drive.ok("clerk1", await drive.submit("app1", item="test-person-quick", data=data), "finish_on_spot")
    wrong = await drive.act("pick1", case, "deliver", data={"method": "in_person", "receiver": "阿依古丽•买买提", "idNumber": ID_X})
    assert [e["code"] for e in wrong["errors"]] == ["receiver.not_applicant"], wrong
