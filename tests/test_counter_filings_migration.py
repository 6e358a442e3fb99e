"""Migration core 0017: a case a clerk filed at the window for the applicant before this version
named the clerk as its agent (代办人); it now names them as its 首问负责 (responsible) and has no
agent. A real agent's case, and one filed by someone who is both clerk and agent, stay as they were."""

from __future__ import annotations

import pytest
from tortoise import Tortoise
from tortoise.connection import get_connection

from core.plumbing.db import tortoise_config, upgrade
from core.plumbing.models import Case, Center, Item, ItemVersion, RoleAssignment, User
from tests.helpers import before_migration

pytestmark = pytest.mark.anyio

MIGRATION = "0017_counter_filings"


async def _cases_as_before(config: dict) -> dict[str, int]:
    """The newest tables, with 0017 not yet applied and cases as the earlier version filed them."""
    async with before_migration(config, MIGRATION):
        here = await Center.create(code="here", name="本中心", short_name="本")
        there = await Center.create(code="there", name="他中心", short_name="他")
        item = await Item.create(center=here, code="permit")
        version = await ItemVersion.create(item=item, center=here, code="permit", version=1, name="许可", definition={})
        users = {name: await User.create(username=name, password_hash="-")
                 for name in ("applicant", "clerk", "head", "agent", "both", "elsewhere", "accepter")}
        for name, center, role in (("clerk", here, "clerk"), ("head", here, "head"), ("agent", here, "agent"),
                                   ("both", here, "clerk"), ("both", here, "agent"), ("elsewhere", there, "clerk"),
                                   ("accepter", here, "clerk")):
            await RoleAssignment.create(user=users[name], center=center, role=role)
        filed = {"by_clerk": ("clerk", None), "by_head": ("head", None), "by_agent": ("agent", None),
                 "by_both": ("both", None), "by_other_centers_clerk": ("elsewhere", None),
                 "accepted_since": ("clerk", "accepter"), "by_applicant": (None, None)}
        ids = {}
        for number, (agent, responsible) in filed.items():
            case = await Case.create(
                center=here, number=number, item_version=version, process="standard", applicant=users["applicant"],
                agent=users[agent] if agent else None, responsible=users[responsible] if responsible else None,
                state="submitted", kind="promised", channel="window",
            )
            ids[number] = case.id
        return ids | {f"user:{name}": user.id for name, user in users.items()}


async def test_a_clerks_counter_filing_names_them_responsible_not_agent(cli_db):
    config = tortoise_config(cli_db)
    ids = await _cases_as_before(config)
    assert await upgrade(config) == [f"core.{MIGRATION}"]
    await Tortoise.init(config=config)
    try:
        rows = {r["number"]: (r["agent_id"], r["responsible_id"])
                for r in await get_connection("default").execute_query_dict(
                    "SELECT number, agent_id, responsible_id FROM gh_case")}
    finally:
        await Tortoise.close_connections()
    user = {name.removeprefix("user:"): value for name, value in ids.items() if name.startswith("user:")}
    assert rows == {
        "by_clerk": (None, user["clerk"]),
        "by_head": (None, user["head"]),
        "accepted_since": (None, user["accepter"]),  # the one already responsible stays so
        "by_agent": (user["agent"], None),
        "by_both": (user["both"], None),  # clerk and agent: nothing tells which it was
        "by_other_centers_clerk": (user["elsewhere"], None),  # no clerk here: an agent's case
        "by_applicant": (None, None),
    }
