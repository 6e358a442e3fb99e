"""Migration core 0009: the work queues' indexes exist after ``govhall db upgrade``, and the
statistics summary is backfilled from the cases already there, then kept by its triggers."""

from __future__ import annotations

from datetime import date

import pytest
from tortoise import Tortoise
from tortoise.connection import get_connection
from tortoise.migrations.api import migrate

from core.services import stats
from core.plumbing.db import tortoise_config
from core.plumbing.models import Case, Center, Department, Item, ItemVersion, User
from tests.helpers import create_in_older_schema


pytestmark = pytest.mark.anyio

# Each list filter of the work queues, and the column lists its index must have.
LIST_INDEXES = {
    ("center_id", "urgent", "id"), ("center_id", "state", "urgent", "id"), ("center_id", "alert", "urgent", "id"),
    ("department_id", "urgent", "id"), ("responsible_id", "urgent", "id"),
}
YEAR = (date(2026, 1, 1), date(2026, 12, 31))


async def index_columns(table: str) -> set[tuple[str, ...]]:
    conn = get_connection("default")
    if conn.capabilities.dialect == "postgres":
        rows = await conn.execute_query_dict(
            "SELECT i.relname AS name, a.attname AS col, k.n AS n FROM pg_index x "
            "JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid "
            "CROSS JOIN LATERAL unnest(x.indkey) WITH ORDINALITY AS k(attnum, n) "
            "JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum WHERE t.relname = $1", [table])
    else:
        rows = []
        for index in await conn.execute_query_dict(f"PRAGMA index_list('{table}')"):
            for col in await conn.execute_query_dict(f"PRAGMA index_info('{index['name']}')"):
                rows.append({"name": index["name"], "col": col["name"], "n": col["seqno"]})
    found: dict[str, list[tuple[int, str]]] = {}
    for r in rows:
        found.setdefault(r["name"], []).append((int(r["n"]), r["col"]))
    return {tuple(c for _, c in sorted(cols)) for cols in found.values()}


async def test_upgrade_adds_the_list_indexes_and_backfills_the_summary(cli_db):
    config = tortoise_config(cli_db)
    await migrate(config=config, target="core.0007_decisions")
    await Tortoise.init(config=config)
    try:
        center = await Center.create(code="idx", name="索引测试中心", short_name="IX")
        department = await create_in_older_schema(Department, center=center, code="scjg", name="市场监管局")
        user = await User.create(username="idx", password_hash="-")
        item = await Item.create(center=center, code="idx")
        version = await ItemVersion.create(item=item, center=center, code="idx", version=1, name="事项", definition={})
        common = dict(center=center, item_version=version, process="standard", applicant=user, kind="promised")
        await create_in_older_schema(Case, number="IX-1", state="done", accepted_on=date(2026, 3, 2), completed_on=date(2026, 3, 6),
                          promised_days=5, actual_days=4, promised_due=date(2026, 3, 9), department=department, **common)
        await create_in_older_schema(Case, number="IX-2", state="done", accepted_on=date(2026, 3, 2), completed_on=date(2026, 3, 20),
                          promised_days=3, actual_days=12, promised_due=date(2026, 3, 5), **common)
        await create_in_older_schema(Case, number="IX-3", state="under_review", accepted_on=date(2026, 4, 1), **common)
        await create_in_older_schema(Case, number="IX-4", state="submitted", **common)
    finally:
        await Tortoise.close_connections()

    await migrate(config=config)
    await Tortoise.init(config=config)
    try:
        assert LIST_INDEXES <= await index_columns("gh_case")
        assert ("center_id", "day") in await index_columns("case_day_stat")
        center = await Center.get(code="idx")
        backfilled = await stats.statistics(center, start=YEAR[0], end=YEAR[1])
        assert backfilled["accepted"] == 3 and backfilled["completed"] == 2 and backfilled["onTimePercent"] == 50.0
        assert backfilled == await stats.raw_statistics(center, start=YEAR[0], end=YEAR[1])
        # the triggers the migration installed keep it from now on
        await Case.filter(number="IX-3").update(state="done", completed_on=date(2026, 4, 3), actual_days=2, promised_days=5)
        kept = await stats.statistics(center, start=YEAR[0], end=YEAR[1])
        assert kept["completed"] == 3 and kept == await stats.raw_statistics(center, start=YEAR[0], end=YEAR[1])
        for department in ("scjg", "nope"):
            assert await stats.statistics(center, start=YEAR[0], end=YEAR[1], department=department) == \
                await stats.raw_statistics(center, start=YEAR[0], end=YEAR[1], department=department)
    finally:
        await Tortoise.close_connections()
