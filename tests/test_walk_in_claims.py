"""认领 in every center: a case filed at the window for a walk-in party (现场申请人) is claimed online
into the applicant's 我的办件 with the party's ID number, the case number and the SMS code sent to
the mobile registered at the window, in a center that enabled no plugin at all; wrong codes and
too many codes are refused; wrong codes are counted per client address (through real HTTP from
given addresses), so a stranger's lock out only the stranger."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx
import pytest

from core.plumbing.models import Case, CaseEvent, ClaimCode, LoginThrottle, Notification, SecurityEvent
from core.services.walk_in_claims import LOCKED, LOCKED_CASE, TOO_MANY_SENT
from tests.conftest import GraphQLClient
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


async def claim_from(app: Any, drive: CaseDriver, address: str, user: str, number: str, code: str) -> dict:
    """``claimCase`` as ``user`` from the client address ``address`` (as uvicorn reports it)."""
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=(address, 4000)),
                                 base_url="http://testserver") as http:
        body = await GraphQLClient(http)(CLAIM, {"c": "hall", "n": number, "i": PERSON["i"], "x": code},
                                         token=drive.hall.tokens[user])
    return body["claimCase"]


async def send_from(app: Any, drive: CaseDriver, address: str, user: str, number: str, id_number: str) -> dict:
    """``sendClaimCode`` as ``user`` from the client address ``address``."""
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=(address, 4000)),
                                 base_url="http://testserver") as http:
        body = await GraphQLClient(http)(SEND_CODE, {"c": "hall", "n": number, "i": id_number},
                                         token=drive.hall.tokens[user])
    return body["sendClaimCode"]


def wrong_to(code: str, i: int = 0) -> str:
    """A 6-digit code other than ``code``."""
    other = f"{i:06d}"
    return other if other != code else f"{i + 500000:06d}"


async def test_wrong_codes_are_limited_and_codes_are_limited_per_hour(app, drive):
    case = await filed_for_walk_in(drive)
    assert (await send(drive, "app1", case["number"]))["mobile"] == "138****8000"
    code = await last_code()
    # ten wrong codes from two addresses (each locked at that case after its fifth) spend the code
    for address in ("10.0.0.1", "10.0.0.2"):
        for i in range(5):
            assert codes(await claim_from(app, drive, address, "app2", case["number"], wrong_to(code, i)))[0] == "code"
    assert (await ClaimCode.get(case_id=int(case["id"]))).attempts == 10
    # the eleventh try is refused even with the right code, from a third address: the code is spent
    assert codes(await claim_from(app, drive, "10.0.0.3", "app1", case["number"], code)) == ["code"]
    for _ in range(4):
        assert (await send(drive, "app1", case["number"]))["mobile"] == "138****8000"
    assert codes(await send(drive, "app1", case["number"])) == ["too_many"]
    assert codes(await send(drive, "app1", case["number"], id_number="441882198503120011")) == ["no_match"]
    # a new code ends the older ones
    assert codes(await claim(drive, "app1", case["number"], code)) == ["code"]
    assert (await Case.get(id=int(case["id"]))).applicant_id != drive.hall.users["app1"].id  # type: ignore[attr-defined]


async def test_a_strangers_wrong_codes_do_not_lock_out_the_applicant(app, drive):
    case = await filed_for_walk_in(drive)
    assert (await send(drive, "app1", case["number"]))["mobile"] == "138****8000"
    code = await last_code()
    # someone who knows the ID number and the case number types code after code from one address
    for i in range(20):
        assert codes(await claim_from(app, drive, "10.0.0.66", "app2", case["number"], wrong_to(code, i)))[0] in (
            "code", "too_many_attempts")
    assert (await ClaimCode.get(case_id=int(case["id"]))).attempts == 5  # locked after five: the rest never ran
    # the applicant, from elsewhere, with the code from the SMS: claimed
    claimed = await claim_from(app, drive, "10.0.0.7", "app1", case["number"], code)
    assert claimed["__typename"] == "ClaimedCase" and claimed["number"] == case["number"], claimed


async def test_a_stranger_is_locked_at_the_case_after_five_wrong_codes(app, drive):
    case = await filed_for_walk_in(drive)
    assert (await send(drive, "app1", case["number"]))["mobile"] == "138****8000"
    code = await last_code()
    for i in range(4):
        assert codes(await claim_from(app, drive, "10.0.0.66", "app2", case["number"], wrong_to(code, i))) == ["code"]
    fifth = await claim_from(app, drive, "10.0.0.66", "app2", case["number"], wrong_to(code, 9))
    assert codes(fifth) == ["code", "too_many_attempts"]
    assert fifth["errors"][1]["message"] == LOCKED.format(minutes=15) == "认领验证码错误次数过多，请 15 分钟后再试"
    # locked at that case: even the right code waits from that address, and is not counted
    refused = await claim_from(app, drive, "10.0.0.66", "app1", case["number"], code)
    assert [(e["code"], e["message"]) for e in refused["errors"]] == [("too_many_attempts", LOCKED.format(minutes=15))]
    assert (await SecurityEvent.filter(kind="guess_locked").get()).detail["bound"] == "address_subject"
    assert (await LoginThrottle.get(key=f"guess:walk_in_claim:subject:{case['number']}")).failures == 5
    await LoginThrottle.all().update(locked_until=datetime.now(timezone.utc) - timedelta(seconds=1))
    assert (await claim_from(app, drive, "10.0.0.66", "app1", case["number"], code))["__typename"] == "ClaimedCase"


async def test_a_stranger_probing_id_numbers_for_codes_locks_only_his_own_address(app, drive):
    case = await filed_for_walk_in(drive)
    # someone with the case number tries ID numbers at sendClaimCode from one address: each no_match counts
    for i in range(4):
        answer = await send_from(app, drive, "10.0.0.66", "app2", case["number"], f"44188219850312{i:04d}")
        assert codes(answer) == ["no_match"], answer
    fifth = await send_from(app, drive, "10.0.0.66", "app2", case["number"], "441882198503120099")
    assert codes(fifth) == ["no_match", "too_many_attempts"]
    assert fifth["errors"][1]["message"] == LOCKED.format(minutes=15)
    # locked at that case: even the right ID number is sent no code from that address, nor told it matches
    refused = await send_from(app, drive, "10.0.0.66", "app2", case["number"], PERSON["i"])
    assert [(e["code"], e["message"]) for e in refused["errors"]] == [("too_many_attempts", LOCKED.format(minutes=15))]
    assert await ClaimCode.all().count() == 0
    # the same count as claimCase's: a wrong code from there is refused unchecked too
    assert codes(await claim_from(app, drive, "10.0.0.66", "app2", case["number"], "123456")) == ["too_many_attempts"]
    # the applicant, from elsewhere, still gets a code and claims the case
    assert (await send_from(app, drive, "10.0.0.7", "app1", case["number"], PERSON["i"]))["mobile"] == "138****8000"
    claimed = await claim_from(app, drive, "10.0.0.7", "app1", case["number"], await last_code())
    assert claimed["__typename"] == "ClaimedCase", claimed


async def test_wrong_codes_from_many_addresses_lock_the_case_for_everyone(app, drive):
    case = await filed_for_walk_in(drive)
    assert (await send(drive, "app1", case["number"]))["mobile"] == "138****8000"
    code = await last_code()
    results = [await claim_from(app, drive, f"10.0.1.{a}", "app2", case["number"], wrong_to(code, 10 * a + t))
               for a in range(15) for t in range(4)]  # 4 each, under the bound of one address
    assert all(codes(r) == ["code"] for r in results[:59])
    assert codes(results[59]) == ["code", "too_many_attempts"]
    assert results[59]["errors"][1]["message"] == LOCKED_CASE.format(minutes=60)
    refused = await claim_from(app, drive, "10.0.2.1", "app1", case["number"], code)
    assert [(e["code"], e["message"]) for e in refused["errors"]] == [("too_many_attempts", LOCKED_CASE.format(minutes=60))]
    assert "服务大厅" in LOCKED_CASE


async def test_one_address_is_sent_at_most_twenty_codes_an_hour_across_cases(app, drive):
    """Someone who knows ID numbers and case numbers asks for codes case after case from one address:
    every code sent counts against the address (20 an hour, ``ClaimLimits.sends``), so the applicants'
    phones are not flooded; the per-case limit alone (5 an hour) would let one address go on."""
    party = await register(drive, "clerk1", **PERSON)
    numbers = []
    for _ in range(5):
        filed = (await drive.query("clerk1", FILE, data=dict(GOOD_DATA), behalf=party["username"], dup=True))["submitCase"]
        numbers.append((await Case.get(id=int(filed["id"]))).number)
    for number in numbers[:4]:
        for _ in range(5):
            assert (await send_from(app, drive, "10.0.0.66", "app2", number, PERSON["i"]))["mobile"] == "138****8000"
        # a case's sixth code this hour is refused by its own limit and not counted against the address
        assert codes(await send_from(app, drive, "10.0.0.66", "app2", number, PERSON["i"])) == ["too_many"]
    # nor is an ID number that does not go with the case (a wrong try, counted as such)
    assert codes(await send_from(app, drive, "10.0.0.66", "app2", numbers[4], "441882198503120011")) == ["no_match"]
    refused = await send_from(app, drive, "10.0.0.66", "app2", numbers[4], PERSON["i"])
    assert [(e["code"], e["message"]) for e in refused["errors"]] == [("too_many_attempts", TOO_MANY_SENT.format(minutes=60))]
    assert await ClaimCode.all().count() == 20
    assert await Notification.filter(recipient=PERSON["m"], text__contains="认领办件").count() == 20
    assert (await SecurityEvent.filter(kind="rate_refused_locked").get()).address == "10.0.0.66"
    # the applicant, from another address, still gets the fifth case's code and claims it
    assert (await send_from(app, drive, "10.0.0.7", "app1", numbers[4], PERSON["i"]))["mobile"] == "138****8000"
    claimed = await claim_from(app, drive, "10.0.0.7", "app1", numbers[4], await last_code())
    assert claimed["__typename"] == "ClaimedCase", claimed


async def test_claiming_needs_a_login(drive):
    case = await filed_for_walk_in(drive)
    answer = await drive.gql.raw(SEND_CODE, {"c": "hall", "n": case["number"], "i": PERSON["i"]})
    assert answer.get("errors") or codes(answer["data"]["sendClaimCode"]), answer
    assert await ClaimCode.all().count() == 0
