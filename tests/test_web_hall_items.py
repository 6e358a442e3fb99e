"""The hall lists the public's items: a center's 内部事项 (工作人员请假单) only for its own staff; a
search finds an item by what people call it (开饭店: 食品经营许可).

Runs against the demo server of ``tests/test_web.py`` (Lianzhou ships the leave form as an item).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.test_web import browser_page, login, logout, web_server  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_the_staff_leave_form_is_listed_for_staff_not_for_applicants(web_server: str, browser_page: Any) -> None:  # noqa: F811
    from playwright.sync_api import expect

    base, page = web_server, browser_page
    leave = page.locator("article.item-card", has_text="工作人员请假单")
    page.goto(f"{base}/web/#/hall/lianzhou")  # nobody signed in
    expect(page.locator("article.item-card", has_text="食品经营许可")).to_be_visible()
    expect(leave).to_have_count(0)
    # what people call it (俗称) finds it too, and its guide says so
    page.fill("#item-search", "开饭店")
    expect(page.locator("article.item-card")).to_have_count(1)
    page.click("article.item-card h2 a:has-text('食品经营许可')")
    expect(page.locator(".page-head .aka")).to_contain_text("又称：开饭店、")
    login(page, base, "zhangsan")
    page.goto(f"{base}/web/#/hall/lianzhou")
    expect(page.locator("article.item-card", has_text="食品经营许可")).to_be_visible()
    expect(leave).to_have_count(0)
    logout(page)
    login(page, base, "lz-clerk")
    page.goto(f"{base}/web/#/hall/lianzhou")
    expect(leave).to_be_visible()
