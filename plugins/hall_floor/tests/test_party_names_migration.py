"""Migration hall_floor 0005: walk-in parties' accounts named after their ID number or USCC (as the
window made them before) are renamed ``party-<center>-<random>``; other accounts keep their names."""

from __future__ import annotations

import re

import pytest
from tortoise import Tortoise

from core.plumbing.db import tortoise_config, upgrade
from core.plumbing.models import Center, User
from core.services.plugins import make_plugin_manager, plugin_model_apps
from tests.helpers import before_migration

from ..models import WalkInParty

pytestmark = pytest.mark.anyio

MIGRATION = "0005_party_account_names"
PERSON = "44182519800101001X"
COMPANY = "91441882MA4UXXXX1A"


async def test_party_accounts_named_after_their_id_numbers_are_renamed(cli_db):
    config = tortoise_config(cli_db, plugin_model_apps(make_plugin_manager()))
    async with before_migration(config, MIGRATION, app="hall_floor"):
        center = await Center.create(code="here", name="本中心", short_name="本")
        clerk = await User.create(username="clerk-here", password_hash="-")
        for kind, number, username in (("person", PERSON, f"party-{center.id}-{PERSON.lower()}"),
                                       ("enterprise", COMPANY, f"party-{center.id}-{COMPANY.lower()}"),
                                       ("person", "440000199001011234", "wang-registered-online")):
            account = await User.create(username=username, password_hash="-", display_name="某某")
            await WalkInParty.create(center=center, kind=kind, id_number=number, name="某某", mobile="13800138000",
                                     account=account, registered_by=clerk)
        center_id = center.id
    assert await upgrade(config) == [f"hall_floor.{MIGRATION}"]
    await Tortoise.init(config=config)
    try:
        names = {p.id_number: p.account.username for p in await WalkInParty.all().select_related("account")}
    finally:
        await Tortoise.close_connections()
    assert names["440000199001011234"] == "wang-registered-online"
    for number in (PERSON, COMPANY):
        assert re.fullmatch(rf"party-{center_id}-[0-9a-f]{{12}}", names[number]), names
        assert number.lower() not in names[number].lower()
    assert names[PERSON] != names[COMPANY]
