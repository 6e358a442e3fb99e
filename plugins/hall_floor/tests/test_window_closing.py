"""Closing a window (撤销, the core's ``closeWindow``) while the hall floor's queues still call numbers at
it is refused (``window_in_use``, through the core's ``window_closing`` hook) until the center file no
longer lists it in a queue; the default queue is called at the open comprehensive windows only."""

from __future__ import annotations

import copy

import pytest

from core.api import Window
from core.services.centers import load_center
from tests.helpers import center_doc

from .drive import HALL_FLOOR, floor_driver

pytestmark = pytest.mark.anyio

CLOSE = """mutation($c: String!, $code: String!, $r: Boolean!) { closeWindow(center: $c, code: $code, reopen: $r) {
  __typename ... on Window { code closed } ... on UserErrors { errors { code message path } } } }"""
QUEUES = "query($c: String!) { hallQueues(center: $c) { code windows } }"


@pytest.fixture
async def drive(app, govhall, gql, monkeypatch):
    return await floor_driver(govhall, gql, monkeypatch)


def floor_doc(hall_floor: dict) -> dict:
    doc = center_doc("hall", ["hall_floor"], settings={"hallFloor": hall_floor})
    doc["windows"].append({"code": "B01", "name": "企业服务窗口", "kind": "special", "department": "scjg"})
    return doc


async def test_a_window_a_queue_still_calls_at_is_not_closed_until_the_queue_leaves_it(drive, govhall):
    refused = await drive.run("admin1", CLOSE, c="hall", code="B01", r=False)
    assert refused["__typename"] == "UserErrors"
    (error,) = refused["errors"]
    assert error["code"] == "window_in_use" and error["path"] == "/code"
    assert "企业服务窗口" in error["message"] and "“B 企业”" in error["message"] and "叫号" in error["message"]
    assert (await Window.get(center_id=drive.hall.center.id, code="B01")).closed_at is None

    # the center file moves queue B to A01: B01 calls nothing now and closes
    moved = copy.deepcopy(HALL_FLOOR)
    moved["queues"][1]["windows"] = ["A01"]
    await load_center(floor_doc(moved), govhall.hub)
    assert (await drive.run("config1", CLOSE, c="hall", code="B01", r=False))["closed"] is True
    # reopening asks nothing
    assert (await drive.run("config1", CLOSE, c="hall", code="B01", r=True))["closed"] is False


async def test_a_center_without_the_hall_floor_closes_the_window_its_settings_name(drive, govhall):
    """The hook is the hall floor's, called only where the center enables it."""
    doc = floor_doc(HALL_FLOOR)
    doc["plugins"] = []
    await load_center(doc, govhall.hub)
    assert (await drive.run("admin1", CLOSE, c="hall", code="B01", r=False))["closed"] is True


async def test_the_default_queue_is_called_at_the_open_comprehensive_windows(drive, govhall):
    doc = floor_doc({})
    doc["windows"].append({"code": "A02", "name": "综合受理二号窗口", "kind": "comprehensive", "serves": ["scjg"]})
    await load_center(doc, govhall.hub)
    assert (await drive.run(None, QUEUES, c="hall")) == [{"code": "A", "windows": ["A01", "A02"]}]
    assert (await drive.run("admin1", CLOSE, c="hall", code="A02", r=False))["closed"] is True
    assert (await drive.run(None, QUEUES, c="hall")) == [{"code": "A", "windows": ["A01"]}]


async def test_a_center_file_closing_a_window_its_own_queues_still_call_at_is_refused(drive, govhall):
    """The file is checked as it leaves the center: closing B01 while its ``hallFloor.queues`` still list
    it is refused at the window's ``closed`` entry, writing nothing; the same file moving queue B to
    A01 closes it."""
    from core.api import Center, UserErrorsException

    doc = floor_doc(HALL_FLOOR)
    doc["name"] = "改名的中心"
    doc["windows"][-1]["closed"] = True  # B01, the last window of the file
    with pytest.raises(UserErrorsException) as refused:
        await load_center(doc, govhall.hub)
    (error,) = refused.value.errors
    assert (error.code, error.path) == ("window_in_use", f"/windows/{len(doc['windows']) - 1}/closed")
    assert "企业服务窗口" in error.message and "“B 企业”" in error.message
    assert (await Window.get(center_id=drive.hall.center.id, code="B01")).closed_at is None  # nothing written
    assert (await Center.get(id=drive.hall.center.id)).name != "改名的中心"

    moved = copy.deepcopy(HALL_FLOOR)
    moved["queues"][1]["windows"] = ["A01"]
    doc["settings"] = {"hallFloor": moved}
    await load_center(doc, govhall.hub)
    assert (await Window.get(center_id=drive.hall.center.id, code="B01")).closed_at is not None
    assert (await drive.run(None, QUEUES, c="hall")) == [{"code": "A", "windows": ["A01"]}, {"code": "B", "windows": ["A01"]}]
