"""Production defaults: GOVHALL_PUBLIC_URL off loopback, no GraphiQL / introspection / field
suggestions for anonymous callers in production, security headers on every response, and JSON
logs of requests and security events that never contain a token or an identity number."""

from __future__ import annotations

import io
import json
import logging

import pytest

from core.faces.cli import is_loopback, main
from core.plumbing.logging import ACCESS_LOGGER, SECURITY_LOGGER, JsonLineFormatter
from core.plumbing.settings import Settings
from tests.helpers import PASSWORD, make_center, make_user

pytestmark = pytest.mark.anyio

INTROSPECTION = "{ __schema { queryType { fields { name } } } }"
MISSPELLED = "{ centerz { code } }"
ID_NUMBER = "11010519491231002X"


@pytest.fixture
def settings(database_url, request):
    environment = getattr(request, "param", "production")
    return Settings(database_url=database_url, token_hours=1, sweep_seconds=0, environment=environment)


@pytest.fixture
async def world(app):
    center = await make_center(code="prod")
    await make_user("clerk", center, "clerk")
    await make_user("outsider")
    return center


# --- serving -----------------------------------------------------------------------------------------


def test_serving_off_loopback_needs_the_public_url(monkeypatch, capsys):
    monkeypatch.delenv("GOVHALL_PUBLIC_URL", raising=False)
    assert main(["serve", "--host", "0.0.0.0"]) == 2
    err = capsys.readouterr().err
    assert "GOVHALL_PUBLIC_URL" in err and "0.0.0.0" in err and "二维码" in err

    started: list[dict] = []

    async def no_upgrade(govhall):
        return []

    monkeypatch.setattr("core.faces.cli._upgrade", no_upgrade)
    monkeypatch.setattr("core.faces.serving.serve", lambda app, host, port, workers, log_level: started.append({"host": host}))
    monkeypatch.setenv("GOVHALL_PUBLIC_URL", "https://zwfw.example.gov.cn")
    assert main(["serve", "--host", "0.0.0.0"]) == 0 and started[0]["host"] == "0.0.0.0"
    monkeypatch.delenv("GOVHALL_PUBLIC_URL")
    assert main(["serve", "--host", "127.0.0.1"]) == 0  # the demo on one machine needs nothing


def test_loopback_addresses():
    assert all(is_loopback(h) for h in ("127.0.0.1", "localhost", "::1", "[::1]", "127.0.0.5"))
    assert not any(is_loopback(h) for h in ("0.0.0.0", "192.168.1.10", "::", "zwfw.example.gov.cn"))


def test_a_bad_environment_name_is_a_clear_error(monkeypatch, capsys):
    monkeypatch.setenv("GOVHALL_ENV", "prod")
    assert main(["serve"]) == 2
    assert "GOVHALL_ENV" in capsys.readouterr().err


# --- what anonymous callers see in production --------------------------------------------------------


async def test_no_introspection_or_suggestions_for_anonymous_callers_in_production(world, gql):
    anonymous = await gql.raw(INTROSPECTION)
    assert anonymous["data"] is None and "introspection" in anonymous["errors"][0]["message"]
    assert (await gql("{ __typename centers { code } }"))["centers"][0]["code"] == "prod"
    hint = (await gql.raw(MISSPELLED))["errors"][0]["message"]
    assert "centerz" in hint and "Did you mean" not in hint

    token = await gql.login("clerk", PASSWORD)  # the web's schema checks work once signed in
    fields = (await gql(INTROSPECTION, token=token))["__schema"]["queryType"]["fields"]
    assert {"cases", "dueDate"} <= {f["name"] for f in fields}
    assert "Did you mean" in (await gql.raw(MISSPELLED, token=token))["errors"][0]["message"]


@pytest.mark.parametrize("settings", ["development"], indirect=True)
async def test_development_keeps_introspection_and_graphiql(world, gql, client):
    assert (await gql(INTROSPECTION))["__schema"]["queryType"]["fields"]
    assert "Did you mean" in (await gql.raw(MISSPELLED))["errors"][0]["message"]
    page = await client.get("/graphql", headers={"accept": "text/html"})
    assert page.status_code == 200 and "graphiql" in page.text.lower()
    assert "unpkg.com" in page.headers["content-security-policy"]


async def test_no_graphiql_in_production(world, client):
    page = await client.get("/graphql", headers={"accept": "text/html"})
    assert "graphiql" not in page.text.lower()


# --- headers -----------------------------------------------------------------------------------------


async def test_security_headers_on_every_response(world, client):
    responses = [
        await client.get("/web/"),
        await client.get("/web/app.js"),
        await client.post("/graphql", json={"query": "{ centers { code } }"}),
        await client.post("/graphql", content=b"{not json", headers={"content-type": "application/json"}),
        await client.get("/healthz"),
        await client.get("/no-such-page"),
    ]
    for response in responses:
        policy = response.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in policy and "default-src 'self'" in policy, response.url
        assert "unsafe-inline" not in policy
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "no-referrer"
        assert response.headers["x-frame-options"] == "DENY"


# --- logs --------------------------------------------------------------------------------------------


@pytest.fixture
def captured_log():
    """The JSON lines the access and security loggers write."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonLineFormatter())
    loggers = [logging.getLogger(ACCESS_LOGGER), logging.getLogger(SECURITY_LOGGER)]
    for logger in loggers:
        logger.addHandler(handler)
    yield stream
    for logger in loggers:
        logger.removeHandler(handler)


async def test_logs_are_json_lines_without_tokens_or_id_numbers(world, gql, client, captured_log):
    failed = await gql.raw(
        'mutation($u: String!) { login(username: $u, password: "wrong") { __typename } }', {"u": ID_NUMBER}
    )
    assert failed["data"]["login"]["__typename"] == "UserErrors"
    token = await gql.login("outsider", PASSWORD)
    await client.get(f"/web/?token={token}&id={ID_NUMBER}")
    await client.get(f"/documents/{ID_NUMBER}.pdf", headers={"Authorization": f"Bearer {token}"})
    refused = await gql.raw('{ supervision(center: "prod") { red } }', token=token)
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    too_deep = "{ centers " + "{ code " * 12 + "}" * 12 + " }"
    assert (await gql.raw(too_deep))["data"] is None

    text = captured_log.getvalue()
    assert token not in text and ID_NUMBER not in text and ID_NUMBER[:17] not in text
    lines = [json.loads(line) for line in text.splitlines()]
    events = [(line["logger"], line["event"]) for line in lines]
    assert events.count((ACCESS_LOGGER, "request")) == 6
    assert {(SECURITY_LOGGER, e) for e in ("login_failed", "permission_refused", "limit_refused")} <= set(events)
    request = next(line for line in lines if line["event"] == "request" and line["path"] == "/web/")
    assert request["status"] == 200 and request["method"] == "GET" and "ms" in request and "token" not in json.dumps(request)
    assert all({"time", "level", "logger", "event"} <= set(line) for line in lines)


@pytest.mark.parametrize("command", ["serve", "schema"])
def test_an_unknown_plugin_in_govhall_plugins_is_a_clear_error(monkeypatch, capsys, tmp_path, command):
    """A misspelt name would switch a plugin off without a word: the start-up stops and names it."""
    monkeypatch.setenv("GOVHALL_PLUGINS", "one_window,hall_flor")
    monkeypatch.setenv("GOVHALL_DATABASE_URL", f"sqlite://{tmp_path / 'unused.sqlite3'}")
    monkeypatch.setattr("core.faces.serving.serve", lambda **kwargs: None)  # never listens, whatever happens
    assert main([command] if command == "serve" else [command, "-o", str(tmp_path / "schema.graphql")]) == 2
    err = capsys.readouterr().err
    assert "GOVHALL_PLUGINS" in err and "hall_flor" in err and "hall_floor" in err and "one_window、" in err, err
