"""Migration core 0020: departments get their own remedy authorities (``reconsideration``,
``court``). The departments an earlier version left have none: their refusals and returns keep
naming the center's ``settings.remedy``, as before the upgrade."""

from __future__ import annotations

import pytest
from tortoise import Tortoise
from tortoise.connection import get_connection

from core.plumbing.db import tortoise_config, upgrade
from core.plumbing.models import Center, Department
from core.plumbing.sql import for_dialect
from core.services.remedy import remedy_for
from tests.helpers import before_migration

pytestmark = pytest.mark.anyio

MIGRATION = "0020_department_remedy"
REMEDY = {"reconsideration": "本县人民政府", "court": "本县人民法院"}


async def test_departments_from_before_the_upgrade_keep_the_centers_remedy(cli_db):
    config = tortoise_config(cli_db)
    async with before_migration(config, MIGRATION):
        connection = get_connection("default")
        for column in ("reconsideration", "court"):  # the table as the earlier version made it
            await connection.execute_script(f'ALTER TABLE "department" DROP COLUMN "{column}"')
        center = await Center.create(code="here", name="本中心", short_name="BZ", settings={"remedy": REMEDY})
        await connection.execute_query(for_dialect(
            'INSERT INTO "department" ("center_id", "code", "name", "category", "back_office", "abbreviation", "seal_name") '
            "VALUES (?, ?, ?, '', '', '', '')"), [center.id, "swj", "税务局"])
    assert await upgrade(config) == [f"core.{MIGRATION}"]
    await Tortoise.init(config=config)
    try:
        department = await Department.get(code="swj")
        assert (department.reconsideration, department.court) == ("", "")
        assert remedy_for(await Center.get(code="here"), department, "refusal_decision") == REMEDY
        department.reconsideration = "国家税务总局本市税务局"
        await department.save()
        assert (await Department.get(code="swj")).reconsideration == "国家税务总局本市税务局"
    finally:
        await Tortoise.close_connections()
