"""Schemathesis against the GraphQL endpoint, as an applicant and as an administrator.

Every query and mutation of the exported schema gets up to ``--examples`` generated requests per
role, sent through the real ASGI app (httpx over ASGI in an event loop of this thread, lifespan
included) on a fresh demo database. The run fails on any 5xx response, any answer that is not JSON, and any error with
``extensions.code = "INTERNAL"``. Permission refusals (``FORBIDDEN``), unknown ids (``NOT_FOUND``)
and bad input are the API's normal answers to random requests and are only counted.

    PYTHONPATH=$PWD python -m tests.fuzz.graphql_fuzz --examples 50          # SQLite in a temp dir
    GOVHALL_DATABASE_URL=postgres://... python -m tests.fuzz.graphql_fuzz     # an EMPTY database

``logout`` is left out: it would revoke the token the run uses.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from graphql import build_schema, introspection_from_schema

ROOT = Path(__file__).resolve().parents[2]
SKIPPED = {"Mutation.logout"}
ROLES = {"applicant": "zhangsan", "admin": "admin"}
DEMO_PASSWORD = "demo1234"
LOGIN = "mutation($u: String!, $p: String!) { login(username: $u, password: $p) { ... on LoginSuccess { token } } }"


@dataclass
class Finding:
    role: str
    operation: str
    problem: str
    query: str
    response: str


@dataclass
class Report:
    requests: int = 0
    codes: Counter[str] = field(default_factory=Counter)
    findings: dict[tuple[str, str, str], Finding] = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        return bool(self.findings)

    def lines(self) -> list[str]:
        out = [f"{self.requests} requests; error codes seen: {dict(self.codes) or 'none'}"]
        for f in self.findings.values():
            out.append(f"[{f.role}] {f.operation}: {f.problem}\n  query: {f.query}\n  answer: {f.response[:500]}")
        out.append("FAILED" if self.failed else "OK: 0 server errors, 0 INTERNAL")
        return out


def json_values() -> Any:
    """GraphQL literals for the ``JSON`` scalar: nested objects, lists, strings, numbers, null."""
    import graphql
    from hypothesis import strategies as st
    from hypothesis_graphql import nodes

    def as_object(values: dict[str, Any]) -> Any:
        return nodes.Object([graphql.ObjectFieldNode(name=graphql.NameNode(value=k), value=v) for k, v in values.items()])

    leaves = st.one_of(
        st.text(max_size=30).map(nodes.String), st.integers(-(10**12), 10**12).map(nodes.Int),
        st.floats(allow_nan=False, allow_infinity=False).map(nodes.Float), st.booleans().map(nodes.Boolean),
        st.just(graphql.NullValueNode()),
    )
    keys = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,12}", fullmatch=True)
    return st.recursive(
        leaves,
        lambda inner: st.one_of(st.lists(inner, max_size=4).map(nodes.List),
                                st.dictionaries(keys, inner, max_size=5).map(as_object)),
        max_leaves=12,
    )


def operations() -> list[Any]:
    """The schemathesis operations of the exported schema (schema.graphql, kept current by a test)."""
    import schemathesis

    schemathesis.graphql.scalar("JSON", json_values())

    schema = schemathesis.graphql.from_dict(introspection_from_schema(build_schema((ROOT / "schema.graphql").read_text("utf-8"))))
    found = [result.ok() for result in schema.get_all_operations()]
    return [op for op in found if op.label not in SKIPPED]


def judge(report: Report, role: str, label: str, query: str, status: int, text: str) -> None:
    """Count the answer; keep the first reproduction of each problem per operation and role."""
    report.requests += 1
    problem = None
    try:
        body = json.loads(text)
    except ValueError:
        body, problem = None, f"HTTP {status}, not JSON"
    if status >= 500:
        problem = f"HTTP {status}"
    errors = body.get("errors") if isinstance(body, dict) else None
    for error in errors or []:
        code = (error.get("extensions") or {}).get("code", "GRAPHQL") if isinstance(error, dict) else "?"
        report.codes[code] += 1
        if code == "INTERNAL":
            problem = f"INTERNAL at {error.get('path')}"
    if problem:
        report.findings.setdefault((role, label, problem.split(" at ")[0]), Finding(role, label, problem, query, text))


def fuzz(send: Callable[[str, str], tuple[int, str]], tokens: dict[str, str], examples: int, report: Report,
         only: set[str] | None = None) -> Report:
    """Up to ``examples`` generated requests per operation and role, sent with ``send(query, token)``.

    Hypothesis draws an operation's requests once, as the first role sends them; every other role then
    sends the same requests in the same order. Derandomized, Hypothesis would draw exactly these again
    for each role (its seed comes from the source of ``run``, the same for every role), at the cost of
    most of the run: drawing a request costs more than answering it. (An edit of ``run``'s lines,
    decorators included, changes the seed, hence every request drawn.)"""
    from hypothesis import HealthCheck, Phase, given
    from hypothesis import settings as hypothesis_settings

    for op in operations():
        if only and op.label not in only:
            continue
        drawn: list[str] = []

        def post(query: str, token: str) -> tuple[int, str]:
            drawn.append(query)
            return send(query, token)

        for role, token in tokens.items():
            if drawn:
                for query in drawn:
                    judge(report, role, op.label, query, *send(query, token))
                continue

            @given(case=op.as_strategy())
            @hypothesis_settings(max_examples=examples, deadline=None, database=None, derandomize=True,
                                 phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
            def run(case: Any) -> None:
                status, text = post(case.body, token)
                judge(report, role, op.label, case.body, status, text)

            run()
    return report


class LoopClient:
    """httpx over the ASGI app, in an event loop of this thread that runs while a call waits.
    (Starlette's TestClient runs the app in a thread of its own and hands every request across to
    it and back several times: for thousands of small requests, most of the time.) The lifespan's
    database connections are global (``open_database``), so every request's task finds them."""

    def __init__(self, app: Any) -> None:
        self.loop = asyncio.new_event_loop()
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)  # a server error is a 500
        self.http = httpx.AsyncClient(transport=transport, base_url="http://testserver", timeout=None)

    def call(self, function: Callable[..., Any], *args: Any) -> Any:
        """``await function(*args)`` in the client's loop."""
        return self.loop.run_until_complete(function(*args))

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.call(lambda: self.http.post(url, **kwargs))

    def close(self) -> None:
        self.call(self.http.aclose)
        self.loop.run_until_complete(self.loop.shutdown_asyncgens())
        self.loop.close()


@contextmanager
def demo_client(settings: Any, prepare: Callable[[], Any] | None = None) -> Iterator[tuple[LoopClient, dict[str, str]]]:
    """The app on ``settings`` with the demo data (its lifespan running), and a token per role."""
    from core.faces.app import create_app
    from core.services.demo import build_demo

    app = create_app(settings)
    client = LoopClient(app)
    lifespan = app.router.lifespan_context(app)
    client.call(lifespan.__aenter__)
    try:
        if prepare is not None:
            client.call(prepare)
        client.call(build_demo, app.state.govhall)
        tokens = {}
        for role, username in ROLES.items():
            answer = client.post("/graphql", json={"query": LOGIN, "variables": {"u": username, "p": DEMO_PASSWORD}})
            tokens[role] = answer.json()["data"]["login"]["token"]
        yield client, tokens
    finally:
        try:
            client.call(lifespan.__aexit__, None, None, None)
        finally:
            client.close()


def poster(client: LoopClient) -> Callable[[str, str], tuple[int, str]]:
    def post(query: str, token: str) -> tuple[int, str]:
        response = client.post("/graphql", json={"query": query}, headers={"Authorization": f"Bearer {token}"})
        return response.status_code, response.text

    return post


def main(argv: list[str] | None = None) -> int:
    import logging
    import os

    from core.plumbing.settings import Settings

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=50, help="generated requests per operation and role")
    parser.add_argument("--operation", action="append", help="only this operation (e.g. Query.dueDate); repeatable")
    args = parser.parse_args(argv)
    logging.getLogger("govhall").setLevel(logging.CRITICAL)  # the findings are reported below
    url = os.environ.get("GOVHALL_DATABASE_URL") or f"sqlite://{tempfile.mkdtemp()}/fuzz.sqlite3"

    async def create_tables() -> None:
        from tortoise import Tortoise

        await Tortoise.generate_schemas(safe=True)

    settings = Settings(database_url=url, sweep_seconds=0)
    report = Report()
    with demo_client(settings, create_tables) as (client, tokens):
        fuzz(poster(client), tokens, args.examples, report, set(args.operation or []) or None)
    print("\n".join(report.lines()))
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
