"""认领 in every center: a case filed at the window for a walk-in party (现场申请人) is claimed online
into the applicant's 我的办件 with the party's ID number, the case number and the SMS code sent to
the mobile registered at the window, in a center that enabled no plugin at all; wrong codes and
too many codes are refused."""

from __future__ import annotations

import re

import pytest

from core.plumbing.models import Case, CaseEvent, ClaimCode, Notification
from tests.hall import GOOD_DATA, CaseDriver, build_hall, codes
from tests.test_walk_ins import FILE, PERSON, register

pytestmark = pytest.mark.anyio

SEND_CODE = """mutation($c: String!, $n: String!, $i: String!) { sendClaimCode(center: $c, caseNumber: $n, idNumber: $i) {
  __typename ... on ClaimCodeSent { mobile } ... on UserErrors { errors { code message path } } } }"""
CLAIM = """mutation($c: String!, $n: String!, $i: String!, $x: String!) { claimCase(center: $c, caseNumber: $n, idNumber: $i, code: $x) {
  __typename ... on ClaimedCase { id number applicantName } ... on UserErrors { errors { code message path } } } }"""
MY_CASES = "{ myCases(first: 20) { edges { node { id number applicantName center { code } } } } }"


@pytest.fixture
async def drive(app, govhall, gql):
    hall = await build_hall(govhall, gql)  # no plugin: the core alone
    assert hall.center.plugins == []
    return CaseDriver(gql, hall)


async def filed_for_walk_in(drive: CaseDriver) -> dict:
    party = await register(drive, "clerk1", **PERSON)
    filed = (await drive.query("clerk1", FILE, data=dict(GOOD_DATA), behalf=party["username"]))["submitCase"]
    assert filed["__typename"] == "Case", filed
    return {"id": filed["id"], "number": (await Case.get(id=int(filed["id"]))).number}


async def send(drive: CaseDriver, user: str, number: str, id_number: str = PERSON["i"]) -> dict:
    return (await drive.query(user, SEND_CODE, c="hall", n=number, i=id_number))["sendClaimCode"]


async def claim(drive: CaseDriver, user: str, number: str, code: str, id_number: str = PERSON["i"]) -> dict:
    return (await drive.query(user, CLAIM, c="hall", n=number, i=id_number, x=code))["claimCase"]


async def last_code() -> str:
    """The code as the core's default SMS adapter recorded it (the ``notification`` table)."""
    message = await Notification.filter(recipient=PERSON["m"]).order_by("-id").first()
    assert message is not None and "认领办件" in message.text, message
    return re.search(r"验证码(\d{6})", message.text).group(1)  # type: ignore[union-attr]


async def my_cases(drive: CaseDriver, user: str) -> list[dict]:
    return [e["node"] for e in (await drive.query(user, MY_CASES))["myCases"]["edges"]]


async def test_an_applicant_claims_a_walk_in_case_into_my_cases_without_the_hall_floor(drive):
    case = await filed_for_walk_in(drive)
    assert await my_cases(drive, "app1") == []
    sent = await send(drive, "app1", case["number"].lower())  # typed on a phone: lower case
    assert sent == {"__typename": "ClaimCodeSent", "mobile": "138****8000"}
    code = await last_code()
    wrong = await claim(drive, "app1", case["number"], "000000" if code != "000000" else "111111")
    assert codes(wrong) == ["code"] and wrong["errors"][0]["path"] == "/code"
    assert codes(await claim(drive, "app1", case["number"], code, id_number="441882198503120011")) == ["no_match"]
    claimed = await claim(drive, "app1", case["number"], code)
    assert claimed == {"__typename": "ClaimedCase", "id": case["id"], "number": case["number"], "applicantName": GOOD_DATA["companyName"]}
    assert [(c["id"], c["applicantName"], c["center"]["code"]) for c in await my_cases(drive, "app1")] == [
        (case["id"], GOOD_DATA["companyName"], "hall")]  # the form's name stays
    event = await CaseEvent.filter(case_id=int(case["id"]), action="claim").first()
    assert event is not None and PERSON["n"] in event.comment
    # claimed once: the party no longer owns the case, so the same code claims nothing for another
    assert codes(await claim(drive, "app2", case["number"], code)) == ["no_match"]
    assert await my_cases(drive, "app2") == []


async def test_wrong_codes_are_limited_and_codes_are_limited_per_hour(drive):
    case = await filed_for_walk_in(drive)
    assert (await send(drive, "app1", case["number"]))["mobile"] == "138****8000"
    code = await last_code()
    other = "000000" if code != "000000" else "111111"
    for _ in range(5):
        assert codes(await claim(drive, "app1", case["number"], other)) == ["code"]
    # the sixth try is refused even with the right code: the code is spent
    assert codes(await claim(drive, "app1", case["number"], code)) == ["code"]
    assert (await ClaimCode.get(case_id=int(case["id"]))).attempts == 5
    for _ in range(4):
        assert (await send(drive, "app1", case["number"]))["mobile"] == "138****8000"
    assert codes(await send(drive, "app1", case["number"])) == ["too_many"]
    assert codes(await send(drive, "app1", case["number"], id_number="441882198503120011")) == ["no_match"]
    # a new code ends the older ones
    assert codes(await claim(drive, "app1", case["number"], code)) == ["code"]
    assert (await Case.get(id=int(case["id"]))).applicant_id != drive.hall.users["app1"].id  # type: ignore[attr-defined]


async def test_claiming_needs_a_login(drive):
    case = await filed_for_walk_in(drive)
    answer = await drive.gql.raw(SEND_CODE, {"c": "hall", "n": case["number"], "i": PERSON["i"]})
    assert answer.get("errors") or codes(answer["data"]["sendClaimCode"]), answer
    assert await ClaimCode.all().count() == 0
