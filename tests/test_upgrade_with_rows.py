"""Every migration, core's and the plugins', applies to a database that has rows: a county that
installed any earlier version and used it upgrades with `govhall db upgrade`. From an empty
database the migrations are applied one at a time, in the order the upgrade applies them, and
after each one every table that exists then gets rows written as that version would have them
(:mod:`tests.table_rows`), the next migration then finding rows in every table it changes. No
migration may lose a row either.

One replay of every migration per database and test run: it takes a few seconds per migration."""

from __future__ import annotations

from typing import Any

import pytest
from tortoise import Tortoise
from tortoise.connection import get_connection
from tortoise.migrations.executor import MigrationExecutor, MigrationTarget
from tortoise.migrations.schema_generator.state import State

from core.plumbing.db import broken_references, migrating_config, tortoise_config, upgrade
from core.plumbing.models import Center, Complaint, ComplaintStep
from core.services.plugins import make_plugin_manager, plugin_model_apps
from tests.helpers import before_migration, create_in_older_schema

from .table_rows import TableRows

pytestmark = pytest.mark.anyio

DERIVED = {"case_day_stat"}  # the statistics summary: migrations rebuild it from the cases


class OneAtATime(MigrationExecutor):
    """Applies a migration per call, keeping the model state the previous call left: Tortoise's own
    executor rebuilds it from the first migration at every call (over a minute for all of them)."""

    def __init__(self, connection: Any, apps_config: dict[str, dict]) -> None:
        super().__init__(connection, apps_config)
        self.state: State | None = None

    async def _project_state(self, applied: set, *, upto: Any = None) -> State:
        if upto is not None:
            return await super()._project_state(applied, upto=upto)
        if self.state is None:
            self.state = await super()._project_state(applied)
        return self.state  # each migration applied moves it on


async def test_every_migration_applies_to_tables_that_have_rows(cli_db):
    config = tortoise_config(cli_db, plugin_model_apps(make_plugin_manager()))
    await Tortoise.init(config=migrating_config(config))  # as `govhall db upgrade` migrates
    try:
        conn = get_connection("default")
        executor, rows = OneAtATime(conn, config["apps"]), TableRows(conn)
        plan = [(step.migration.app_label, step.migration.name) for step in await executor.plan()]
        assert {"core", "hall_floor", "staff", "assessment"} <= {app for app, _ in plan} and len(plan) > 30
        written = 0
        for app, name in plan:
            before, applied = await rows.counts(), []
            try:
                await executor.migrate([MigrationTarget(app_label=app, name=name)],
                                       progress=lambda event, *key: applied.append(key) if event == "apply_done" else None)
            except Exception as exc:  # noqa: BLE001 - which migration failed, and how
                pytest.fail(f"{app}.{name} fails on a database whose tables have rows: {exc!r}")
            assert applied == [(app, name)]
            after = await rows.counts()
            lost = {t: (n, after.get(t)) for t, n in before.items() if t not in DERIVED and after.get(t, n) < n}
            assert not lost, f"{app}.{name} lost rows (table: (before, after)): {lost}"
            assert not await broken_references(conn), f"{app}.{name} left references to no row"
            written += await rows.write()
        assert await executor.plan() == [], "every migration applied"
        counts = await rows.counts()
        assert written > 1000 and counts["gh_case"] == 2 * len(plan) and counts["hall_floor_ticket"] > 0
        # the data migrations found rows to work on: core 0018 and hall_floor 0004
        assert await _count(conn, "gh_case WHERE state = 'refusal_delivered'") > 0
        assert await _count(conn, "hall_floor_ticket WHERE transferred_from = 'ZH01' AND transferred_from_queue = 'A'") > 0
    finally:
        await Tortoise.close_connections()


async def test_an_upgrade_keeps_the_rows_that_refer_to_a_table_it_rebuilds(cli_db):
    """On SQLite core 0014 rebuilds ``complaint`` (a column changed: the table is copied into a new
    one, the old one dropped); the complaints' handling steps refer to it ``ON DELETE CASCADE``."""
    config = tortoise_config(cli_db)
    async with before_migration(config, "0014_removal_date"):
        await get_connection("default").execute_script('ALTER TABLE "complaint" DROP COLUMN "removal_on"')
        center = await Center.create(code="here", name="本中心", short_name="BZ")
        complaint = await create_in_older_schema(Complaint, center=center, text="窗口人员态度差")
        await ComplaintStep.create(complaint=complaint, action="filed", text="电话投诉，已登记")
    assert await upgrade(config) == ["core.0014_removal_date"]
    await Tortoise.init(config=config)
    try:
        assert [(s.complaint_id, s.text) for s in await ComplaintStep.all()] == [(complaint.id, "电话投诉，已登记")]
        assert (await Complaint.get(id=complaint.id)).removal_on is None
    finally:
        await Tortoise.close_connections()


async def _count(conn: Any, rows: str) -> int:
    (row,) = await conn.execute_query_dict(f"SELECT COUNT(*) AS n FROM {rows}")
    return int(row["n"])
