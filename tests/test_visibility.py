"""Who sees a case, table-driven over every role: an applicant only their own, an agent
what they filed, staff their center's, a reviewer their department's, nobody another center's."""

from __future__ import annotations

import pytest

from tests.hall import CaseDriver, build_hall

pytestmark = pytest.mark.anyio

# user -> (sees the scjg case filed by app1 via agent1, sees the joint zjj/fgj/hbj case of app2)
EXPECTED = {
    "app1": (True, False),
    "app2": (False, True),
    "agent1": (True, False),
    "clerk1": (True, True),
    "rev-scjg": (True, False),
    "rev-zjj": (False, True),
    "rev-fgj": (False, True),   # through its department task of the joint case
    "rev-gaj": (False, False),
    "head1": (True, True),
    "pick1": (True, True),
    "sup1": (True, True),
    "config1": (False, False),
    "admin1": (True, True),
    "clerk-other": (False, False),
}


@pytest.fixture
async def setup(app, govhall, gql):
    hall = await build_hall(govhall, gql)
    drive = CaseDriver(gql, hall)
    permit = await drive.submit("agent1", behalf="app1", materials=[await drive.power_of_attorney("agent1")])
    joint = await drive.ok("clerk1", await drive.submit("app2", item="test-joint"), "accept")
    return drive, permit, joint


@pytest.mark.parametrize("user", sorted(EXPECTED))
async def test_case_visibility(setup, gql, user):
    drive, permit, joint = setup
    token = drive.hall.tokens[user]
    for case, expected in zip((permit, joint), EXPECTED[user]):
        body = await gql.raw("query($id: ID!) { case(id: $id) { number } }", {"id": case["id"]}, token=token)
        if expected:
            assert body["data"]["case"]["number"] == case["number"], body
        else:
            assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN", body
    listed = await gql('query { cases(center: "hall", first: 50) { edges { node { number } } } }', token=token)
    numbers = {e["node"]["number"] for e in listed["cases"]["edges"]}
    assert numbers == {c["number"] for c, e in zip((permit, joint), EXPECTED[user]) if e}


async def test_anonymous_sees_no_case(setup, gql):
    _, permit, _ = setup
    body = await gql.raw("query($id: ID!) { case(id: $id) { number } }", {"id": permit["id"]})
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_unknown_case_is_not_found(setup, gql):
    drive, _, _ = setup
    body = await gql.raw('{ case(id: "999999") { number } }', token=drive.hall.tokens["clerk1"])
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_keyset_pagination_walks_every_case_once(setup, gql):
    drive, permit, joint = setup
    for _ in range(5):
        await drive.submit("app1", allow_duplicate=True)
    token = drive.hall.tokens["clerk1"]
    seen, after = [], None
    while True:
        page = (await gql("query($after: String) { cases(center: \"hall\", first: 3, after: $after) {"
                          " edges { cursor node { number } } pageInfo { hasNextPage endCursor } } }", {"after": after}, token=token))["cases"]
        seen += [e["node"]["number"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(seen) == len(set(seen)) == 7


async def test_reviewer_mine_is_their_department_queue(setup, gql):
    drive, permit, joint = setup
    token = drive.hall.tokens["rev-hbj"]
    mine = await gql('query { cases(center: "hall", mine: true) { edges { node { number } } } }', token=token)
    assert [e["node"]["number"] for e in mine["cases"]["edges"]] == [joint["number"]]


CARD = """query($id: ID!) { case(id: $id) { alert events { action } notifications { channel text } } }"""
LISTS = """query($a: Alert) { cases(center: "hall", alert: $a) { edges { node { number alert } } }
  myCases { edges { node { number alert } } } }"""
SUPERVISE = """mutation($id: ID!) { superviseCase(id: $id, kind: "urge", text: "请抓紧办理") { __typename } }"""


async def test_the_yellow_card_and_supervision_are_for_staff_only(setup, gql, govhall):
    """电子监察's yellow card, 催办 and their internal messages are the center's own supervision:
    the applicant and the agent read their case (and filter their lists) as if there were none;
    staff see them on the case and in the queues."""
    from datetime import datetime, time

    from core.services.calendar import CENTER_TZ
    from core.services.sweeper import sweep

    drive, permit, _ = setup
    case = await drive.ok("clerk1", permit, "accept")
    due = datetime.combine(datetime.fromisoformat(case["promisedDue"]).date(), time(9), tzinfo=CENTER_TZ)
    assert "YELLOW" in [level for _, level in await sweep(govhall, now=due)]
    assert (await gql(SUPERVISE, {"id": case["id"]}, token=drive.hall.tokens["sup1"]))["superviseCase"]["__typename"] == "SupervisionNotice"
    for user in ("clerk1", "sup1", "rev-scjg"):
        seen = (await gql(CARD, {"id": case["id"]}, token=drive.hall.tokens[user]))["case"]
        assert seen["alert"] == "YELLOW" and {"alert", "urge"} <= {e["action"] for e in seen["events"]}, user
        assert "internal" in {n["channel"] for n in seen["notifications"]}
    clerk = (await gql(LISTS, {"a": "YELLOW"}, token=drive.hall.tokens["clerk1"]))["cases"]["edges"]
    assert [e["node"] for e in clerk] == [{"number": case["number"], "alert": "YELLOW"}]
    for user in ("app1", "agent1"):
        token = drive.hall.tokens[user]
        seen = (await gql(CARD, {"id": case["id"]}, token=token))["case"]
        assert seen["alert"] == "NONE", user
        assert [e["action"] for e in seen["events"]] == ["submit", "accept"]
        assert seen["notifications"] == [n for n in seen["notifications"] if n["channel"] != "internal"]
        assert not any("催办" in n["text"] for n in seen["notifications"])
        yellow = await gql(LISTS, {"a": "YELLOW"}, token=token)
        assert yellow["cases"]["edges"] == []
        assert {"number": case["number"], "alert": "NONE"} in [e["node"] for e in yellow["myCases"]["edges"]]
        plain = (await gql(LISTS, {"a": "NONE"}, token=token))["cases"]["edges"]
        assert {"number": case["number"], "alert": "NONE"} in [e["node"] for e in plain]
