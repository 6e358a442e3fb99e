"""办件进度查询 in headless Chromium on the demo data (Lianzhou, one_window): a visitor finds it on the
portal and the sign-in page, is told what is missing or malformed in Chinese, reads a case's card and
steps with a lower-case number and a lower-case x, sees the result become ready once the pickup window
signed for it, gets the one answer for a wrong tail and an unknown number, and the page fits a phone."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from core.services.progress import NO_MATCH
from tests.test_web import RESIDENT_ID, browser_page, require_browser, serving  # noqa: F401
from tests.test_web_screens import Api, api, demo_db, web_server  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def ask(page: Any, number: str, check: str) -> None:
    page.fill("#progress-number", number)
    page.fill("#progress-check", check)
    page.click(".progress-form button[type=submit]")


def test_a_visitor_follows_a_case_without_signing_in(web_server: str, browser_page: Any, api: Api) -> None:
    from playwright.sync_api import expect

    base, page = web_server, browser_page
    case = api.accepted("连州市进度示例有限公司")  # accepted, with the market regulator
    api.act("lz-scjg", case, "approve", comment="符合条件，准予登记")
    to_pickup = api.handover("lz-scjg", case, pickup=True)

    # the sign-in page and the portal lead a visitor there
    page.goto(f"{base}/web/#/login")
    expect(page.locator("#login-progress a")).to_have_attribute("href", "#/progress")
    page.goto(f"{base}/web/#/hall")
    page.click("#progress-entry")
    page.wait_for_url("**/#/progress")
    expect(page.locator("#nav a[href='#/progress']")).to_have_class("active")

    # nothing typed, then something malformed: said beside each field, nothing sent
    page.click(".progress-form button[type=submit]")
    expect(page.locator('[data-path="/number"] .field-error')).to_contain_text("请填写受理编号")
    expect(page.locator('[data-path="/check"] .field-error')).to_contain_text("请填写证件号码后六位")
    ask(page, "LZ/2026", "12345")
    expect(page.locator('[data-path="/number"] .field-error')).to_contain_text("受理编号由字母、数字和“-”组成")
    expect(page.locator('[data-path="/check"] .field-error')).to_contain_text("手机号码后四位")

    # the center's own page: lower case number, lower case x (the designated representative's ID)
    page.goto(f"{base}/web/#/progress/lianzhou")
    expect(page.locator(".lead")).to_contain_text("连州市人民政府行政服务分中心")
    ask(page, case["number"].lower(), RESIDENT_ID[-6:].lower())
    card = page.locator("#progress-card")
    expect(card.locator("h2")).to_have_text("企业注销登记（简易注销、普通注销）")
    expect(card.locator("#progress-state")).to_have_text("已办结，待出件")
    expect(card.locator("#progress-applicant")).to_have_text("连州市****有限公司")
    expect(card.locator("#pickup-later")).to_contain_text("正在移交统一出件窗口（CJ01）")
    expect(card.locator(".progress-steps li")).to_have_count(3)
    expect(card.locator(".progress-steps")).to_contain_text("受理")
    expect(card.locator(".progress-steps")).to_contain_text("审批办结（准予许可）")
    expect(page.locator("#progress-check")).to_have_value("")  # the second factor does not stay on the screen
    for private in ("符合条件", "lz-scjg", "张三", RESIDENT_ID):
        expect(card).not_to_contain_text(private)

    # the pickup window signs for it: ready, and where
    api.receive("lz-pickup", to_pickup)
    ask(page, case["number"], RESIDENT_ID[-6:])
    expect(card.locator("#pickup-ready")).to_contain_text("请携带受理通知书和有效身份证件到统一出件窗口（CJ01）领取")
    expect(card.locator(".progress-steps li[data-step=ready]")).to_contain_text("办理结果已送达出件窗口")

    # a wrong tail and an unknown number: the same words
    ask(page, case["number"], "000000")
    expect(page.locator(".progress-form .error-summary")).to_contain_text(NO_MATCH)
    expect(page.locator("#progress-card")).to_have_count(0)
    ask(page, "LZ-20000101-999999", RESIDENT_ID[-6:])
    expect(page.locator(".progress-form .error-summary")).to_have_text(f"未能完成：{NO_MATCH}")

    # on a phone (390×844): nothing wider than the screen, the answer in view
    page.set_viewport_size({"width": 390, "height": 844})
    ask(page, case["number"], RESIDENT_ID[-6:])
    expect(card.locator("#pickup-ready")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    expect(card.locator("h2")).to_be_in_viewport()
