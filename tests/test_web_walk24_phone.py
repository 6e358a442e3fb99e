"""An applicant on a phone (390×844, touch), on the demo server of ``tests/test_web.py``: a long word
typed into the catalogue's search wraps in the "nothing found" answer instead of widening the screen;
认领 with its fields left empty says, at each field, what to fill in."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.test_web import chromium_page, login, web_server  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def phone_page(web_server: str) -> Iterator[Any]:
    """A Chromium page as a phone shows it (390×844, touch, mobile); fails the test on any page error."""
    with chromium_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, device_scale_factor=2) as page:
        yield page


def _fits(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width} px wide on a 390 px phone"


def test_a_long_search_wraps_on_a_phone(web_server: str, phone_page: Any) -> None:
    from playwright.sync_api import expect

    base, page = web_server, phone_page
    page.goto(f"{base}/web/#/hall/lianzhou")
    expect(page.locator("#item-search")).to_be_visible()
    _fits(page)
    typed = "x" * 300  # a pasted address, a key held down
    page.fill("#item-search", typed)
    page.press("#item-search", "Enter")
    expect(page.locator("main")).to_contain_text(f"没有找到与“{typed}”相关的事项。")
    _fits(page)


def test_an_empty_claim_is_told_at_each_field(web_server: str, phone_page: Any) -> None:
    from playwright.sync_api import expect

    base, page = web_server, phone_page
    login(page, base, "zhangsan")
    page.goto(f"{base}/web/#/mine")
    form = page.locator("#claim-walk-in")
    form.locator("#claim-send-code").tap()
    expect(form.locator('[data-path="/idNumber"] .field-error')).to_have_text("请填写证件号码（身份证号码或统一社会信用代码）")
    expect(form.locator('[data-path="/caseNumber"] .field-error')).to_have_text("请填写办件编号（受理通知书上的办件编号）")
    expect(form).not_to_contain_text("不匹配")
    form.locator("button[type=submit]").tap()
    expect(form.locator('[data-path="/code"] .field-error')).to_have_text("请填写短信验证码")
    _fits(page)
