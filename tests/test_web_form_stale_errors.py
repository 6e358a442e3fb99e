"""A field the applicant fills in after a refused submission drops what was said of it then.

Submitting the form empty shows 请填写… beside every required field (一次性告知); filling one in and
leaving it must not leave “请填写” beside the value, nor put a new check (校验位错误) under the old
one. Runs against the demo server of ``tests/test_web.py``.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.test_web import at, browser_page, login, web_server  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_a_field_filled_after_submission_drops_its_old_error(web_server: str, browser_page: Any) -> None:  # noqa: F811
    from playwright.sync_api import expect

    base, page = web_server, browser_page
    login(page, base, "zhangsan")
    page.goto(f"{base}/web/#/hall/lianzhou/item/scjg-gssldj/apply")
    expect(page.locator("form.apply-form")).to_be_visible()
    page.click("button:has-text('提交申请')")
    name, phone = at("/enterpriseName"), at("/phone")
    expect(page.locator(f"{name} .field-error")).to_contain_text("请填写“企业名称”")
    expect(page.locator(f"{phone} .field-error")).to_contain_text("请填写“公司联系电话”")

    # filled in properly: no error left beside it
    page.fill(f"{name} input", "连州市示例科技有限公司")
    page.locator(f"{name} input").press("Tab")
    expect(page.locator(f"{name} .field-error")).to_be_hidden()
    expect(page.locator(name)).not_to_have_class("has-error")
    expect(page.locator(f"{name} input")).not_to_have_attribute("aria-invalid", "true")

    # filled in wrongly: only what is wrong with the value now, not “请填写” as well
    page.fill(f"{phone} input", "7712345")
    page.locator(f"{phone} input").press("Tab")
    expect(page.locator(f"{phone} .field-error")).to_contain_text("格式不正确")
    expect(page.locator(f"{phone} .field-error")).not_to_contain_text("请填写")

    # the fields left alone still say what is missing
    expect(page.locator(f"{at('/nameDeclarationNo')} .field-error")).to_contain_text("请填写“名称申报号”")
