"""Codes typed full width (１３８…, ９１３１…Ａ), as a phone's Chinese keyboard types them, sent by any
client (the web form folds them as they are typed; a provincial platform or script may not): the case
keeps the ASCII code the applicant meant, so the clerk's search finds it, the certificate prints it
and the notices' SMS reach the number. Names and free text keep their width."""

from __future__ import annotations

import pytest

from tests.hall import GOOD_DATA, CaseDriver, build_hall

pytestmark = pytest.mark.anyio

SEARCH = """query($s: String) { cases(center: "hall", search: $s, first: 50) { edges { node { number } } } }"""


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


@pytest.fixture
async def drive(app, govhall, gql):
    return CaseDriver(gql, await build_hall(govhall, gql))


async def test_a_full_width_uscc_and_mobile_are_kept_as_the_ascii_codes(drive):
    data = {**GOOD_DATA, "companyName": "连州市（测试）贸易有限公司", "uscc": full_width(GOOD_DATA["uscc"]),
            "contactMobile": full_width(GOOD_DATA["contactMobile"])}
    case = await drive.submit("app1", data=data)
    assert case["__typename"] == "Case", case
    assert case["data"]["uscc"] == GOOD_DATA["uscc"]
    assert case["data"]["contactMobile"] == GOOD_DATA["contactMobile"]
    assert case["data"]["companyName"] == "连州市（测试）贸易有限公司"  # a name keeps its full-width brackets
    for term in (GOOD_DATA["contactMobile"], GOOD_DATA["uscc"][-6:]):
        found = await drive.query("clerk1", SEARCH, s=term)
        assert [e["node"]["number"] for e in found["cases"]["edges"]] == [case["number"]], term


async def test_the_certificate_prints_the_uscc_in_ascii(drive):
    case = await drive.submit("app1", data={**GOOD_DATA, "uscc": full_width(GOOD_DATA["uscc"])})
    case = await drive.ok("clerk1", case, "accept")
    case = await drive.ok("rev-scjg", case, "approve")
    (certificate,) = [d for d in case["documents"] if d["kind"] == "certificate"]
    text = "".join((await drive.pdf("app1", certificate["url"])).split())
    assert GOOD_DATA["uscc"] in text
    assert full_width(GOOD_DATA["uscc"]) not in text


async def test_a_correction_typed_full_width_is_folded_too(drive):
    case = await drive.ok("clerk1", await drive.submit("app1"), "request_materials",
                          data={"missing": [{"name": "营业执照复印件", "reason": "未提供", "paper": True}]})
    supplied = await drive.act("app1", case, "supply", data={"contactMobile": full_width("13900139000")})
    assert supplied["__typename"] == "Case", supplied
    assert supplied["data"]["contactMobile"] == "13900139000"


async def test_a_mobile_and_a_uscc_written_in_groups_are_kept_without_their_spaces(drive):
    """138 0000 8000 and a USCC in groups, as people write them to read them back: the spaces are not
    part of the code (an identity number, a USCC, a mobile, a postcode); a name keeps its spaces."""
    mobile, uscc = GOOD_DATA["contactMobile"], GOOD_DATA["uscc"]
    grouped = f"{mobile[:3]} {mobile[3:7]}\u3000{mobile[7:]}"
    data = {**GOOD_DATA, "companyName": "连州市 测试 贸易有限公司", "contactMobile": full_width(grouped),
            "uscc": f" {uscc[:6]} {uscc[6:12]} {uscc[12:]} "}
    case = await drive.submit("app1", data=data)
    assert case["__typename"] == "Case", case
    assert (case["data"]["contactMobile"], case["data"]["uscc"]) == (mobile, uscc)
    assert case["data"]["companyName"] == "连州市 测试 贸易有限公司"
