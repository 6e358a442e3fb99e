"""The administrator closes (撤销) a window a reorganisation removed on the 部门与窗口 screen, in
headless Chromium on the demo data (one server for the module, see ``tests.test_web``): after the
confirmation it is listed greyed as 已撤销 with 恢复, gone from the windows offered elsewhere; the
center's only pickup window is refused; 恢复 opens it again."""

from __future__ import annotations

from typing import Any

import pytest

from tests.test_web import browser_page, login, logout, web_server  # noqa: F401
from tests.test_web_screens import Api

pytestmark = [pytest.mark.browser, pytest.mark.slow]

OPEN = 'query { center(code: "lianzhou") { windows { code } } }'


def test_administrator_closes_and_reopens_a_window(web_server: str, browser_page: Any) -> None:
    from playwright.sync_api import expect

    base, page = web_server, browser_page
    api = Api(base)
    login(page, base, "admin")
    page.goto(f"{base}/web/#/admin/lianzhou?tab=org")
    row = page.locator("#windows-table tr[data-window=W14]")
    expect(row).to_contain_text("使用中")

    page.once("dialog", lambda d: d.accept())
    row.locator("button[data-close=W14]").click()
    expect(page.locator(".banner-success")).to_contain_text("已撤销窗口 气象局窗口（W14）")
    row = page.locator("#windows-table tr[data-window=W14]")
    expect(row).to_contain_text("已撤销")
    expect(row).to_have_class("window-closed")
    expect(row.locator("button[data-reopen=W14]")).to_have_text("恢复")
    expect(row.locator("button[data-edit=W14]")).to_have_count(0)
    assert "W14" not in [w["code"] for w in api("admin", OPEN)["center"]["windows"]]

    # the center's only pickup window: refused, in Chinese, nothing changed
    page.once("dialog", lambda d: d.accept())
    page.locator("#windows-table button[data-close=CJ01]").click()
    expect(page.locator(".banner-error")).to_contain_text("请先把另一个窗口设为出件窗口")
    expect(page.locator("#windows-table tr[data-window=CJ01]")).to_contain_text("使用中")

    page.locator("#windows-table button[data-reopen=W14]").click()
    expect(page.locator(".banner-success")).to_contain_text("已恢复窗口 气象局窗口（W14）")
    expect(page.locator("#windows-table tr[data-window=W14]")).to_contain_text("使用中")
    assert "W14" in [w["code"] for w in api("admin", OPEN)["center"]["windows"]]
    logout(page)
