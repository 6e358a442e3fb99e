"""A center that does not enable green_channel: every call the plugin contributes is refused for
it, and turning the plugin off stops its rules for the cases that were green."""

from __future__ import annotations

import pytest

from core.services.centers import set_plugin_enabled
from tests.hall import build_hall

from .drive import CHECK, ENTERPRISE, ONE, PRINT_FORM, PRINT_REGISTER, PROJECTS, GreenDriver, codes

pytestmark = pytest.mark.anyio


@pytest.fixture
async def drive(app, govhall, gql):
    hall = await build_hall(govhall, gql, plugins=["green_channel"])
    hall.other = await set_plugin_enabled(hall.other, "green_channel", False, govhall.hub.installed)
    return GreenDriver(gql, hall)


def refused_for_other(result: dict) -> None:
    assert codes(result) == ["forbidden"] and "未启用" in result["errors"][0]["message"], result


async def test_every_call_is_refused_without_green_channel(drive):
    for user, query, variables in (
        (None, CHECK, {"c": "other", "input": {"kind": "construction", "investment": 9000}}),
        ("clerk-other", PROJECTS, {"c": "other"}),
    ):
        error = await drive.refused(user, query, **variables)
        assert error["extensions"]["code"] == "FORBIDDEN" and "未启用" in error["message"], (query, error)
    refused_for_other(await drive.register("clerk-other", ENTERPRISE, center="other"))
    printed = await drive.query("clerk-other", PRINT_REGISTER, c="other", f="2026-01-01", t="2026-01-31")
    refused_for_other(printed["printGreenRegister"])


async def test_turning_the_plugin_off_stops_its_rules(drive, govhall):
    project = await drive.register("clerk1", ENTERPRISE)
    case = await drive.submit("app1")
    await drive.link("clerk1", project, case)
    other_case = await drive.submit("app1", item="test-quick")
    await set_plugin_enabled(drive.hall.center, "green_channel", False, govhall.hub.installed)

    refused_for_other(await drive.link("clerk1", project, other_case))
    assert (await drive.refused("clerk1", ONE, id=project["id"]))["extensions"]["code"] == "FORBIDDEN"
    refused_for_other((await drive.query("clerk1", PRINT_FORM, p=project["id"]))["printGreenForm"])
    # the core's process alone: a notice for a secondary material, no signature on the form
    case = await drive.ok("clerk1", case, "request_materials", data={"missing": [{"name": "营业执照复印件"}]})
    assert case["state"] == "supplementing" and "greenChannel" not in case["events"][-1]["changes"]
    case = await drive.ok("clerk1", case, "supply", data={"contactMobile": "13900139000"})
    case = await drive.ok("clerk1", case, "accept")
    assert "greenChannel" not in case["events"][-1]["changes"]

    await set_plugin_enabled(drive.hall.center, "green_channel", True, govhall.hub.installed)
    (step,) = (await drive.project("clerk1", project))["steps"]
    assert step["acceptedAt"] is None
