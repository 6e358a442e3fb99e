"""The migrations match the models: a model change without its migration fails here."""

from __future__ import annotations

import pytest
from tortoise.context import TortoiseContext
from tortoise.migrations.autodetector import MigrationAutodetector

from core.services.plugins import make_plugin_manager, plugin_model_apps
from core.plumbing.db import tortoise_config

pytestmark = pytest.mark.anyio


async def test_no_model_change_lacks_a_migration(tmp_path):
    config = tortoise_config(f"sqlite://{tmp_path / 'm.sqlite3'}", plugin_model_apps(make_plugin_manager()))
    async with TortoiseContext() as ctx:
        await ctx.init(config=config)
        writers = await MigrationAutodetector(ctx.apps, config["apps"]).changes()
    pending = [f"{w.app_label}: {[type(op).__name__ for op in w.operations]}" for w in writers]
    assert not pending, f"run `tortoise -c core.services.runtime.TORTOISE_ORM makemigrations`: {pending}"


async def test_no_table_or_column_comment_holds_a_semicolon(tmp_path):
    """Model docstrings and field descriptions become SQL comments in the migrations, and the SQLite
    migration runner splits its script on ``;``: one inside a comment breaks ``govhall db upgrade``."""
    config = tortoise_config(f"sqlite://{tmp_path / 'c.sqlite3'}", plugin_model_apps(make_plugin_manager()))
    found, seen = [], set()
    async with TortoiseContext() as ctx:
        await ctx.init(config=config)
        for app_label, models in ctx.apps.items():
            for name, model in models.items():
                seen.add(f"{app_label}.{name}")
                if ";" in (model._meta.table_description or ""):
                    found.append(f"{app_label}.{name}")
                for field_name, field in model._meta.fields_map.items():
                    if ";" in (field.description or ""):
                        found.append(f"{app_label}.{name}.{field_name}")
    assert {"core.Case", "staff.StaffRecord"} <= seen
    assert not found, f"a ';' in these comments breaks the SQLite migrations: {found}"
