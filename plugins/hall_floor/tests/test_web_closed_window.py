"""A window closed since (撤销) keeps its name on the supervisor's screens, marked （已撤销）: the bad
rating's rectification and the period's figures of a window Lianzhou closed (headless Chromium on
the demo data, a module of its own since it closes a window). The window still serving queue C is
refused (``window_in_use``); the center file moves queue C to W12 and closes W13 (``"closed": true``),
loaded again with ``govhall center load`` as a county would."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from core.services.demo import CENTERS_DIR
from tests.cli import run
from tests.demo_copy import demo_database
from tests.test_web import browser_page, login  # noqa: F401
from tests.test_web_screens import Api, api, demo_db  # noqa: F401

from .web_clock import HallClock, clocked_serving, morning_clock

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def hall_clock(demo_db: Path) -> HallClock:
    return morning_clock(demo_db.parent)


@pytest.fixture(scope="module")
def database(demo_db: Path) -> str:
    return demo_database(demo_db)


@pytest.fixture(scope="module")
def web_server(database: str, demo_db: Path, hall_clock: HallClock) -> Iterator[str]:
    with clocked_serving(database, demo_db.parent, hall_clock) as base:
        yield base


@pytest.fixture(autouse=True)
def hall_page(browser_page: Any, hall_clock: HallClock) -> Any:
    hall_clock.install(browser_page)
    return browser_page


def test_a_closed_windows_rating_and_figures_keep_its_name(web_server: str, database: str, browser_page: Any, api: Api,
                                                         tmp_path: Path) -> None:
    from playwright.sync_api import expect

    base, page = web_server, browser_page
    ticket = api("lz-clerk", 'mutation { takeTicket(center: "lianzhou", queue: "C") { ... on HallTicket { id } } }')["takeTicket"]
    called = api("lz-clerk", 'mutation { callNextTicket(center: "lianzhou", window: "W13") { ... on HallTicket { id } } }')["callNextTicket"]
    assert called["id"] == ticket["id"]
    api("lz-clerk", 'mutation($t: ID!) { finishTicket(center: "lianzhou", window: "W13", ticket: $t) { __typename } }', t=ticket["id"])
    rated = api("lz-clerk", """mutation($t: ID!) { rateOnSite(center: "lianzhou", window: "W13", level: 2, ticket: $t, reason: "服务态度不好") {
        __typename } }""", t=ticket["id"])["rateOnSite"]
    assert rated["__typename"] == "OnSiteRating", rated

    close = 'mutation { closeWindow(center: "lianzhou", code: "W13") { __typename ... on UserErrors { errors { code message } } } }'
    refused = api("admin", close)["closeWindow"]
    assert [e["code"] for e in refused["errors"]] == ["window_in_use"] and "“C 税务”" in refused["errors"][0]["message"]

    # the county's file: queue C at W12 only, W13 closed
    doc = json.loads((CENTERS_DIR / "lianzhou.json").read_text("utf-8"))
    for queue in doc["settings"]["hallFloor"]["queues"]:
        queue["windows"] = [w for w in queue["windows"] if w != "W13"]
    next(w for w in doc["windows"] if w["code"] == "W13")["closed"] = True
    (tmp_path / "lianzhou.json").write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    loaded = run(["center", "load", str(tmp_path / "lianzhou.json")], database)
    assert loaded.returncode == 0, loaded.stderr
    listed = api("admin", '{ center(code: "lianzhou") { open: windows { code } all: windows(includeClosed: true) { code closed } } }')["center"]
    assert "W13" not in {w["code"] for w in listed["open"]} and {"code": "W13", "closed": True} in listed["all"]

    login(page, base, "lz-super")
    page.goto(f"{base}/web/#/floor/supervisor/lianzhou")
    expect(page.locator("tr", has_text="服务态度不好")).to_contain_text("W13 地方税务局窗口（已撤销）")
    page.click("a[data-tab=stats]")
    expect(page.locator(".wait-stats td", has_text="W13 地方税务局窗口（已撤销）")).to_have_count(1)
    expect(page.locator(".wait-stats td", has_text="W12 国家税务局窗口")).to_have_count(0)  # it served nobody today
