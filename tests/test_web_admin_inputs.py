"""Odd and wrong inputs on the administrator's and configurator's screens, in headless Chromium on the
demo data (one server for the module, see ``tests.test_web``): what the user is told must be Chinese
and say what to do, never the browser's or the server's English."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.test_web import browser_page, login, web_server  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ENGLISH = re.compile(r"[A-Za-z]{4,}")


def test_a_calendar_or_item_that_is_not_json_is_explained_in_chinese(web_server: str, browser_page: Any) -> None:
    page, base = browser_page, web_server
    login(page, base, "admin")
    page.goto(f"{base}/web/#/admin/lianzhou?tab=calendar&year=2027")
    slot = page.locator("#cal-import .field-error")
    page.fill("#cal-doc", '{"year": 2027,\n  holidays: []}')
    page.click("#cal-import button[type=submit]")
    expect(slot).to_contain_text("第 2 行第 3 列附近格式有误")
    assert not ENGLISH.search(slot.inner_text().replace("JSON", "")), slot.inner_text()
    page.fill("#cal-doc", '{"year": 2027, "holidays": [')
    page.click("#cal-import button[type=submit]")
    expect(slot).to_contain_text("内容不完整")
    assert not ENGLISH.search(slot.inner_text().replace("JSON", "")), slot.inner_text()
    page.fill("#cal-doc", "  ")
    page.click("#cal-import button[type=submit]")
    expect(slot).to_contain_text("内容为空")

    page.goto(f"{base}/web/#/config/lianzhou")
    page.click("#dz-new")
    page.click("#dz-tab-json")
    page.fill("#cfg-doc", '{"code": "x",，}')
    expect(page.locator("#cfg-parse")).to_contain_text("JSON 格式错误：第 1 行第 14 列附近格式有误")
    assert not ENGLISH.search(page.locator("#cfg-parse").inner_text().replace("JSON", ""))
