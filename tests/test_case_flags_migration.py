"""Migration core 0006 keeps the green channel mark: ``gh_case.green_channel`` becomes
``flags["green_channel"]``, and other flags survive."""

from __future__ import annotations

import json

import pytest
from tortoise import Tortoise
from tortoise.connection import get_connection
from tortoise.migrations.api import migrate

from core.plumbing.db import tortoise_config
from core.plumbing.models import Center, Item, ItemVersion, User

pytestmark = pytest.mark.anyio

CASE_SQL = (
    "INSERT INTO gh_case (id, center_id, number, item_version_id, process, applicant_id, applicant_name, data, "
    "state, kind, urgent, green_channel, flags, channel, version, submitted_at, deadline_provisional, "
    "promised_days, alert, updated_at) VALUES "
    "({p1}, 1, {p2}, 1, 'standard', 1, '', '{{}}', 'submitted', 'promised', {false}, {green}, {p3}, 'web', 1, "
    "CURRENT_TIMESTAMP, {false}, 0, 'NONE', CURRENT_TIMESTAMP)"
)


async def _flags() -> dict[int, dict]:
    rows = await get_connection("default").execute_query_dict("SELECT id, flags FROM gh_case ORDER BY id")
    return {r["id"]: json.loads(r["flags"]) if isinstance(r["flags"], str) else r["flags"] for r in rows}


async def test_green_channel_column_becomes_a_case_flag(cli_db):
    config = tortoise_config(cli_db)
    await migrate(config=config, target="core.0003_case_indexes")
    await Tortoise.init(config=config)
    try:
        conn = get_connection("default")
        postgres = conn.capabilities.dialect == "postgres"
        center = await Center.create(code="flags", name="标记测试中心", short_name="标记")
        user = await User.create(username="flags", password_hash="-")
        item = await Item.create(center=center, code="flags")
        version = await ItemVersion.create(item=item, center=center, code="flags", version=1, name="事项", definition={})
        assert (center.id, user.id, version.id) == (1, 1, 1)  # the ids the rows below refer to
        marks = {"p1": "$1", "p2": "$2", "p3": "$3"} if postgres else {"p1": "?", "p2": "?", "p3": "?"}
        boolean = {False: "FALSE", True: "TRUE"} if postgres else {False: "0", True: "1"}
        for case_id, green, flags in ((1, True, {"other": 1}), (2, False, {}), (3, True, {})):
            sql = CASE_SQL.format(**marks, false=boolean[False], green=boolean[green])
            await conn.execute_query(sql, [case_id, f"N{case_id}", json.dumps(flags)])
    finally:
        await Tortoise.close_connections()

    await migrate(config=config, target="core.0006_case_flags")
    await Tortoise.init(config=config)
    try:
        assert await _flags() == {1: {"other": 1, "green_channel": True}, 2: {}, 3: {"green_channel": True}}
        columns = await get_connection("default").execute_query_dict("SELECT * FROM gh_case WHERE id = 2")
        assert "green_channel" not in columns[0]
    finally:
        await Tortoise.close_connections()

