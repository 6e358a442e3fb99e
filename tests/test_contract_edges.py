"""The API contract at its edges, as an outside client (a provincial platform, a script) meets them:
values nobody typed in the web client, each answered in words with the contract's shapes, never a
server error."""

from __future__ import annotations

import base64

import pytest

from core.plumbing.models import Case, SecurityEvent
from tests.hall import CaseDriver, build_hall, codes

pytestmark = pytest.mark.anyio

LONG = "x" * 300  # longer than any code or name column

ITEM = "query($v: Int) { item(center: \"hall\", code: \"test-permit\", version: $v) { code version } }"
ITEMS = "query($s: String) { items(center: \"hall\", search: $s) { code } }"
CASES = """query($first: Int!, $after: String) { cases(center: "hall", first: $first, after: $after) {
  edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }"""
MY_CASES = """query($first: Int!, $after: String) { myCases(first: $first, after: $after) {
  edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }"""
TRANSITION = """mutation($id: ID!, $a: String!, $c: String, $d: JSON) { transitionCase(id: $id, action: $a, comment: $c, data: $d) {
  __typename ... on Case { state version } ... on UserErrors { errors { path code message } } } }"""


@pytest.fixture
async def drive(app, govhall, gql):
    hall = await build_hall(govhall, gql)
    return CaseDriver(gql, hall)


def cursor(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode()


def error_of(body: dict) -> dict:
    assert body["data"] is None or not any(body["data"].values()), body
    (error,) = body["errors"]
    return error


# --------------------------------------------------------------------------- items


async def test_an_item_version_that_was_never_published_is_null(drive):
    gql = drive.gql
    assert (await gql(ITEM, {"v": None}))["item"] == {"code": "test-permit", "version": 1}
    assert (await gql(ITEM, {"v": 1}))["item"] == {"code": "test-permit", "version": 1}
    for version in (0, -1, 2):  # 0 is no version: never "the latest" in disguise
        assert (await gql(ITEM, {"v": version}))["item"] is None, version


async def test_the_item_search_finds_items_by_every_word_typed(drive):
    gql = drive.gql
    assert [i["code"] for i in (await gql(ITEMS, {"s": "测试 许可"}))["items"]] == ["test-permit"]
    assert [i["code"] for i in (await gql(ITEMS, {"s": "许可\u3000测试"}))["items"]] == ["test-permit"]
    assert (await gql(ITEMS, {"s": "测试 没有这个词"}))["items"] == []
    assert len((await gql(ITEMS, {"s": "  "}))["items"]) == 3


async def test_the_item_search_finds_an_item_by_its_certificate_or_what_people_add_to_its_name(drive):
    """食品经营许可证 finds 食品经营许可（新办）: people search for the licence they want, or add 办理 / 申请;
    full-width letters as typed on a phone's Chinese keyboard find the code."""
    gql = drive.gql
    for typed in ("测试经营许可证", "测试经营许可证办理", "经营许可申请", "许可证 测试", "ＴＥＳＴ－ＰＥＲＭＩＴ"):
        assert [i["code"] for i in (await gql(ITEMS, {"s": typed}))["items"]] == ["test-permit"], typed
    for typed in ("证", "测试经营许可证明"):  # nothing left to find, or words the name lacks
        assert (await gql(ITEMS, {"s": typed}))["items"] == [], typed


# --------------------------------------------------------------------------- case lists


async def test_a_cursor_the_server_never_wrote_is_a_bad_input_not_a_server_error(drive):
    for _ in range(2):
        await drive.submit("app1", allow_duplicate=True)
    gql, token = drive.gql, drive.hall.tokens
    page = (await gql(CASES, {"first": 1}, token=token["clerk1"]))["cases"]
    assert (await gql(CASES, {"first": 1, "after": page["pageInfo"]["endCursor"]}, token=token["clerk1"]))["cases"]["edges"]
    mine = (await gql(MY_CASES, {"first": 1}, token=token["app1"]))["myCases"]
    assert (await gql(MY_CASES, {"first": 1, "after": mine["pageInfo"]["endCursor"]}, token=token["app1"]))["myCases"]["edges"]
    for made_up in ("0:99999999999999999999", "0:2147483648", "1:-5", "0: 3", "mine:1", "garbage"):
        body = await gql.raw(CASES, {"first": 1, "after": cursor(made_up)}, token=token["clerk1"])
        error = error_of(body)
        assert error["extensions"]["code"] == "BAD_USER_INPUT" and error["message"].startswith("分页游标无效"), made_up
    for made_up in ("mine:99999999999999999999", "mine:-1", "0:1"):
        error = error_of(await gql.raw(MY_CASES, {"first": 1, "after": cursor(made_up)}, token=token["app1"]))
        assert error["extensions"]["code"] == "BAD_USER_INPUT" and error["message"].startswith("分页游标无效"), made_up


async def test_first_zero_tells_only_whether_there_are_cases_and_a_negative_page_is_refused(drive):
    await drive.submit("app1")
    gql, token = drive.gql, drive.hall.tokens
    assert (await gql(CASES, {"first": 0}, token=token["clerk1"]))["cases"] == {
        "edges": [], "pageInfo": {"hasNextPage": True, "endCursor": None}}
    assert (await gql(MY_CASES, {"first": 0}, token=token["app1"]))["myCases"] == {
        "edges": [], "pageInfo": {"hasNextPage": True, "endCursor": None}}
    assert (await gql(MY_CASES, {"first": 0}, token=token["app2"]))["myCases"]["pageInfo"]["hasNextPage"] is False
    for query, user, field in ((CASES, "clerk1", "cases"), (MY_CASES, "app1", "myCases")):
        error = error_of(await gql.raw(query, {"first": -1}, token=token[user]))
        assert error["extensions"]["code"] == "BAD_USER_INPUT" and "不能小于0" in error["message"], field


async def test_supervision_with_limit_zero_gives_the_counts_only_and_a_negative_limit_is_refused(drive, govhall):
    case = await drive.ok("clerk1", await drive.submit("app1"), "accept")
    await Case.filter(id=case_id(case)).update(alert="YELLOW")
    query = "query($l: Int!) { supervision(center: \"hall\", limit: $l) { yellow cases { number } } }"
    gql, token = drive.gql, drive.hall.tokens["sup1"]
    assert (await gql(query, {"l": 0}, token=token))["supervision"] == {"yellow": 1, "cases": []}
    assert len((await gql(query, {"l": 1}, token=token))["supervision"]["cases"]) == 1
    error = error_of(await gql.raw(query, {"l": -1}, token=token))
    assert error["extensions"]["code"] == "BAD_USER_INPUT" and "不能小于0" in error["message"]


def case_id(case: dict) -> int:
    return int(case["id"])


# --------------------------------------------------------------------------- transitions


async def test_transition_data_that_is_not_an_object_is_a_user_error_and_changes_nothing(drive):
    case = await drive.submit("app1")
    for data in ("notobj", [["checklist", "c1"]], [1, 2], 5):
        result = (await drive.gql(TRANSITION, {"id": case["id"], "a": "accept", "d": data},
                                  token=drive.hall.tokens["clerk1"]))["transitionCase"]
        assert codes(result) == ["type"], data
        assert result["errors"][0]["path"] == "/data" and "应为 JSON 对象" in result["errors"][0]["message"]
    assert (await drive.get("clerk1", case))["version"] == 1


async def test_an_overlong_opinion_is_named_as_the_opinion(drive):
    case = await drive.submit("app1")
    result = await drive.act("clerk1", case, "return", comment="退" * 2001)
    assert codes(result) == ["maxLength"]
    assert result["errors"][0] == {"path": "/comment", "code": "maxLength", "message": "办理意见不能超过2000个字符（现有2001个）"}


# --------------------------------------------------------------------------- login, limits


LOGIN = """mutation($u: String!, $p: String!) { login(username: $u, password: $p) {
  __typename ... on UserErrors { errors { path code message } } } }"""


async def test_a_login_with_nothing_typed_says_what_to_fill_in_and_counts_no_failure(drive):
    gql = drive.gql
    both = (await gql(LOGIN, {"u": " ", "p": ""}))["login"]["errors"]
    assert both == [{"path": "/username", "code": "required", "message": "请填写用户名"},
                    {"path": "/password", "code": "required", "message": "请填写密码"}]
    assert (await gql(LOGIN, {"u": "app1", "p": ""}))["login"]["errors"] == [
        {"path": "/password", "code": "required", "message": "请填写密码"}]
    assert await SecurityEvent.filter(kind="login_failed").count() == 0
    assert (await gql(LOGIN, {"u": "app1", "p": "wrong-pass"}))["login"]["errors"][0]["code"] == "login_failed"


async def test_an_anonymous_query_over_the_cost_limit_says_a_token_may_be_missing(drive):
    query = "{ supervision(center: \"hall\", limit: 500) { yellow cases { number state alert promisedDue legalDue } } }"
    error = error_of(await drive.gql.raw(query))
    assert error["extensions"]["code"] == "LIMIT_EXCEEDED" and "Authorization: Bearer" in error["message"]
    signed_in = error_of(await drive.gql.raw("{ supervision(center: \"hall\", limit: 5000) { cases { number state "
                                             "alert promisedDue legalDue applicantName itemName } } }",
                                             token=drive.hall.tokens["sup1"]))
    assert signed_in["extensions"]["code"] == "LIMIT_EXCEEDED" and "Authorization" not in signed_in["message"]


async def test_a_list_size_left_out_costs_what_the_field_runs_with(drive):
    """supervision without limit lists up to 500 cases (the argument's default), so it costs what
    limit: 500 costs; a variable left out costs its own default. Without a login the same board is
    refused FORBIDDEN, as every authorization failure is (it lists nothing for an anonymous caller)."""
    fields = " ".join(f"n{i}: number" for i in range(45))  # 500 cases x 45 fields: over a signed-in caller's 20,000
    board = f"{{ yellow cases {{ {fields} }} }}"
    for query in (f'{{ supervision(center: "hall") {board} }}',
                  f'query($l: Int) {{ supervision(center: "hall", limit: $l) {board} }}'):
        error = error_of(await drive.gql.raw(query, token=drive.hall.tokens["sup1"]))
        assert error["extensions"] == {"code": "LIMIT_EXCEEDED", "limit": "cost"}, (query, error)
    plain = '{ supervision(center: "hall") { yellow cases { number state alert promisedDue legalDue } } }'  # 3,000 > 1,000
    anonymous = error_of(await drive.gql.raw(plain))
    assert anonymous["extensions"]["code"] == "FORBIDDEN", anonymous
    small = await drive.query("sup1", f'query($l: Int! = 10) {{ supervision(center: "hall", limit: $l) {board} }}')
    assert small["supervision"]["yellow"] == 0
    too_much_asked = error_of(await drive.gql.raw(f'{{ supervision(center: "hall", limit: 500) {{ cases {{ number }} }} }}'))
    assert too_much_asked["extensions"] == {"code": "LIMIT_EXCEEDED", "limit": "cost"}, too_much_asked  # asked for: counts


# --------------------------------------------------------------------------- values longer than their columns


async def test_a_code_or_name_longer_than_its_column_is_refused_in_words_never_a_server_error(drive):
    gql, token = drive.gql, drive.hall.tokens
    queries = [
        ("query($x: String!) { item(center: \"hall\", code: $x) { code } }", None),
        ("query($x: String!) { cases(center: \"hall\", department: $x) { edges { cursor } } }", "clerk1"),
        ("query($x: String!) { statistics(center: \"hall\", from: \"2026-01-01\", to: \"2026-12-31\", department: $x) "
         "{ accepted } }", "sup1"),
        ("query($x: String!) { dueDate(center: $x, from: \"2026-10-09\", workingDays: 3) { date } }", None),
        ("query($x: String!) { supervision(center: $x) { yellow } }", "sup1"),
        ("query($x: String!) { items(center: $x) { code } }", None),  # every center lookup alike
    ]
    for query, user in queries:
        error = error_of(await gql.raw(query, {"x": LONG}, token=token[user] if user else None))
        assert error["extensions"]["code"] == "BAD_USER_INPUT" and "过长" in error["message"], query
        assert LONG not in error["message"]
    mutations = [
        ("mutation($x: String!) { publishItem(center: \"hall\", code: $x) { __typename ... on UserErrors { errors "
         "{ path code message } } } }", "config1", "publishItem"),
        ("mutation($x: String!) { submitCase(center: \"hall\", item: \"test-permit\", data: {}, onBehalfOf: $x) "
         "{ __typename ... on UserErrors { errors { path code message } } } }", "agent1", "submitCase"),
        ("mutation($x: String!) { setStaffRoles(center: \"hall\", username: $x, roles: [{role: \"clerk\"}]) "
         "{ __typename ... on UserErrors { errors { path code message } } } }", "admin1", "setStaffRoles"),
    ]
    for query, user, field in mutations:
        result = (await gql(query, {"x": LONG}, token=token[user]))[field]
        assert codes(result) == ["maxLength"] and "过长" in result["errors"][0]["message"], field
    added = (await gql("""mutation($n: String!) { addStaffAccount(center: "hall", username: "newclerk", displayName: $n,
        password: "a-long-password", roles: [{role: "clerk"}]) { __typename ... on UserErrors { errors { path code message } } } }""",
                       {"n": "名" * 65}, token=token["admin1"]))["addStaffAccount"]
    assert added["errors"] == [{"path": "/displayName", "code": "maxLength", "message": "姓名不能超过64个字（现有65个）"}]


async def test_downloads_and_exports_naming_something_too_long_to_exist_are_not_found(drive):
    http, token = drive.gql.http, drive.hall.tokens
    export = await http.get("/exports/statistics", params={"center": LONG, "from": "2026-01-01", "to": "2026-12-31",
                                                           "format": "csv"},
                            headers={"Authorization": f"Bearer {token['sup1']}"})
    assert export.status_code == 404 and export.json()["errors"][0]["path"] == "/center"
    material = await http.get(f"/materials/{LONG}", headers={"Authorization": f"Bearer {token['app1']}"})
    assert material.status_code == 404 and material.json()["errors"][0]["message"] == "材料不存在"


# --------------------------------------------------------------------------- documents and checks


async def test_checking_data_without_an_item_or_a_definition_asks_for_one(drive):
    body = await drive.gql.raw("{ validateCaseData(center: \"hall\", data: {}) { code } }", token=drive.hall.tokens["app1"])
    error = error_of(body)
    assert error["extensions"]["code"] == "BAD_USER_INPUT" and "请指定事项编码" in error["message"]
    assert "None" not in error["message"]
    checked = await drive.gql("{ validateCaseData(center: \"hall\", item: \"test-permit\", data: {}) { path code } }",
                              token=drive.hall.tokens["app1"])
    assert {"path": "/uscc", "code": "required"} in checked["validateCaseData"]


async def test_a_definition_that_is_not_an_object_is_named_as_an_item_definition(drive):
    result = (await drive.gql("""mutation($d: JSON!) { defineItem(center: "hall", definition: $d) {
        __typename ... on UserErrors { errors { path code message } } } }""", {"d": []},
                              token=drive.hall.tokens["config1"]))["defineItem"]
    assert result["errors"] == [{"path": "", "code": "type", "message": "“事项定义”应为对象"}]
    submitted = await drive.submit("app1", data=["not", "an", "object"])
    assert submitted["errors"] == [{"path": "", "code": "type", "message": "“申请表”应为对象"}]  # the form's title


async def test_statistics_say_a_reversed_period_in_the_dates_people_read_and_take_no_department_as_the_center(drive):
    query = "query($f: Date!, $t: Date!, $d: String) { statistics(center: \"hall\", from: $f, to: $t, department: $d) { accepted } }"
    token = drive.hall.tokens["sup1"]
    error = error_of(await drive.gql.raw(query, {"f": "2026-12-31", "t": "2026-01-01"}, token=token))
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["message"] == "起始日2026年12月31日晚于结束日2026年1月1日"
    whole = await drive.gql(query, {"f": "2026-01-01", "t": "2026-12-31"}, token=token)
    assert await drive.gql(query, {"f": "2026-01-01", "t": "2026-12-31", "d": ""}, token=token) == whole
    unknown = error_of(await drive.gql.raw(query, {"f": "2026-01-01", "t": "2026-12-31", "d": "nodept"}, token=token))
    assert "没有部门“nodept”" in unknown["message"]
