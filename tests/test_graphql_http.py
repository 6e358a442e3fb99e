from __future__ import annotations

from pathlib import Path

import pytest
import strawberry

from core import hookimpl

from core.faces.graphql.schema import build_schema, schema_sdl
from tests.helpers import make_center, make_user

pytestmark = pytest.mark.anyio
ROOT = Path(__file__).resolve().parent.parent


async def test_centers_are_public(app, gql):
    await make_center(code="aaa", plugins=[])
    data = await gql("{ centers { code name plugins departments { code name } windows { code kind } } }")
    (center,) = data["centers"]
    assert center["code"] == "aaa" and center["plugins"] == []
    assert {"code": "scjg", "name": "市场监督管理局"} in center["departments"]


async def test_malformed_json_is_a_4xx_without_traceback(app, client):
    response = await client.post("/graphql", content=b"{not json", headers={"content-type": "application/json"})
    assert 400 <= response.status_code < 500
    assert "Traceback" not in response.text
    (error,) = response.json()["errors"]
    assert error["extensions"]["code"] == "BAD_REQUEST" and "JSON" in error["message"]
    empty = await client.post("/graphql", json={"variables": {}})
    assert empty.status_code == 400 and "query" in empty.json()["errors"][0]["message"]


async def test_malformed_query_is_a_graphql_error(app, client):
    response = await client.post("/graphql", json={"query": "{ centers { code "})
    assert 400 <= response.status_code < 500
    body = response.json()
    assert body["errors"] and "Syntax Error" in body["errors"][0]["message"]
    assert "Traceback" not in response.text


class BrokenPlugin:
    """Contributes a field whose resolver fails the way a bug would."""

    @staticmethod
    @hookimpl
    def register_graphql():
        @strawberry.type
        class Query:
            @strawberry.field
            def broken(self) -> str:
                raise RuntimeError("secret internal detail /etc/passwd")

        return {"query": [Query]}


@pytest.fixture
def with_broken(plugin_manager):
    plugin_manager.register(BrokenPlugin(), name="broken")


async def test_unexpected_errors_are_masked(with_broken, app, client):
    response = await client.post("/graphql", json={"query": "{ broken }"})
    text = response.text
    assert "secret internal detail" not in text and "Traceback" not in text
    assert response.json()["errors"][0]["extensions"]["code"] == "INTERNAL"


async def test_forbidden_mutation_is_user_errors_with_code(app, gql):
    center = await make_center(code="bbb")
    await make_user("clerk", center, "clerk")
    token = await gql.login("clerk", "secret-pass-1")
    data = await gql(
        'mutation { setPluginEnabled(center: "bbb", plugin: "one_window", enabled: true) {'
        ' __typename ... on UserErrors { errors { code message } } } }', token=token
    )
    (error,) = data["setPluginEnabled"]["errors"]
    assert error["code"] == "forbidden" and "管理员" in error["message"]


async def test_forbidden_query_is_a_graphql_error_with_code(app, gql):
    center = await make_center(code="ddd")
    await make_user("someone", center, "applicant")
    token = await gql.login("someone", "secret-pass-1")
    body = await gql.raw('{ itemDraft(center: "ddd", code: "x") { code } }', token=token)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_admin_toggles_plugins_over_graphql(app, gql, govhall):
    center = await make_center(code="ccc")
    await make_user("boss", center, "admin")
    token = await gql.login("boss", "secret-pass-1")
    q = "mutation($p: String!, $e: Boolean!) { setPluginEnabled(center: \"ccc\", plugin: $p, enabled: $e) { __typename ... on Center { plugins } ... on UserErrors { errors { code path message } } } }"
    bad = (await gql(q, {"p": "nope", "e": True}, token=token))["setPluginEnabled"]
    assert bad["__typename"] == "UserErrors" and bad["errors"][0]["code"] == "unknown_plugin"
    for name in sorted(govhall.hub.installed):
        on = (await gql(q, {"p": name, "e": True}, token=token))["setPluginEnabled"]
        assert name in on["plugins"]


@pytest.fixture
def with_example(plugin_manager):
    from tests import example_plugin

    plugin_manager.register(example_plugin, name="example")
    return plugin_manager


async def test_installed_plugins_are_listed_with_the_titles_they_declare(with_example, app, gql):
    """Each plugin names itself (``register_title``); one that does not is called by its code."""
    body = await gql("{ installedPlugins installedPluginTitles { name title } }")
    titles = {row["name"]: row["title"] for row in body["installedPluginTitles"]}
    assert sorted(titles) == body["installedPlugins"]
    assert titles["green_channel"] == "绿色通道" and titles["one_window"] == "一窗受理、统一出件"
    assert titles["example"] == "example"


DUE = "query($c: String!, $f: Date!, $n: Int!) { dueDate(center: $c, from: $f, workingDays: $n) { date } }"


@pytest.mark.parametrize(("variables", "variable", "said"), [
    ({"c": "x", "f": "", "n": 1}, "f", "日期未填写或不是有效日期"),
    ({"c": "x", "f": "2026-02-30", "n": 1}, "f", "日期未填写或不是有效日期"),
    ({"c": "x", "f": "2026-01-01", "n": "五"}, "n", "数字未填写或不是有效的数"),
    ({"c": "x", "f": "2026-01-01"}, "n", "有必填内容尚未填写"),
    ({"c": None, "f": "2026-01-01", "n": 1}, "c", "有必填内容尚未填写"),
])
async def test_a_bad_variable_is_said_in_chinese_with_the_details_for_developers(app, gql, variables, variable, said):
    """What a person typed (an empty date, a word for a number) is refused in their language; the
    variable and graphql-core's own words stay in ``extensions`` for whoever wrote the client."""
    (error,) = (await gql.raw(DUE, variables))["errors"]
    assert error["message"].startswith(said) and "Variable" not in error["message"], error
    extensions = error["extensions"]
    assert extensions["code"] == "BAD_REQUEST" and extensions["variable"] == variable
    assert f"ariable '${variable}'" in extensions["detail"]


async def test_an_empty_number_for_a_required_argument_is_said_in_chinese(app, gql):
    """A variable with a default, given to a required argument, sent empty (a cleared number box)."""
    query = "query($c: String!, $f: Date!, $n: Int = 1) { dueDate(center: $c, from: $f, workingDays: $n) { date } }"
    (error,) = (await gql.raw(query, {"c": "x", "f": "2026-01-01", "n": None}))["errors"]
    assert error["message"].startswith("有必填内容尚未填写") and error["extensions"]["variable"] == "n", error


async def test_a_query_a_developer_got_wrong_keeps_graphql_cores_words(app, gql):
    (error,) = (await gql.raw("query($unused: Int) { centers { code } }"))["errors"]
    assert error["message"] == "请求有误：Variable '$unused' is never used." and error["extensions"] == {"code": "BAD_REQUEST"}


def test_schema_graphql_file_is_current(govhall_schema_sdl):
    current = (ROOT / "schema.graphql").read_text("utf-8")
    assert current == govhall_schema_sdl, "schema.graphql is out of date: run `govhall schema`"


@pytest.fixture
def govhall_schema_sdl(settings, plugin_manager):
    from core.services.plugins import PluginHub

    return schema_sdl(build_schema(PluginHub(plugin_manager)))


SAME_EITHER_WAY = [
    ("{ centers { code } }", None),  # an answer
    ("{ centers { code ", None),  # a syntax error
    ("{ centers { nosuchfield } }", None),  # a validation error
    ("query($c: String!) { center(code: $c) { code } }", {"c": "no-such"}),  # null, or not found
    ("query($c: String!) { center(code: $c) { code } }", {"c": "a\u0000b"}),  # a refused input value
    ("{ " + " ".join(f"a{i}: centers {{ code }}" for i in range(60)) + " }", None),  # too many aliases
    ("{ cases(first: 5) { edges { node { id } } } }", None),  # anonymous: refused
    ("query A { centers { code } } query B { centers { name } }", None),  # which operation?
    ("{ broken }", None),  # a bug, masked
]


@pytest.mark.parametrize(("query", "variables"), SAME_EITHER_WAY)
async def test_a_post_answers_as_strawberrys_view_does(with_broken, app, client, query, variables):
    """A JSON POST of one operation runs in GovHall's own straight-line path
    (core.faces.graphql.execution); the same operation sent by GET runs through Strawberry's view
    and Schema.execute with GovHallExtension. Both give the same status and the same answer."""
    import json

    await make_center(code="aaa", plugins=[])
    posted = await client.post("/graphql", json={"query": query, "variables": variables})
    params = {"query": query, **({"variables": json.dumps(variables)} if variables is not None else {})}
    fetched = await client.get("/graphql", params=params)
    assert posted.status_code == fetched.status_code, (posted.text, fetched.text)
    assert posted.json() == fetched.json()
    assert "Traceback" not in posted.text


async def test_a_mutation_cannot_be_sent_by_get_but_can_by_post(app, client):
    mutation = 'mutation { login(username: "nobody", password: "wrong-password") { __typename } }'
    fetched = await client.get("/graphql", params={"query": mutation})
    assert fetched.status_code == 400 and fetched.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    posted = await client.post("/graphql", json={"query": mutation})
    assert posted.status_code == 200 and posted.json()["data"]["login"]["__typename"]
