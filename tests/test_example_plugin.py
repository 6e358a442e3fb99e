"""The example outside plugin (examples/queue_plugin), installed with pip into a folder of its own
and found through its ``govhall`` entry point: its hook, its model and its GraphQL fields work, its
migration matches its model, and it imports nothing of the core but core.api."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest
from tortoise import Tortoise
from tortoise.context import TortoiseContext
from tortoise.migrations.autodetector import MigrationAutodetector

from core.services.centers import set_plugin_enabled
from core.plumbing.db import tortoise_config, upgrade
from core.services.plugins import make_plugin_manager, plugin_model_apps
from tests.hall import CaseDriver, build_hall
from tests.helpers import parse_python

pytestmark = pytest.mark.anyio

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "queue_plugin"

TICKETS = 'query { queueTickets(center: "hall") { number caseNumber } }'
TAKE = "mutation($c: String!) { takeQueueTicket(center: $c) { number day caseNumber } }"


@pytest.fixture(scope="module")
def queue_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``pip install`` of the example into its own folder (a site the test puts on sys.path)."""
    target = tmp_path_factory.mktemp("queue_site")
    done = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
         "--target", str(target), str(EXAMPLE)],
        capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert list(target.glob("govhall_queue-*.dist-info/entry_points.txt"))
    return target


@pytest.fixture
def plugin_manager(settings, queue_site, monkeypatch):
    monkeypatch.syspath_prepend(str(queue_site))
    pm = make_plugin_manager(settings)
    assert pm.has_plugin("queue"), "the entry point was not loaded"
    return pm


async def test_installed_example_plugin_adds_a_hook_a_model_and_graphql_fields(app, govhall, gql):
    await Tortoise.generate_schemas(safe=True)  # the plugin's table, also on a reused PostgreSQL database
    assert "queue" in govhall.hub.installed
    hall = await build_hall(govhall, gql, plugins=["queue"])
    drive = CaseDriver(gql, hall)

    case = await drive.submit("app1")  # case_changed: a submitted case takes a ticket
    taken = (await drive.query("app2", TAKE, c="hall"))["takeQueueTicket"]
    assert taken["number"] == "A002" and taken["caseNumber"] is None
    tickets = (await drive.query("clerk1", TICKETS))["queueTickets"]
    assert tickets == [{"number": "A001", "caseNumber": case["number"]}, {"number": "A002", "caseNumber": None}]

    refused = await drive.refused("app1", TICKETS)  # staff only
    assert "需要以下角色之一" in refused["message"]
    await set_plugin_enabled(hall.other, "queue", False, govhall.hub.installed)
    refused = await drive.refused("clerk-other", TAKE, c="other")
    assert "未启用“取号”功能" in refused["message"]  # named by the title the plugin declares


async def test_example_plugin_migration_matches_its_model(queue_site, monkeypatch, tmp_path):
    url = f"sqlite://{tmp_path / 'queue.sqlite3'}"
    await upgrade(tortoise_config(url, plugin_model_apps(make_plugin_manager())))  # GovHall before the plugin came
    await Tortoise.close_connections()
    monkeypatch.syspath_prepend(str(queue_site))
    apps = plugin_model_apps(make_plugin_manager())
    assert ("queue", "govhall_queue.models") in apps
    config = tortoise_config(url, apps)
    # the plugin's migration itself runs, not only its model (replaying the core's and the built-in
    # plugins' migrations as well is tests/test_newest_schema.py's and tests/test_upgrade_with_rows.py's)
    applied = await upgrade(config)
    assert applied == ["queue.0001_initial"]
    await Tortoise.close_connections()
    async with TortoiseContext() as ctx:
        await ctx.init(config=config)
        writers = await MigrationAutodetector(ctx.apps, config["apps"]).changes()
    assert not [(w.app_label, w.operations) for w in writers if w.app_label == "queue"]


def test_example_plugin_imports_only_the_plugin_api():
    for path in (EXAMPLE / "govhall_queue").rglob("*.py"):
        for node in ast.walk(parse_python(path)):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            names += [a.name for a in node.names] if isinstance(node, ast.Import) else []
            assert not [n for n in names if n.split(".")[0] == "core" and n != "core.api"], path
