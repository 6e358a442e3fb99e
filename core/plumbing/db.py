"""Opening the database: Tortoise configuration, migrations, and the connection lifetime."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from tortoise import Tortoise
from tortoise.connection import get_connection

from core.plumbing.model_filters import build_filters_on_demand

CORE_APP = {"models": ["core.plumbing.models", "core.plumbing.outbox_models"], "migrations": "core.plumbing.migrations", "default_connection": "default"}


def normalize_url(url: str) -> str:
    """Accept the usual spellings and add SQLite's busy timeout (several writers share one file)."""
    if url.startswith("postgresql://"):
        url = "postgres://" + url[len("postgresql://"):]
    if url.startswith("sqlite://") and ":memory:" not in url:
        path = url[len("sqlite://"):].split("?", 1)[0]
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        if "busy_timeout" not in url:
            url += ("&" if "?" in url else "?") + "busy_timeout=15000"
    return url


async def _keep_session(connection: Any) -> None:
    """What a pooled PostgreSQL connection needs when it goes back to the pool: nothing more than
    asyncpg's own clean-up (an open transaction is rolled back, listeners dropped). asyncpg's
    default also sends ``RESET ALL; CLOSE ALL; UNLISTEN *; pg_advisory_unlock_all()``: one more
    round trip after every statement run outside a transaction, for session state GovHall never
    sets (no ``SET`` outside ``SET LOCAL``, no cursors, no LISTEN or advisory locks on pooled
    connections)."""


def connection_config(url: str) -> str | dict[str, Any]:
    """The ``default`` connection, expanded: on PostgreSQL a pool that skips the per-release reset
    statements, on SQLite :mod:`core.plumbing.sqlite_engine`."""
    url = normalize_url(url)
    if not url.startswith(("postgres", "sqlite")):
        return url
    from tortoise.backends.base.config_generator import expand_db_url

    config = expand_db_url(url)
    if url.startswith("sqlite"):
        config["engine"] = "core.plumbing.sqlite_engine"  # transactions start in one call to SQLite's thread
    else:
        config["credentials"].setdefault("reset", _keep_session)
    return config


def tortoise_config(url: str, plugin_apps: Sequence[tuple[str, str]] = ()) -> dict[str, Any]:
    """The Tortoise config: the core app plus one app label per plugin that declares models."""
    apps: dict[str, Any] = {"core": dict(CORE_APP)}
    for label, module in plugin_apps:
        base = module.rsplit(".", 1)[0]
        apps[label] = {"models": [module], "migrations": f"{base}.migrations", "default_connection": "default"}
    return {
        "connections": {"default": connection_config(url)},
        "apps": apps,
        "use_tz": True,
        "timezone": "UTC",
    }


@asynccontextmanager
async def open_database(config: dict[str, Any]) -> AsyncIterator[None]:
    """Open the connections for the duration of the block (global fallback: uvicorn tasks see it);
    the models' lookup tables are then built as queries need them
    (:func:`~core.plumbing.model_filters.build_filters_on_demand`)."""
    await Tortoise.init(config=config, _enable_global_fallback=True)
    build_filters_on_demand()
    try:
        yield
    finally:
        await Tortoise.close_connections()


async def upgrade(config: dict[str, Any], *, replay: bool = False) -> list[str]:
    """Apply every migration not yet applied; returns the names applied (govhall db upgrade).

    A new, empty database gets the newest schema at once (:func:`create_newest_schema`) unless
    ``replay``: then, as for a database that has tables, every migration runs in turn (on SQLite
    with foreign keys unenforced, then checked: :func:`migrating_config`)."""
    from tortoise.migrations.api import migrate

    from core.plumbing import migration_state

    if not replay and (created := await create_newest_schema(config)) is not None:
        return created
    applied: list[str] = []

    def progress(event: str, app_label: str, name: str) -> None:
        if event == "apply_done":
            applied.append(f"{app_label}.{name}")

    migration_state.install()
    await migrate(config=migrating_config(config), progress=progress)
    await Tortoise.init(config=config)  # foreign keys enforced again (SQLite)
    if applied and (broken := await broken_references(get_connection("default"))):
        raise RuntimeError(f"迁移后存在无效的外键引用 / references broken by the migrations: {broken[:10]}")
    if "core.0022_case_search_table" not in applied:
        await _search_indexes()
    return applied


def migrating_config(config: dict[str, Any]) -> dict[str, Any]:
    """``config`` as the migrations run with it: on SQLite, foreign keys not enforced. SQLite changes
    a table's columns (Tortoise's AlterField, RemoveField) by copying the table into a new one and
    dropping the old; with foreign keys enforced, dropping it deletes the rows of other tables that
    refer to it ``ON DELETE CASCADE``, empties their ``SET NULL`` references and fails on their
    ``RESTRICT`` ones. The references are checked once the migrations are applied
    (:func:`broken_references`)."""
    connections = {}
    for name, info in config["connections"].items():
        if isinstance(info, dict) and "sqlite" in info.get("engine", ""):
            info = {**info, "credentials": {**info.get("credentials", {}), "foreign_keys": "OFF"}}
        connections[name] = info
    return {**config, "connections": connections}


async def broken_references(conn: Any) -> list[dict[str, Any]]:
    """The rows whose foreign key refers to no row, on SQLite (a row of ``PRAGMA foreign_key_check``
    each); none on PostgreSQL, which enforces them throughout its migrations."""
    if conn.capabilities.dialect != "sqlite":
        return []
    return await conn.execute_query_dict("PRAGMA foreign_key_check")


# Operations a new database need not replay: what they make, the models declare (the tables,
# columns, indexes and constraints ``create_schema_directly`` creates). GovHall's own data
# migrations and SQL (triggers, search indexes) are covered by ``create_schema_directly`` too, as
# tests/test_newest_schema.py checks; an outside plugin's ``RunSQL``/``RunPython`` is not.
MODEL_OPERATIONS = frozenset({
    "CreateModel", "DeleteModel", "RenameModel", "AddField", "AlterField", "RemoveField", "RenameField",
    "AddIndex", "RemoveIndex", "RenameIndex", "AddConstraint", "RemoveConstraint", "AlterModelOptions",
    "AlterUniqueTogether", "AlterModelTable",
})
OWN_PACKAGES = ("core.", "plugins.")


async def create_newest_schema(config: dict[str, Any]) -> list[str] | None:
    """On a database with no tables: the newest schema created at once, and every migration recorded
    as applied, in one transaction. Replaying each migration rebuilds Tortoise's model state for
    every operation (about 2.4 s on SQLite and PostgreSQL for GovHall's ~150 operations, with
    :mod:`core.plumbing.migration_state`; 11–19 s without it); this takes well under a second. Returns the migrations recorded, or None (nothing done) when the
    database has tables or an outside plugin's migration runs its own SQL or code."""
    from tortoise.migrations.executor import MigrationExecutor
    from tortoise.migrations.recorder import MigrationRecorder
    from tortoise.transactions import in_transaction
    from tortoise.utils import get_schema_sql

    await Tortoise.init(config=config)
    conn = get_connection("default")
    executor = MigrationExecutor(conn, {label: app for label, app in config["apps"].items() if app.get("migrations")})
    if not await _is_empty(conn, executor.recorder):
        return None
    plan = await executor.plan()
    if not all(_replaceable(step.migration) for step in plan):
        return None
    await executor.recorder.ensure_schema(executor._schema_editor(atomic=False))  # an empty table: harmless if we stop
    tables = get_schema_sql(conn, safe=False)  # the models bound to this client (not to its transaction)
    async with in_transaction("default") as tx:
        await _run_script(tx, tables, conn.capabilities.dialect)
        await _beyond_the_tables(tx)
        recorder = MigrationRecorder(tx)
        for step in plan:
            await recorder.record_applied(step.migration.app_label, step.migration.name)
    return [f"{step.migration.app_label}.{step.migration.name}" for step in plan]


async def _is_empty(conn: Any, recorder: Any) -> bool:
    """No table but the migration recorder's, and it records nothing."""
    if conn.capabilities.dialect == "postgres":
        sql = "SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema()"
    else:
        sql = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    tables = {row["name"] for row in await conn.execute_query_dict(sql)}
    if tables - {recorder.table_name}:
        return False
    return not tables or not await recorder.applied_migrations()


def _replaceable(migration: Any) -> bool:
    if type(migration).__module__.startswith(OWN_PACKAGES):
        return True
    return all(type(op).__name__ in MODEL_OPERATIONS for op in migration.operations)


async def _run_script(tx: Any, script: str, dialect: str) -> None:
    """``script`` in the transaction ``tx``. On SQLite running a script commits first, so its
    statements run one by one, split where SQLite says a statement is complete."""
    if dialect != "sqlite":
        await tx.execute_script(script)
        return
    import sqlite3

    current = ""
    for part in script.split(";"):
        current += part + ";"
        if sqlite3.complete_statement(current):
            if current.strip(" \n;"):
                await tx.execute_query(current.strip())
            current = ""


async def _beyond_the_tables(conn: Any) -> None:
    """What the migrations add beyond the tables: the statistics summary's triggers, the sign-in
    change triggers, the search table with its triggers and trigram indexes."""
    from core.plumbing.auth_changes import install as install_auth_change_triggers
    from core.plumbing.search_index import install_search_indexes
    from core.plumbing.stats_summary import install_triggers

    await install_triggers(conn)
    await install_auth_change_triggers(conn)
    await install_search_indexes(conn)


def _disk_migrations(config: dict[str, Any]) -> set[tuple[str, str]] | None:
    """(app label, name) of every migration file of the configured apps, found the way Tortoise's
    loader finds them but without importing them; None when an app's migrations package is missing
    (the full upgrade then reports it)."""
    import importlib.util
    import pkgutil

    found: set[tuple[str, str]] = set()
    for label, app in config["apps"].items():
        module = app.get("migrations")
        if not module:
            continue
        try:
            spec = importlib.util.find_spec(module)
        except ModuleNotFoundError:
            return None
        if spec is None or not spec.submodule_search_locations:
            return None
        found.update(
            (label, name) for _, name, is_pkg in pkgutil.iter_modules(spec.submodule_search_locations)
            if not is_pkg and name[0] not in "_~"
        )
    return found


async def is_up_to_date(config: dict[str, Any]) -> bool:
    """Whether :func:`upgrade` has nothing to do: every migration file of the configured apps is
    recorded as applied (no more, no fewer) and, on PostgreSQL, the search indexes exist.

    One query on a connection of its own, without loading the migrations or the models: what
    ``govhall serve`` asks at every start, instead of the full upgrade (importing each migration,
    building the graph, initialising Tortoise) that finds nothing to do."""
    from tortoise.backends.base.config_generator import expand_db_url

    disk = _disk_migrations(config)
    if disk is None:
        return False
    info = config["connections"]["default"]
    info = expand_db_url(info) if isinstance(info, str) else info
    client = _client(info, "upgrade_check")
    try:
        await client.create_connection(with_db=True)
        try:
            _, found = await client.execute_query("SELECT app, name FROM tortoise_migrations")
        except Exception:  # noqa: BLE001 - no table yet (a new database): the upgrade makes it
            return False
        applied = {(row["app"], row["name"]) for row in found if row["app"] in config["apps"]}
        if applied != disk:
            return False
        from core.plumbing.search_index import has_search_indexes

        # without them the upgrade tries to create them (or logs why it cannot): let it
        return client.capabilities.dialect != "postgres" or await has_search_indexes(client)
    finally:
        await client.close()


def _client(info: dict[str, Any], name: str) -> Any:
    """A client of the connection ``info`` (an expanded URL), made as Tortoise makes its own."""
    import importlib

    engine = importlib.import_module(info["engine"])
    cls = engine.get_client_class(info) if hasattr(engine, "get_client_class") else engine.client_class
    return cls(connection_name=name, **info["credentials"])


async def _search_indexes() -> None:
    """The search table and its trigram indexes, where an earlier upgrade could not create
    ``pg_trgm`` and it may be created now (nothing to do when they exist, or on SQLite)."""
    from core.plumbing.search_index import has_search_indexes, install_search_indexes

    conn = get_connection("default")
    if conn.capabilities.dialect == "postgres" and not await has_search_indexes(conn):
        await install_search_indexes(conn)


async def create_schema_directly() -> None:
    """Every table created directly, then what the migrations add beyond the tables: the statistics
    summary's triggers, the search table, the sign-in change triggers. The tests and the
    benchmarks use this (a separate test checks the migrations); a deployment runs ``db upgrade``."""
    await Tortoise.generate_schemas(safe=True)
    await _beyond_the_tables(get_connection("default"))


def dialect() -> str:
    return get_connection("default").capabilities.dialect


def is_postgres() -> bool:
    return dialect() == "postgres"


