"""Fixtures: a fresh database and app per test, real HTTP through the ASGI app.

The database comes from ``GOVHALL_TEST_DATABASE``: ``sqlite`` (default: a new file per test) or a
``postgres://`` URL to a server where we may create databases (one database per pytest process,
emptied between tests). Tortoise caches SQL per connection name, so SQLite and PostgreSQL passes
run as two pytest processes (see README).
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pluggy
import pytest
from tortoise import Tortoise
from tortoise.connection import get_connection

from core.faces.app import create_app
from core.services.plugins import make_plugin_manager
from core.plumbing.settings import Settings
from core.plumbing.search_index import install_search_indexes
from core.plumbing.stats_summary import install_triggers
from tests.helpers import TEST_PASSWORD_HASHING

TEST_DATABASE = os.environ.get("GOVHALL_TEST_DATABASE", "sqlite")
IS_POSTGRES = TEST_DATABASE.startswith(("postgres://", "postgresql://"))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL: run with GOVHALL_TEST_DATABASE=postgres://...")
    for item in items:
        if "postgres_only" in item.keywords and not IS_POSTGRES:
            item.add_marker(skip_pg)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def _admin_url(url: str) -> tuple[str, str]:
    base, _, name = url.rpartition("/")
    return base, name


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str | None]:
    """One throw-away PostgreSQL database for this pytest process."""
    if not IS_POSTGRES:
        yield None
        return
    import asyncpg

    base, _ = _admin_url(TEST_DATABASE)
    name = f"govhall_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = TEST_DATABASE.replace("postgres://", "postgresql://", 1)

    async def run(sql: str) -> None:
        conn = await asyncpg.connect(admin)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(run(f'CREATE DATABASE "{name}"'))
    yield f"{base}/{name}"
    asyncio.run(run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


_schema_ready: set[str] = set()


async def _prepare_postgres(url: str) -> None:
    conn = get_connection("default")
    if url not in _schema_ready:
        await Tortoise.generate_schemas(safe=True)
        await install_triggers()  # what the migrations add beyond the tables
        await install_search_indexes()
        _schema_ready.add(url)
        return
    rows = await conn.execute_query_dict(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
    )
    tables = ", ".join(f'"{r["tablename"]}"' for r in rows)
    if tables:
        await conn.execute_script(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")


@pytest.fixture
def database_url(tmp_path: Any, postgres_database: str | None) -> str:
    return postgres_database or f"sqlite://{tmp_path / 'govhall.sqlite3'}"


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, token_hours=1, sweep_seconds=0, render_seconds=0, outbox_seconds=0,
                    password_hashing=TEST_PASSWORD_HASHING)


@pytest.fixture
def plugin_manager(settings: Settings) -> pluggy.PluginManager:
    """A fresh plugin manager per test; tests may register example plugins on it."""
    return make_plugin_manager(settings)


@pytest.fixture
async def app(settings: Settings, plugin_manager: pluggy.PluginManager) -> AsyncIterator[Any]:
    application = create_app(settings, plugin_manager)
    async with application.router.lifespan_context(application):
        if IS_POSTGRES:
            await _prepare_postgres(settings.database_url)
        else:
            await Tortoise.generate_schemas(safe=True)
            await install_triggers()
        yield application


@pytest.fixture
def govhall(app: Any) -> Any:
    return app.state.govhall


@pytest.fixture
async def client(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


class GraphQLClient:
    """Posts GraphQL over real HTTP through the ASGI app."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http
        self.token: str | None = None

    async def raw(self, query: str, variables: dict[str, Any] | None = None, token: str | None = None) -> dict[str, Any]:
        headers = {}
        if token or self.token:
            headers["Authorization"] = f"Bearer {token or self.token}"
        response = await self.http.post("/graphql", json={"query": query, "variables": variables or {}}, headers=headers)
        assert response.status_code in (200, 400), response.text
        return response.json()

    async def __call__(self, query: str, variables: dict[str, Any] | None = None, token: str | None = None) -> dict[str, Any]:
        """Run and return ``data``; fail the test on any GraphQL error."""
        body = await self.raw(query, variables, token)
        assert not body.get("errors"), body["errors"]
        return body["data"]

    async def login(self, username: str, password: str = "demo1234") -> str:
        data = await self(
            "mutation($u: String!, $p: String!) { login(username: $u, password: $p) {"
            " __typename ... on LoginSuccess { token } ... on UserErrors { errors { code message } } } }",
            {"u": username, "p": password},
        )
        assert data["login"]["__typename"] == "LoginSuccess", data
        return data["login"]["token"]


@pytest.fixture
def gql(client: httpx.AsyncClient) -> GraphQLClient:
    return GraphQLClient(client)
