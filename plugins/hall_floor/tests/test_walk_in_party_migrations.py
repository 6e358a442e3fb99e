"""Migrations hall_floor 0005, 0006 (with core 0024) and 0007 (with core 0028), applied by one upgrade to walk-in parties as
an earlier version registered them at the window:

* 0005: accounts named after their ID number or USCC (``party-<center>-<number>``) are renamed
  ``party-<center>-<random>``; other accounts keep their names.
* 0006: the parties move from the plugin's table to the core's ``walk_in_party``, each with its
  account, contact, clerk and date; the claim codes sent to a party follow it (the copies get new
  ids); the plugin's table is gone.
* 0007: the claim codes move from the plugin's table to the core's ``claim_code``, each with its
  party, case, hash, expiry, attempts and use, so a code sent before the upgrade still claims.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from tortoise.connection import get_connection

from core.plumbing.db import tortoise_config
from core.plumbing.models import Case, Center, ClaimCode, Item, ItemVersion, User, WalkInParty
from core.plumbing.sql import for_dialect
from core.services.clock import now
from tests.helpers import create_in_older_schema, migrated_to

pytestmark = pytest.mark.anyio

PERSON = "44182519800101001X"
COMPANY = "91441882MA4UXXXX1A"
ONLINE = "440000199001011234"
PARTY = """INSERT INTO hall_floor_walk_in_party (id, center_id, kind, id_number, name, contact_name, mobile, account_id,
registered_by_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, CURRENT_TIMESTAMP)"""
CODE = """INSERT INTO hall_floor_claim_code (party_id, case_id, code_hash, expires_at, attempts, created_at)
VALUES (?, ?, ?, ?, ?, CURRENT_TIMESTAMP)"""
CODES = """SELECT w.center_id, w.id_number, c.attempts FROM hall_floor_claim_code c JOIN walk_in_party w ON w.id = c.party_id
ORDER BY c.id"""


async def _tables() -> set[str]:
    conn = get_connection("default")
    sql = ("SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema()"
           if conn.capabilities.dialect == "postgres" else "SELECT name FROM sqlite_master WHERE type = 'table'")
    return {row["name"] for row in await conn.execute_query_dict(sql)}


async def test_walk_in_parties_move_to_the_core_renamed_with_their_claim_codes(cli_db):
    config = tortoise_config(cli_db, [("hall_floor", "plugins.hall_floor.models")])
    async with migrated_to(config, "core.0023_material_withdrawals", "hall_floor.0004_ticket_transfer"):
        here = await Center.create(code="here", name="本中心", short_name="本")
        there = await Center.create(code="there", name="他中心", short_name="他")
        clerk = await User.create(username="clerk-here", password_hash="-")
        item = await Item.create(center=here, code="permit")
        version = await ItemVersion.create(item=item, center=here, code="permit", version=1, name="许可", definition={})
        # ids out of order, none the copies get: a claim code must follow its party, not its old id
        parties = {  # old id: (center, kind, number, name, contact, account name)
            7: (here, "person", PERSON, "王现场", "", f"party-{here.id}-{PERSON.lower()}"),
            3: (here, "enterprise", COMPANY, "连州市青禾农业科技有限公司", "李青禾", f"party-{here.id}-{COMPANY.lower()}"),
            12: (there, "person", PERSON, "王现场", "", f"party-{there.id}-{PERSON.lower()}"),
            9: (here, "person", ONLINE, "张网上", "", "zhang-registered-online"),
        }
        accounts = {}
        for old, (center, kind, number, name, contact, username) in parties.items():
            accounts[old] = (await User.create(username=username, password_hash="-", display_name=name)).id
            await get_connection("default").execute_query(for_dialect(PARTY), [
                old, center.id, kind, number, name, contact, "13800138000", accounts[old], clerk.id])
        case = await create_in_older_schema(  # the case as that version's table holds it
            Case, center=here, number="本-20261129-000001", item_version=version, process="standard",
            applicant_id=accounts[3], applicant_name=parties[3][3], state="submitted", kind="promised", channel="window",
            submitted_at=now(), updated_at=now())
        for n, old in enumerate((3, 3, 12)):
            await get_connection("default").execute_query(for_dialect(CODE), [
                old, case.id, str(n) * 64, now() + timedelta(minutes=10), n])

    async with migrated_to(config, "core.0026_department_created_at", "hall_floor.0006_walk_in_parties_to_core"):
        moved = {(p.center_id, p.id_number): p for p in await WalkInParty.all().select_related("account")}  # type: ignore[attr-defined]
        rows = await get_connection("default").execute_query_dict(CODES)
        codes = [(r["center_id"], r["id_number"]) for r in rows]
        assert [r["attempts"] for r in rows] == [0, 1, 2]
        assert "hall_floor_walk_in_party" not in await _tables()

    async with migrated_to(config, "hall_floor.0007_claim_codes_to_core"):
        assert "hall_floor_claim_code" not in await _tables()
        core_codes = await ClaimCode.all().order_by("id").select_related("party")
        assert [(c.party.center_id, c.party.id_number, c.code_hash, c.attempts, c.case_id, c.used_at)  # type: ignore[attr-defined]
                for c in core_codes] == [(here.id, COMPANY, "0" * 64, 0, case.id, None),
                                         (here.id, COMPANY, "1" * 64, 1, case.id, None),
                                         (there.id, PERSON, "2" * 64, 2, case.id, None)]
        # a party deleted takes its claim codes with it: the codes refer to the core's tables
        await WalkInParty.filter(id=moved[(there.id, PERSON)].id).delete()
        assert await ClaimCode.all().count() == 2

    assert len(moved) == 4
    for old, (center, kind, number, name, contact, username) in parties.items():
        party = moved[(center.id, number)]
        assert (party.kind, party.name, party.contact_name, party.mobile) == (kind, name, contact, "13800138000")
        assert (party.account_id, party.registered_by_id) == (accounts[old], clerk.id)  # type: ignore[attr-defined]
        if username.startswith("party-"):  # 0005: never the ID number in an account's name
            assert re.fullmatch(rf"party-{center.id}-[0-9a-f]{{12}}", party.account.username), party.account.username
        else:
            assert party.account.username == username
    assert moved[(here.id, PERSON)].account.username != moved[(there.id, PERSON)].account.username
    assert codes == [(here.id, COMPANY), (here.id, COMPANY), (there.id, PERSON)]
