"""Migration core 0018: a refusal now waits at the unified pickup window until its decision is handed
out; the cases refused before this version (their decisions served outside the system) are moved to
``refusal_delivered`` so that they do not all appear in the pickup window's queue."""

from __future__ import annotations

import pytest
from tortoise import Tortoise
from tortoise.connection import get_connection

from core.plumbing.db import tortoise_config, upgrade
from core.plumbing.models import Case, Center, Item, ItemVersion, User
from tests.helpers import before_migration

pytestmark = pytest.mark.anyio

MIGRATION = "0018_refusals_delivered"


async def test_cases_refused_before_the_upgrade_leave_the_pickup_queue(cli_db):
    config = tortoise_config(cli_db)
    async with before_migration(config, MIGRATION):
        center = await Center.create(code="here", name="本中心", short_name="本")
        item = await Item.create(center=center, code="permit")
        version = await ItemVersion.create(item=item, center=center, code="permit", version=1, name="许可", definition={})
        applicant = await User.create(username="applicant", password_hash="-")
        for number, state, process in (("refused", "refused", "standard"), ("approved", "approved", "standard"),
                                       ("delivered", "delivered", "standard"), ("own", "refused", "own_process")):
            await Case.create(center=center, number=number, item_version=version, process=process, applicant=applicant,
                              state=state, kind="promised", channel="online")
    assert await upgrade(config) == [f"core.{MIGRATION}"]
    await Tortoise.init(config=config)
    try:
        states = {r["number"]: r["state"] for r in await get_connection("default").execute_query_dict("SELECT number, state FROM gh_case")}
    finally:
        await Tortoise.close_connections()
    # a plugin's own process keeps its states: only the standard process changed
    assert states == {"refused": "refusal_delivered", "approved": "approved", "delivered": "delivered", "own": "refused"}
