"""A center that does not enable the enterprise zone: every call the plugin contributes is refused
there, and its hooks do not run for its cases."""

from __future__ import annotations

import pytest

from core.services.centers import set_plugin_enabled
from core.plumbing.models import Department
from core.services.plugins import acall, acall_first

from .drive import (
    AGENCY_REQUESTS,
    APPOINTMENTS,
    ASSIGN,
    BOOK,
    CANCEL,
    GIFT_PACKS,
    HAND_OVER_PACK,
    REQUEST_AGENCY,
    ZoneDriver,
    build_zone,
    codes,
    next_workdays,
    opening_data,
)

pytestmark = pytest.mark.anyio


@pytest.fixture
async def drive(app, govhall, gql):
    hall = await build_zone(govhall, gql)
    hall.other = await set_plugin_enabled(hall.other, "enterprise_zone", False, govhall.hub.installed)
    return ZoneDriver(gql, hall)


async def test_the_calls_are_refused_without_the_plugin(drive):
    (day,) = await next_workdays(drive.hall.other, 1)
    for user, query, variables in (
        ("clerk-other", AGENCY_REQUESTS, {"c": "other"}),
        ("clerk-other", APPOINTMENTS, {"c": "other", "d": day.isoformat()}),
        ("clerk-other", GIFT_PACKS, {"c": "other"}),
    ):
        error = await drive.refused(user, query, **variables)
        assert error["extensions"]["code"] == "FORBIDDEN" and "未启用" in error["message"], (query, error)
    for result in (
        await drive.run("clerk-other", REQUEST_AGENCY, c="other", i="test-permit", m="13800138000"),
        await drive.run("clerk-other", BOOK, c="other", i="test-permit", d=day.isoformat(), p="09:00-10:00"),
    ):
        assert codes(result) == ["forbidden"] and "未启用" in result["errors"][0]["message"]


async def test_rows_made_while_enabled_are_refused_once_it_is_off(drive, govhall):
    (day,) = await next_workdays(drive.hall.center, 1)
    asked = await drive.run("app1", REQUEST_AGENCY, c="hall", i="qykb-yjs", m="13800138000")
    booked = await drive.run("app1", BOOK, c="hall", i="qykb-yjs", d=day.isoformat(), p="09:00-10:00")
    case = await drive.ok("clerk1", await drive.submit("app1", item="qykb-yjs", data=opening_data(seals={"engrave": False})), "accept")
    for reviewer in ("rev-scjg", "rev-gaj", "rev-swj", "rev-rsj", "rev-gjj"):
        case = await drive.ok(reviewer, case, "approve_task")
    (pack,) = await drive.run("pick1", GIFT_PACKS, c="hall")
    assert "印章：单位专用章（公章）" not in pack["contents"]

    await set_plugin_enabled(drive.hall.center, "enterprise_zone", False, govhall.hub.installed)
    for result in (
        await drive.run("head1", ASSIGN, r=asked["id"], a="agent1"),
        await drive.run("app1", CANCEL, a=booked["id"]),
        await drive.run("pick1", HAND_OVER_PACK, g=pack["id"], r="李青禾"),
    ):
        assert codes(result) == ["forbidden"] and "未启用" in result["errors"][0]["message"]

    # its rules and its lead choice are gone too: the core alone decides
    center = drive.hall.center
    hooks = govhall.hub.for_center(center)
    item = await center.item_versions.filter(code="qykb-yjs").first()
    assert await acall(hooks.validate_case, center=center, item=item, data={"seals": {"engrave": True}}, action="submit") == []
    await Department.filter(center=center).update(category="")
    departments = list(await Department.filter(center=center, code__in=["scjg", "gaj"]).order_by("id"))
    assert await acall_first(hooks.choose_lead_department, center=center, item=item, departments=departments) == "gaj"
