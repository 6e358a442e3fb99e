"""A center that does not enable one_window: the plugin's rules do not apply to its cases, and
every call the plugin contributes is refused for it."""

from __future__ import annotations

import copy
from datetime import datetime

import pytest

from core.services.accounts import Actor, load_grants
from core.services.calendar import CENTER_TZ
from core.services.centers import set_plugin_enabled
from core.services.items import define_item, publish_item
from plugins.one_window.models import HandOver
from tests.hall import PERMIT, build_hall
from tests.helpers import make_user

from .drive import CASE_HANDOVERS, PENDING, PRINT, REGISTER, SMS, WindowDriver, codes

pytestmark = pytest.mark.anyio


@pytest.fixture
async def drive(app, govhall, gql):
    hall = await build_hall(govhall, gql, plugins=["one_window"])
    hall.other = await set_plugin_enabled(hall.other, "one_window", False, govhall.hub.installed)
    config = await make_user("config1", hall.other, "configurator")
    actor = Actor(user=config, grants=await load_grants(config))
    await define_item(govhall, actor, hall.other, copy.deepcopy(PERMIT))
    await publish_item(govhall, actor, hall.other, PERMIT["code"])
    for username, role, department in (("sup1", "supervisor", None), ("pick1", "pickup", None),
                                       ("rev-scjg", "reviewer", "scjg")):
        await make_user(username, hall.other, role, department)
    return WindowDriver(gql, hall)


async def test_the_same_calls_are_refused_without_one_window(drive):
    case = await drive.submit("app1", center="other")
    # no checklist rule, no hand-over rule here: the core's process alone
    case = await drive.ok("clerk-other", case, "accept")
    assert "checklist" not in case["events"][-1]["changes"]

    refused = await drive.hand_over("clerk-other", case, dep="scjg")
    assert codes(refused) == ["forbidden"] and "未启用" in refused["errors"][0]["message"]
    for user, query, variables in (
        ("app1", CASE_HANDOVERS, {"id": case["id"]}),
        ("app1", SMS, {"id": case["id"]}),
        ("sup1", PENDING, {"c": "other"}),
        ("pick1", REGISTER, {"c": "other", "f": "2026-01-01", "t": "2026-01-31"}),
    ):
        error = await drive.refused(user, query, **variables)
        assert error["extensions"]["code"] == "FORBIDDEN" and "未启用" in error["message"], (query, error)
    printed = (await drive.query("pick1", PRINT, c="other", f="2026-01-01", t="2026-01-31"))["printPickupRegister"]
    assert codes(printed) == ["forbidden"] and "未启用" in printed["errors"][0]["message"]

    # a hand-over recorded while the plugin was on cannot be received once it is off
    row = await HandOver.create(case_id=int(case["id"]), stage="front_desk_to_department",
                                from_user_id=drive.hall.users["clerk-other"].id, to_department_id=None)
    received = await drive.receive("rev-scjg", str(row.id))
    assert codes(received) == ["forbidden"] and "未启用" in received["errors"][0]["message"]
    case = await drive.ok("rev-scjg", case, "approve")
    case = await drive.ok("pick1", case, "deliver", data={"method": "self_print"})
    assert case["state"] == "delivered"


async def test_turning_the_plugin_on_applies_its_rules_at_once(drive, govhall):
    case = await drive.submit("app1", center="other")
    await set_plugin_enabled(drive.hall.other, "one_window", True, govhall.hub.installed)
    assert codes(await drive.act("clerk-other", case, "accept")) == ["checklist", "checklist", "originals"]
    today = datetime.now(CENTER_TZ).date().isoformat()
    assert (await drive.query("pick1", REGISTER, c="other", f=today, t=today))["pickupRegister"] == []
