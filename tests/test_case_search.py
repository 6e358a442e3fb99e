"""The clerk's search (``cases(search: ...)``): by case number, applicant name, USCC, mobile or ID
number, combined with the other filters, limited to what the user may see."""

from __future__ import annotations

import pytest

from tests.hall import GOOD_DATA, CaseDriver, build_hall

pytestmark = pytest.mark.anyio

SEARCH = """query($s: String, $st: String) { cases(center: "hall", search: $s, state: $st, first: 50) {
  edges { node { number applicantName } } } }"""
OTHER_USCC = "91310110666007217T"


@pytest.fixture
async def setup(app, govhall, gql):
    drive = CaseDriver(gql, await build_hall(govhall, gql))
    first = await drive.submit("app1")
    second = await drive.submit("app2", data={**GOOD_DATA, "uscc": OTHER_USCC, "contactMobile": "13900139000",
                                              "companyName": "连州市另一家有限公司"})
    assert first["__typename"] == second["__typename"] == "Case"
    return drive, first, second


async def numbers(drive, user, text, state=None):
    found = await drive.query(user, SEARCH, s=text, st=state)
    return [e["node"]["number"] for e in found["cases"]["edges"]]


async def test_search_by_number_name_and_identities(setup):
    drive, first, second = setup
    assert await numbers(drive, "clerk1", first["number"]) == [first["number"]]
    assert await numbers(drive, "clerk1", first["number"][-4:].lower()) == [first["number"]]
    assert await numbers(drive, "clerk1", OTHER_USCC.lower()) == [second["number"]]
    assert await numbers(drive, "clerk1", "13900139000") == [second["number"]]
    assert await numbers(drive, "clerk1", GOOD_DATA["uscc"]) == [first["number"]]
    name = (await drive.query("clerk1", SEARCH, s=second["number"]))["cases"]["edges"][0]["node"]["applicantName"]
    assert name and await numbers(drive, "clerk1", name) == [second["number"]]
    assert await numbers(drive, "clerk1", "no-such-thing") == []
    # combined with the other filters; blank means no search
    assert await numbers(drive, "clerk1", "13900139000", state="approved") == []
    assert len(await numbers(drive, "clerk1", "  ")) == 2
    # wildcards are text, not patterns
    assert await numbers(drive, "clerk1", "%") == []


async def test_search_keeps_to_what_the_user_may_see(setup):
    drive, first, second = setup
    assert await numbers(drive, "app1", OTHER_USCC) == []
    assert await numbers(drive, "app1", GOOD_DATA["uscc"]) == [first["number"]]
