"""现场申请人 at every center's front desk: a clerk (or head) registers the person or enterprise in
front of the window, with the core's ID checks, and files the case for it as 窗口受理, in a center
that enabled no plugin at all (the hall floor's window screen uses the same fields)."""

from __future__ import annotations

import re

import pytest

from core.plumbing.models import Case, User, WalkInParty
from tests.hall import GOOD_DATA, CaseDriver, build_hall, codes

pytestmark = pytest.mark.anyio

FIELDS = "id kind idNumber name contactName mobile username"
REGISTER = f"""mutation($c: String!, $k: String!, $i: String!, $n: String!, $m: String!, $p: String) {{
  registerWalkInParty(center: $c, kind: $k, idNumber: $i, name: $n, mobile: $m, contactName: $p) {{
  __typename ... on WalkInParty {{ {FIELDS} }} ... on UserErrors {{ errors {{ code message path }} }} }} }}"""
FIND = f"query($c: String!, $i: String!) {{ walkInParty(center: $c, idNumber: $i) {{ {FIELDS} }} }}"
FILE = """mutation($data: JSON!, $behalf: String, $dup: Boolean) {
  submitCase(center: "hall", item: "test-permit", data: $data, onBehalfOf: $behalf, channel: "window", allowDuplicate: $dup) {
    __typename ... on Case { id channel applicantName events { role actor } } ... on UserErrors { errors { path code message } } } }"""
COMPANY = {"c": "hall", "k": "enterprise", "i": GOOD_DATA["uscc"], "n": GOOD_DATA["companyName"], "m": "13912345678", "p": "李青禾"}
PERSON = {"c": "hall", "k": "person", "i": "441882198503120010", "n": "李青禾", "m": "13800138000"}


@pytest.fixture
async def drive(app, govhall, gql):
    hall = await build_hall(govhall, gql)  # no plugin: the front desk of the core alone
    assert hall.center.plugins == []
    return CaseDriver(gql, hall)


async def register(drive: CaseDriver, user: str, **variables: str) -> dict:
    return (await drive.query(user, REGISTER, **variables))["registerWalkInParty"]


async def test_a_clerk_registers_a_walk_in_enterprise_and_files_its_case_at_the_counter(drive):
    party = await register(drive, "clerk1", **COMPANY)
    assert party["__typename"] == "WalkInParty", party
    assert (party["kind"], party["idNumber"], party["contactName"]) == ("enterprise", GOOD_DATA["uscc"], "李青禾")
    # the account's name goes into addresses (the apply page's ?for=) and logs: never the USCC
    assert re.fullmatch(rf"party-{drive.hall.center.id}-[0-9a-f]{{12}}", party["username"]), party
    account = await User.get(username=party["username"])
    assert (account.display_name, account.phone, account.id_number) == (GOOD_DATA["companyName"], "13912345678", "")
    # found again by its code as typed (lower case, spaces), also by the chief representative
    found = (await drive.query("head1", FIND, c="hall", i=f" {GOOD_DATA['uscc'].lower()} "))["walkInParty"]
    assert found == {k: v for k, v in party.items() if k != "__typename"}

    filed = (await drive.query("clerk1", FILE, data=dict(GOOD_DATA), behalf=party["username"]))["submitCase"]
    assert filed["__typename"] == "Case", filed
    assert (filed["channel"], filed["applicantName"]) == ("window", GOOD_DATA["companyName"])
    assert filed["events"] == [{"role": "clerk", "actor": "clerk1"}]  # 窗口受理: the clerk took it in, no 代办人
    case = await Case.get(id=int(filed["id"]))
    assert (case.applicant_id, case.agent_id, case.responsible_id) == (account.id, None, drive.hall.users["clerk1"].id)


async def test_a_walk_in_registered_again_keeps_its_account_and_gets_the_new_contact(drive):
    users = await User.all().count()
    first = await register(drive, "clerk1", **PERSON)
    assert (await User.get(username=first["username"])).id_number == PERSON["i"]  # a person's account carries the ID
    again = await register(drive, "head1", **{**PERSON, "m": "13900139000"})
    assert (again["id"], again["username"], again["mobile"]) == (first["id"], first["username"], "13900139000")
    assert await User.all().count() == users + 1 and await WalkInParty.all().count() == 1


async def test_walk_ins_with_invalid_input_are_refused_all_at_once_and_nothing_is_written(drive):
    users = await User.all().count()
    bad = await register(drive, "clerk1", **{**PERSON, "i": "441882198503120011"})
    assert codes(bad) == ["format.resident-id"] and "校验位" in bad["errors"][0]["message"]
    assert bad["errors"][0]["path"] == "/idNumber"
    bad = await register(drive, "clerk1", **{**COMPANY, "i": "91310115591693856B", "m": "12345", "p": ""})
    assert sorted(codes(bad)) == ["format.mobile", "format.uscc", "required"]
    assert {e["path"] for e in bad["errors"]} == {"/idNumber", "/mobile", "/contactName"}
    bad = await register(drive, "clerk1", **{**PERSON, "k": "robot", "n": "某"})
    assert codes(bad) == ["kind", "required"] and all(re.search("[\u4e00-\u9fff]", e["message"]) for e in bad["errors"])
    assert await WalkInParty.all().count() == 0 and await User.all().count() == users


async def test_only_the_centers_clerks_and_heads_register_or_look_up_walk_ins(drive):
    for user in ("app1", "agent1", "rev-scjg", "sup1", "pick1", "clerk-other"):
        assert codes(await register(drive, user, **PERSON)) == ["forbidden"], user
    assert await WalkInParty.all().count() == 0
    await register(drive, "clerk1", **PERSON)
    for user in ("app1", "clerk-other"):
        error = await drive.refused(user, FIND, c="hall", i=PERSON["i"])
        assert error["extensions"]["code"] == "FORBIDDEN", error
    assert (await drive.query("clerk-other", FIND, c="other", i=PERSON["i"]))["walkInParty"] is None  # a center's own


ANSWERS = """query($c: String!, $a: String!, $i: String!) { walkInParty(center: $c, account: $a) {
  name formAnswers(item: $i) } }"""


async def test_the_application_opened_for_a_walk_in_names_it_as_registered(drive):
    """The apply page opened for a party (``?for=`` its account) asks for the answers of the item's
    form that name it: the name and USCC the clerk typed at 现场申请人, in the fields the documents
    read the applicant from, and the mobile registered with it in the form's 联系电话; an item the
    center does not publish, or an account that is no party of the center, gives nothing."""
    company = await register(drive, "clerk1", **COMPANY)
    person = await register(drive, "clerk1", **PERSON)
    found = (await drive.query("clerk1", ANSWERS, c="hall", a=company["username"], i="test-permit"))["walkInParty"]
    assert found == {"name": GOOD_DATA["companyName"],
                     "formAnswers": {"companyName": GOOD_DATA["companyName"], "uscc": GOOD_DATA["uscc"],
                                     "contactMobile": COMPANY["m"]}}
    found = (await drive.query("clerk1", ANSWERS, c="hall", a=person["username"], i="test-permit"))["walkInParty"]
    assert found["formAnswers"] == {"contactMobile": PERSON["m"]}  # a person's name is no 企业名称
    found = (await drive.query("head1", ANSWERS, c="hall", a=person["username"], i="no-such-item"))["walkInParty"]
    assert found == {"name": "李青禾", "formAnswers": {}}
    assert (await drive.query("clerk1", ANSWERS, c="hall", a="app1", i="test-permit"))["walkInParty"] is None
    # only the center's clerks and heads look parties up
    assert await drive.refused("app1", ANSWERS, c="hall", a=company["username"], i="test-permit")


def test_a_partys_answers_go_where_the_form_names_the_applicant():
    """The applicant's field (``applicantField`` or a common one) and the number beside it, of the
    party's kind; a person's name never in a 企业名称, a USCC never in a resident-ID field."""
    from core.services.parties import party_answers

    def form(**props):
        return {"type": "object", "properties": {k: {"type": "string", **v} for k, v in props.items()}}

    either = form(applicantName={"title": "申请人名称或姓名"}, applicantId={"title": "统一社会信用代码或身份证号码"})
    assert party_answers({"form": either}, "person", "阿卜杜·热合曼", "11010519491231002X") == {
        "applicantName": "阿卜杜·热合曼", "applicantId": "11010519491231002X"}
    unit = {"applicantField": "/unitName", "form": form(
        unitName={"title": "单位名称"}, uscc={"format": "uscc"}, legalRepName={}, legalRepIdNumber={"format": "resident-id"})}
    assert party_answers(unit, "enterprise", "连州某公司", GOOD_DATA["uscc"]) == {"unitName": "连州某公司", "uscc": GOOD_DATA["uscc"]}
    assert party_answers(unit, "person", "李青禾", PERSON["i"]) == {}
    nested = {"applicantField": "/operator/name", "form": {"type": "object", "properties": {"operator": form(
        name={"title": "姓名"}, idNumber={"format": "resident-id"}, uscc={"format": "uscc"})}}}
    assert party_answers(nested, "person", "李青禾", PERSON["i"]) == {"operator": {"name": "李青禾", "idNumber": PERSON["i"]}}
    assert party_answers(nested, "enterprise", "连州某公司", GOOD_DATA["uscc"]) == {}
    assert party_answers({"form": form(staffName={"format": "date"})}, "person", "李青禾", PERSON["i"]) == {}


def test_a_walk_ins_contact_goes_where_the_form_asks_whom_to_reach():
    """An enterprise's 经办联系人 and mobile fill the form's contact (联系人 and its 手机号码, 经办人, the
    联络员's or 委托代理人's own entry), a person's mobile the contact number at the top of the form;
    never the 法定代表人's or the company's number, never a field that is the applicant's."""
    from core.services.parties import party_answers

    def form(**props):
        return {"type": "object", "properties": {k: {"type": "string", **v} for k, v in props.items()}}

    mobile = {"format": "mobile-cn"}
    unit = {"applicantField": "/unitName", "form": form(
        unitName={"title": "单位名称"}, uscc={"format": "uscc"}, legalRepName={"title": "法定代表人"},
        legalRepMobile={**mobile, "title": "法定代表人手机号码"}, handlerName={"title": "经办人姓名"},
        handlerIdNumber={"format": "resident-id"}, handlerMobile={**mobile, "title": "经办人手机号码"})}
    assert party_answers(unit, "enterprise", "连州某公司", GOOD_DATA["uscc"], "李青禾", "13912345678") == {
        "unitName": "连州某公司", "uscc": GOOD_DATA["uscc"], "handlerName": "李青禾", "handlerMobile": "13912345678"}
    assert party_answers(unit, "person", "李青禾", PERSON["i"], "", PERSON["m"]) == {"handlerMobile": PERSON["m"]}

    # 设立登记: no USCC yet; the enterprise's own 联络员 takes the contact, never the company's phone
    liaison = {"applicantField": "/enterpriseName", "form": {"type": "object", "properties": {
        "enterpriseName": {"type": "string", "title": "企业名称"},
        "legalRepresentative": {"type": "object", "title": "法定代表人", "properties": form(name={}, mobile=mobile)["properties"]},
        "liaison": {"type": "object", "title": "联络员", "properties": form(
            name={"title": "姓名"}, idNumber={"format": "resident-id"}, mobile=mobile)["properties"]},
        "phone": {"type": "string", "title": "公司联系电话", "format": "phone-cn"}}}}
    assert party_answers(liaison, "enterprise", "连州某公司", GOOD_DATA["uscc"], "李青禾", "13912345678") == {
        "enterpriseName": "连州某公司", "liaison": {"name": "李青禾", "mobile": "13912345678"}}
    assert party_answers(liaison, "person", "李青禾", PERSON["i"], "", PERSON["m"]) == {}  # no one's entry half filled

    # 联系手机 alone (企业开办): the mobile; a landline field (联系电话, phone-cn) takes a mobile too
    alone = {"applicantField": "/enterpriseName", "form": form(enterpriseName={"title": "企业名称"}, contactMobile={**mobile, "title": "联系手机"})}
    assert party_answers(alone, "enterprise", "连州某公司", GOOD_DATA["uscc"], "李青禾", "13912345678") == {
        "enterpriseName": "连州某公司", "contactMobile": "13912345678"}
    assert party_answers(alone, "person", "李青禾", PERSON["i"], "", PERSON["m"]) == {"contactMobile": PERSON["m"]}
    phone = {"form": form(applicantName={"title": "申请人名称"}, contactName={"title": "联系人"},
                          contactPhone={"title": "联系电话", "format": "phone-cn"})}
    assert party_answers(phone, "enterprise", "连州某公司", GOOD_DATA["uscc"], "李青禾", "13912345678") == {
        "applicantName": "连州某公司", "contactName": "李青禾", "contactPhone": "13912345678"}
    assert party_answers({"form": form(legalRepPhone={"title": "法定代表人联系电话", "format": "phone-cn"})},
                         "person", "李青禾", PERSON["i"], "", PERSON["m"]) == {}
