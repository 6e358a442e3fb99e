"""What one GraphQL request may ask: the alias attack is refused at once while others are served;
depth, aliases, tokens, expanded fragments, cost, body size and one login per request (core.faces.limits).

The timing assertions here are the one place a test asserts on time: the finding was that one
request froze the server for everyone."""

from __future__ import annotations

import asyncio
import logging

import pytest

from core.faces.limits import ANONYMOUS, SIGNED_IN
from tests.helpers import PASSWORD, CallCounter, make_center, make_user

pytestmark = pytest.mark.anyio

CENTERS = "{ centers { code name } }"


def due_aliases(count: int, working_days: int) -> str:
    fields = " ".join(
        f'a{i}: dueDate(center: "testc", from: "2026-01-05", workingDays: {working_days})'
        " { date explanation { date counted reason } explanationText }"
        for i in range(count)
    )
    return "{ " + fields + " }"


@pytest.fixture
async def world(app):
    center = await make_center(code="testc")
    await make_user("clerk", center, "clerk")
    return center


async def post(client, query: str, variables: dict | None = None, token: str | None = None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return await client.post("/graphql", json={"query": query, "variables": variables or {}}, headers=headers)


async def attack_while_serving(client, attack: str, token: str | None) -> None:
    """The attack is refused cheaply, and a request sent while it is in flight is answered: together
    they cost a bounded number of Python calls (walking 2,500 aliases would be millions)."""
    assert (await post(client, CENTERS)).status_code == 200  # a server that is up and warm

    async def bystander():
        await asyncio.sleep(0)  # the attack is already in flight
        return await post(client, CENTERS)

    with CallCounter() as counter:
        attacked, served = await asyncio.gather(post(client, attack, token=token), bystander())
    assert attacked.status_code == 400, attacked.text[:500]
    body = attacked.json()
    assert body["data"] is None and body["errors"][0]["extensions"]["code"] == "LIMIT_EXCEEDED"
    assert served.status_code == 200 and served.json()["data"]["centers"][0]["code"] == "testc"
    assert counter.calls < 100_000, counter.calls


async def test_alias_attack_is_refused_at_once_while_others_are_served(world, client, gql):
    await attack_while_serving(client, due_aliases(100, 2500), token=None)
    token = await gql.login("clerk", PASSWORD)
    await attack_while_serving(client, due_aliases(100, 2500), token=token)


async def test_aliases_depth_and_tokens_have_chinese_messages(world, client):
    too_many = "{ " + " ".join(f"c{i}: centers {{ code }}" for i in range(ANONYMOUS.max_aliases + 1)) + " }"
    error = (await post(client, too_many)).json()["errors"][0]
    assert error["extensions"] == {"code": "LIMIT_EXCEEDED", "limit": "aliases"} and "别名过多" in error["message"]

    # No type of the schema nests deeper than 7 levels: a deeper query names fields that do not
    # exist, and QueryDepthLimiter reports its depth along with them.
    deep = "{ centers " + "{ code " * (ANONYMOUS.max_depth + 1) + "}" * (ANONYMOUS.max_depth + 1) + " }"
    errors = (await post(client, deep)).json()["errors"]
    assert any((e.get("extensions") or {}).get("limit") == "depth" and "嵌套过深" in e["message"] for e in errors), errors
    cyclic = "{ __schema { types { " + "fields { type { " * 4 + "name" + " }" * 10 + " }"  # graphql-core's own rule
    error = (await post(client, cyclic)).json()["errors"][0]
    assert error["extensions"]["limit"] == "depth" and "嵌套过深" in error["message"], error

    long = "{ centers { " + "code " * ANONYMOUS.max_tokens + "} }"
    error = (await post(client, long)).json()["errors"][0]
    assert error["extensions"]["limit"] == "tokens" and "查询过长" in error["message"]


async def test_signed_in_callers_get_more_room(world, client, gql):
    token = await gql.login("clerk", PASSWORD)
    several = "{ " + " ".join(f"c{i}: centers {{ code }}" for i in range(ANONYMOUS.max_aliases + 5)) + " }"
    assert (await post(client, several)).status_code == 400
    response = await post(client, several, token=token)
    assert response.status_code == 200 and len(response.json()["data"]) == ANONYMOUS.max_aliases + 5
    too_many = "{ " + " ".join(f"c{i}: centers {{ code }}" for i in range(SIGNED_IN.max_aliases + 1)) + " }"
    assert (await post(client, too_many, token=token)).json()["errors"][0]["extensions"]["limit"] == "aliases"


async def test_a_fragment_bomb_is_measured_not_walked(world, client):
    fragments = ["fragment F0 on Center { code name }"]
    for level in range(1, 40):
        fragments.append(f"fragment F{level} on Center {{ ...F{level - 1} ...F{level - 1} }}")
    query = "{ centers { ...F39 } } " + " ".join(fragments)
    # the Python calls made to refuse it, not seconds: the 2**39 selections walked would be billions
    with CallCounter() as counter:
        response = await post(client, query)
    error = response.json()["errors"][0]
    assert error["extensions"] == {"code": "LIMIT_EXCEEDED", "limit": "selections"}, error
    assert counter.calls < 100_000, counter.calls


async def test_cost_counts_expensive_fields_with_their_variables(world, client, gql):
    """Ten dueDate of 1,000 working days are within the anonymous alias limit but over its cost;
    the same fields sent as variables cost the same."""
    error = (await post(client, due_aliases(ANONYMOUS.max_aliases, 1000))).json()["errors"][0]
    assert error["extensions"] == {"code": "LIMIT_EXCEEDED", "limit": "cost"} and "代价过高" in error["message"]
    with_variables = "query($n: Int!) { " + " ".join(
        f'a{i}: dueDate(center: "testc", from: "2026-01-05", workingDays: $n) {{ date }}' for i in range(10)
    ) + " }"
    assert (await post(client, with_variables, {"n": 1000})).json()["errors"][0]["extensions"]["limit"] == "cost"
    assert (await post(client, with_variables, {"n": 5})).status_code == 200
    token = await gql.login("clerk", PASSWORD)
    assert (await post(client, due_aliases(ANONYMOUS.max_aliases, 1000), token=token)).status_code == 200


async def test_due_date_has_a_documented_cap_and_a_bounded_explanation(world, gql):
    query = """query($n: Int!) { dueDate(center: "testc", from: "2026-01-05", workingDays: $n) {
      date explanation { date } explanationText explanationTruncated } }"""
    longest = (await gql(query, {"n": 1000}))["dueDate"]
    assert longest["date"] > "2029-11-30" and longest["explanationTruncated"] is True
    assert len(longest["explanation"]) == 400 and longest["explanation"][-1]["date"] == longest["date"]
    assert "从略" in longest["explanationText"] and longest["explanationText"].count("\n") == 400
    short = (await gql(query, {"n": 10}))["dueDate"]
    assert short["explanationTruncated"] is False and len(short["explanation"]) >= 10
    for beyond in (1001, 3650):
        error = (await gql.raw(query, {"n": beyond}))["errors"][0]
        assert error["extensions"]["code"] == "BAD_USER_INPUT" and "0 到 1000" in error["message"]


async def test_one_login_per_request(world, client, caplog):
    caplog.set_level(logging.WARNING, logger="govhall.security")
    for count in (2, 100):
        logins = "mutation { " + " ".join(
            f'l{i}: login(username: "clerk", password: "guess-{i}") {{ __typename }}' for i in range(count)
        ) + " }"
        response = await post(client, logins)
        body = response.json()
        assert response.status_code == 400 and body["data"] is None
        assert body["errors"][0]["extensions"]["code"] == "LIMIT_EXCEEDED", body  # 100: too long already
        if count == 2:
            assert "一次请求只能登录一次" in body["errors"][0]["message"], body
    assert not [r for r in caplog.records if r.getMessage() == "login_failed"], "no password was tried"
    one = 'mutation { login(username: "clerk", password: "%s") { __typename } }' % PASSWORD
    assert (await post(client, one)).json()["data"]["login"]["__typename"] == "LoginSuccess"


async def test_request_body_is_limited(world, client, gql):
    padding = "x" * (ANONYMOUS.max_body_bytes or 0)
    query = "query($pad: String!) { center(code: $pad) { code } }"
    response = await post(client, query, {"pad": padding})
    assert response.status_code == 413
    (error,) = response.json()["errors"]
    assert error["extensions"] == {"code": "LIMIT_EXCEEDED", "limit": "body"} and "请求过大" in error["message"]
    token = await gql.login("clerk", PASSWORD)
    assert (await post(client, query, {"pad": padding}, token=token)).status_code == 200
    huge = "x" * (3 * 1024 * 1024)
    assert (await post(client, query, {"pad": huge}, token=token)).status_code == 413
