"""Fixtures: a fresh database and app per test, real HTTP through the ASGI app.

The database comes from ``GOVHALL_TEST_DATABASE``: ``sqlite`` (default: a new file per test) or a
``postgres://`` URL to a server where we may create databases (one database per pytest process,
emptied between tests). Tortoise caches SQL per connection name, so SQLite and PostgreSQL passes
run as two pytest processes (see README).
"""

from __future__ import annotations

import os
import sqlite3
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pluggy
import pytest
from tortoise import Tortoise
from tortoise.connection import get_connection
from tortoise.utils import get_schema_sql

from core.plumbing import migration_state
from core.services.runtime import install_tortoise_extensions


def _import_anyio_now() -> None:
    """anyio imports each part of its API on first use. Under pytest the import goes through the
    assertion rewriter (anyio is a pytest plugin), whose ``ast.parse`` deep inside a request's stack
    (a static file's ``anyio.open_file``) can fail on CPython 3.11.7 with "AST constructor recursion
    depth mismatch"; importing it all here, at the top of the stack, leaves nothing for later."""
    import warnings

    import anyio

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # its deprecated aliases warn when touched
        for name in dir(anyio):
            if not name.startswith("_"):
                getattr(anyio, name)


_import_anyio_now()

install_tortoise_extensions()  # as the CLI does: the models below are defined with the faster comment reader
migration_state.install()  # as ``govhall db upgrade`` does: tests that run Tortoise's migrations directly run them so

from core.faces.app import create_app  # noqa: E402
from core.services.plugins import make_plugin_manager  # noqa: E402
from core.plumbing.settings import Settings  # noqa: E402
from core.plumbing.stats_summary import SQLITE_TRIGGERS  # noqa: E402
from core.plumbing.db import create_schema_directly  # noqa: E402
from tests.cli import execute_on_server, new_postgres_database, run, unique_name  # noqa: E402
from tests.helpers import TEST_PASSWORD_HASHING  # noqa: E402

TEST_DATABASE = os.environ.get("GOVHALL_TEST_DATABASE", "sqlite")
IS_POSTGRES = TEST_DATABASE.startswith(("postgres://", "postgresql://"))


# ``./dev test`` runs the SQLite and PostgreSQL passes side by side and gives both this directory:
# a browser module (which does not depend on the engine) runs in the pass that reaches it first, so
# the passes share the browser stories instead of the SQLite pass running them all.
BROWSER_CLAIMS = os.environ.get("GOVHALL_BROWSER_CLAIMS") or None
_claimed: set[str] = set()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Before a browser test's fixtures (its module's server): skip it when the other pass of
    ``./dev test`` claimed its module first."""
    if not BROWSER_CLAIMS or item.get_closest_marker("browser") is None:
        return
    module = item.nodeid.split("::", 1)[0]
    if module in _claimed:
        return
    try:
        os.mkdir(os.path.join(BROWSER_CLAIMS, module.replace("/", "__")))
    except FileExistsError:
        pytest.skip("the other pass of ./dev test runs this browser module")
    _claimed.add(module)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL: run with GOVHALL_TEST_DATABASE=postgres://...")
    for item in items:
        if "postgres_only" in item.keywords and not IS_POSTGRES:
            item.add_marker(skip_pg)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str | None]:
    """One throw-away PostgreSQL database for this pytest process."""
    if not IS_POSTGRES:
        yield None
        return
    name = f"govhall_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    with new_postgres_database(TEST_DATABASE, name) as url:
        # a throw-away database: a commit need not wait for the disk (a killed client loses nothing still)
        execute_on_server(TEST_DATABASE, f'ALTER DATABASE "{name}" SET synchronous_commit = off')
        yield url


_schema_ready: set[str] = set()


async def _prepare_postgres(url: str) -> None:
    conn = get_connection("default")
    if url not in _schema_ready:
        await create_schema_directly()
        _schema_ready.add(url)
        return
    await conn.execute_script(_EMPTY_POSTGRES)


# Emptying every table between tests: DELETE, not TRUNCATE (which costs a new file per table, far
# more than deleting a test's few rows), with triggers and foreign keys off for the session's
# deletes (replica role), then every sequence back to its start as TRUNCATE ... RESTART IDENTITY
# would: by setval(), not ALTER SEQUENCE ... RESTART, which also gives each sequence a new file and
# makes every connection read the catalogue again (~50 ms a test, and the next statements slower).
_EMPTY_POSTGRES = """
DO $$
DECLARE t text;
BEGIN
  SET LOCAL session_replication_role = replica;
  FOR t IN SELECT quote_ident(tablename) FROM pg_tables WHERE schemaname = current_schema() LOOP
    EXECUTE 'DELETE FROM ' || t;
  END LOOP;
  PERFORM setval(format('%I.%I', schemaname, sequencename), start_value, false)
    FROM pg_sequences WHERE schemaname = current_schema();
END $$;
"""


_sqlite_schemas: dict[tuple[str, ...], str] = {}


async def _prepare_sqlite() -> None:
    """The tables and triggers on the test's new SQLite file, in one script: the DDL Tortoise writes
    is the same for the same models, so it is generated once per set of models, not per test."""
    conn = get_connection("default")
    models = tuple(sorted(f"{label}.{name}" for label, app in Tortoise.apps.items() for name in app))
    if models not in _sqlite_schemas:
        tables = get_schema_sql(conn, safe=True)
        triggers = ";\n".join(SQLITE_TRIGGERS)
        _sqlite_schemas[models] = f"BEGIN;\n{tables}\n{triggers};\nCOMMIT;"
    await conn.execute_script(_sqlite_schemas[models])


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
            await _prepare_sqlite()
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


# ---------------------------------------------------------------- databases for the command line


@pytest.fixture
def cli_db(tmp_path, postgres_database):
    """A new, empty database of the test's own, dropped afterwards: for the CLI to create itself with
    `govhall db upgrade` (the migrations, not generate_schemas), or for a test of the migrations."""
    if IS_POSTGRES:
        with new_postgres_database(postgres_database, unique_name("cli")) as url:
            yield url
    else:
        yield f"sqlite://{tmp_path / 'cli.sqlite3'}"


@pytest.fixture(scope="session")
def upgraded_template(tmp_path_factory, postgres_database):
    """A database brought up to date by `govhall db upgrade` once per pytest process (its name on
    PostgreSQL, its path on SQLite): migrating from nothing takes seconds, and most command-line
    tests start from an up-to-date database."""
    if IS_POSTGRES:
        name = f"cli_template_{os.getpid()}"
        with new_postgres_database(postgres_database, name) as url:
            upgraded = run(["db", "upgrade"], url)
            assert upgraded.returncode == 0, upgraded.stderr
            yield name
    else:
        path = tmp_path_factory.mktemp("cli-template") / "cli.sqlite3"
        upgraded = run(["db", "upgrade"], f"sqlite://{path}")
        assert upgraded.returncode == 0, upgraded.stderr
        yield path


@pytest.fixture
def upgraded_db(tmp_path, postgres_database, upgraded_template):
    """As ``cli_db``, already brought up to date by `govhall db upgrade` (a copy of one template)."""
    if IS_POSTGRES:
        with new_postgres_database(postgres_database, unique_name("cli"), template=upgraded_template) as url:
            yield url
    else:
        path = tmp_path / "cli.sqlite3"
        with sqlite3.connect(upgraded_template) as source, sqlite3.connect(path) as target:
            source.backup(target)
        yield f"sqlite://{path}"
