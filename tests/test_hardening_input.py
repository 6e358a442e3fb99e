"""Malformed and hostile input never gives INTERNAL or a raw 500 (table-driven, SQLite and
PostgreSQL), concurrent ratings of one case, and text-direction overrides in names, case data and
file names (refused, or stripped from file names)."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.hall import GOOD_DATA, CaseDriver, build_hall
from tests.helpers import PASSWORD
from tests.test_materials import PDF, upload

pytestmark = pytest.mark.anyio

SUBMIT = """mutation($d: JSON!) { submitCase(center: "hall", item: "test-permit", data: $d) {
  __typename ... on UserErrors { errors { path code message } } } }"""
SUBMIT_VIA = """mutation($d: JSON!, $c: String!) { submitCase(center: "hall", item: "test-permit", data: $d, channel: $c) {
  __typename ... on UserErrors { errors { path code message } } } }"""
LOGIN = """mutation($u: String!, $p: String!) { login(username: $u, password: $p) {
  __typename ... on UserErrors { errors { code message } } } }"""
DUE = """query($f: Date!, $n: Int!) { dueDate(center: "hall", from: $f, workingDays: $n) { date } }"""
CASE = "query($id: ID!) { case(id: $id) { id } }"
RATE = """mutation($id: ID!) { rateCase(id: $id, level: 5) {
  __typename ... on RatingType { level } ... on UserErrors { errors { path code message } } } }"""
TRANSITION = """mutation($id: ID!) { transitionCase(id: $id, action: "accept") {
  __typename ... on UserErrors { errors { code } } } }"""
STATISTICS = """query($f: Date!, $t: Date!) { statistics(center: "hall", from: $f, to: $t) { accepted } }"""


def nested(depth: int) -> Any:
    value: Any = "x"
    for _ in range(depth):
        value = [value]
    return value


@dataclass
class Case:
    """One hostile request and what must come back: ``code`` is the ``extensions.code`` of the first
    GraphQL error, or ``union:<code>`` for the first UserError of a union result."""

    name: str
    expect: str
    query: str = ""
    variables: dict[str, Any] = field(default_factory=dict)
    user: str | None = None
    body: bytes | None = None  # sent as it is, instead of query/variables
    status: tuple[int, ...] = (200, 400)


DIGITS = "1" * 5_000
CASES = [
    Case("invalid UTF-8 body", "BAD_REQUEST", body=b'{"query": "{ centers { code } }", "x": "\xff\xfe\xfa"}', status=(400,)),
    Case("JSON nested 500 deep", "BAD_USER_INPUT", SUBMIT, {"d": nested(500)}, user="app1", status=(400,)),
    Case("JSON nested 1,000 deep", "BAD_REQUEST",
         body=('{"query": %s, "variables": {"d": ' % json.dumps(SUBMIT)).encode() + b"[" * 1_000 + b"]" * 1_000 + b"}}",
         user="app1", status=(400,)),
    Case("JSON nested 100,000 deep", "BAD_REQUEST",
         body=('{"query": %s, "variables": {"d": ' % json.dumps(SUBMIT)).encode() + b"[" * 100_000 + b"]" * 100_000 + b"}}",
         user="app1", status=(400,)),
    Case("username over 64 characters", "union:login_failed", LOGIN, {"u": "u" * 5_000, "p": "x"}),
    Case("case id beyond 2^31", "NOT_FOUND", CASE, {"id": str(2**31)}, user="app1"),
    Case("case id of 40 digits", "NOT_FOUND", CASE, {"id": "9" * 40}, user="app1"),
    Case("negative case id beyond 2^31", "NOT_FOUND", CASE, {"id": str(-(2**31) - 5)}, user="app1"),
    Case("rating a case beyond 2^31", "NOT_FOUND", RATE, {"id": str(2**40)}, user="app1"),
    Case("transition of a case beyond 2^31", "NOT_FOUND", TRANSITION, {"id": str(2**33)}, user="clerk1"),
    Case("an unknown channel (申报渠道)", "union:enum", SUBMIT_VIA, {"d": GOOD_DATA, "c": "telepathy"}, user="app1"),
    Case("a channel (申报渠道) of 300 characters", "union:enum", SUBMIT_VIA, {"d": GOOD_DATA, "c": "w" * 300}, user="app1"),
    Case("NUL in case data", "BAD_USER_INPUT", SUBMIT, {"d": {**GOOD_DATA, "companyName": "连州\x00公司"}}, user="app1"),
    Case("NUL in a username", "BAD_USER_INPUT", LOGIN, {"u": "app1\x00", "p": PASSWORD}),
    Case("NUL in a key of case data", "BAD_USER_INPUT", SUBMIT, {"d": {**GOOD_DATA, "a\x00": 1}}, user="app1"),
    Case("NaN in case data", "BAD_USER_INPUT",
         body=json.dumps({"query": SUBMIT, "variables": {"d": {**GOOD_DATA, "capital": float("nan")}}}).encode(),
         user="app1"),
    Case("Infinity in case data", "BAD_USER_INPUT",
         body=json.dumps({"query": SUBMIT, "variables": {"d": {**GOOD_DATA, "capital": float("inf")}}}).encode(),
         user="app1"),
    Case("a float beyond 1e308 in the query", "BAD_USER_INPUT",
         'mutation { submitCase(center: "hall", item: "test-permit", data: {capital: 1e400}) { __typename } }',
         user="app1"),
    Case("due date from 9999-12-30", "BAD_USER_INPUT", DUE, {"f": "9999-12-30", "n": 5}),
    Case("due date from 0001-01-01", "ok", DUE, {"f": "0001-01-01", "n": 5}),
    Case("due date with a 10,000th year", "BAD_REQUEST", DUE, {"f": "10000-01-01", "n": 5}),
    Case("statistics over every representable date", "BAD_USER_INPUT", STATISTICS, {"f": "0001-01-01", "t": "9999-12-31"},
         user="sup1"),  # over ten years: refused in Chinese, as the export refuses it
    Case("statistics over the first ten representable years", "ok", STATISTICS, {"f": "0001-01-01", "t": "0010-12-31"},
         user="sup1"),
    Case("statistics over the last ten representable years", "ok", STATISTICS, {"f": "9990-01-02", "t": "9999-12-31"},
         user="sup1"),
    Case("a date in year -1", "BAD_REQUEST", DUE, {"f": "-001-01-01", "n": 5}),
    Case("year -1 in a department's year", "BAD_USER_INPUT",
         'query { departmentYear(center: "hall", year: -1) { year } }', user="sup1"),
    Case("year 10000 in a department's year", "BAD_USER_INPUT",
         'query { departmentYear(center: "hall", year: 10000) { year } }', user="sup1"),
    Case("a 5,000-digit integer in the query", "BAD_USER_INPUT",
         'query { dueDate(center: "hall", from: "2026-01-05", workingDays: %s) { date } }' % DIGITS),
    Case("a 5,000-digit integer in the variables", "BAD_REQUEST",
         body=('{"query": "query($n: Int!) { dueDate(center: \\"hall\\", from: \\"2026-01-05\\", workingDays: $n)'
               ' { date } }", "variables": {"n": %s}}' % DIGITS).encode()),
    Case("a 5,000-digit integer in case data", "BAD_REQUEST",
         body=('{"query": %s, "variables": {"d": {"capital": %s}}}' % (json.dumps(SUBMIT), DIGITS)).encode(),
         user="app1"),
    Case("an integer beyond 2^53 in case data", "BAD_USER_INPUT", SUBMIT, {"d": {**GOOD_DATA, "capital": 2**60}},
         user="app1"),
    Case("dueDate of 3,650 working days", "BAD_USER_INPUT", DUE, {"f": "2026-01-05", "n": 3650}),
    Case("dueDate of 2^31 working days", "BAD_REQUEST",
         'query { dueDate(center: "hall", from: "2026-01-05", workingDays: 2147483648) { date } }'),
    Case("bidi override in case data", "BAD_USER_INPUT",
         SUBMIT, {"d": {**GOOD_DATA, "companyName": "连州\u202e司公限有易贸"}}, user="app1"),
    Case("bidi isolate in a comment", "BAD_USER_INPUT",
         """mutation { rateCase(id: "1", level: 1, comment: "差\u2067评") { __typename } }""", user="app1"),
]


@pytest.fixture
async def drive(app, govhall, gql):
    return CaseDriver(gql, await build_hall(govhall, gql, plugins=["assessment"]))


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
async def test_malformed_input_is_a_clear_refusal(drive, client, case: Case):
    headers = {"content-type": "application/json"}
    if case.user:
        headers["Authorization"] = f"Bearer {drive.hall.tokens[case.user]}"
    body = case.body if case.body is not None else json.dumps({"query": case.query, "variables": case.variables}).encode()
    response = await client.post("/graphql", content=body, headers=headers)
    assert response.status_code in case.status, (response.status_code, response.text[:300])
    assert "Traceback" not in response.text and "INTERNAL" not in response.text, response.text[:500]
    payload = response.json()
    if case.expect == "ok":
        assert not payload.get("errors"), payload
        return
    if case.expect.startswith("union:"):
        (result,) = payload["data"].values()
        assert result["__typename"] == "UserErrors" and result["errors"][0]["code"] == case.expect[6:], payload
        return
    error = payload["errors"][0]
    assert error["extensions"]["code"] == case.expect, payload
    assert any("\u4e00" <= ch <= "\u9fff" for ch in error["message"]), error  # said in Chinese


async def test_bidi_refusals_point_at_the_field(drive):
    refused = await drive.gql.raw(SUBMIT, {"d": {**GOOD_DATA, "companyName": "连州\u202e司公"}}, token=drive.hall.tokens["app1"])
    (error,) = refused["errors"]
    (problem,) = error["extensions"]["userErrors"]
    assert problem == {"path": "/$d/companyName", "code": "bidi_control", "message": problem["message"]}
    assert "文字方向控制字符" in problem["message"]


async def test_bidi_in_case_data_is_refused_by_the_service_too(drive, govhall):
    """Data that reaches the service another way (a plugin, the command line) meets the same rule."""
    from core.services.accounts import Actor, load_grants
    from core.services.cases import submit_case
    from core.plumbing.errors import UserErrorsException

    user = drive.hall.users["app1"]
    with pytest.raises(UserErrorsException) as refused:
        await submit_case(govhall, Actor(user=user, grants=await load_grants(user)), "hall", "test-permit",
                          {**GOOD_DATA, "companyName": "连州\u2066公司"})
    (error,) = refused.value.errors
    assert error.code == "bidi_control" and error.path == "/companyName" and "企业名称" in error.message


async def test_bidi_in_an_uploaded_file_name_is_stripped(drive, client):
    response = await upload(client, drive.hall.tokens["app1"], PDF, filename="发票\u202efdp.exe\u2069.pdf")
    assert response.status_code == 201, response.text
    assert response.json()["filename"] == "发票fdp.exe.pdf"


def test_bidi_in_a_display_name_is_refused_by_the_command_line(capsys):
    from core.faces.cli import main

    assert main(["user", "add", "x1", "--center", "hall", "--role", "clerk", "--name", "张\u202e三", "--password-stdin"]) == 2
    assert "文字方向控制字符" in capsys.readouterr().err


async def test_concurrent_ratings_one_wins_the_others_are_told(drive):
    case = await drive.submit("app1", item="test-quick")
    await drive.ok("clerk1", case, "finish_on_spot")
    results = await asyncio.gather(*[
        drive.gql.raw(RATE, {"id": case["id"]}, token=drive.hall.tokens["app1"]) for _ in range(6)
    ])
    assert all(not r.get("errors") for r in results), results
    outcomes = [r["data"]["rateCase"] for r in results]
    assert [o["__typename"] for o in outcomes].count("RatingType") == 1, outcomes
    for lost in (o for o in outcomes if o["__typename"] == "UserErrors"):
        assert [e["code"] for e in lost["errors"]] == ["duplicate"] and lost["errors"][0]["message"] == "该办件已评价过"
