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


def full_width(text: str) -> str:
    """What a phone's Chinese keyboard in full-width mode types for ``text`` (１３８…, …Ｘ)."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def test_codes_typed_in_full_width_or_pasted_with_direction_marks_are_taken_as_meant(  # noqa: F811
    web_server: str, browser_page: Any
) -> None:
    """A phone's keyboard in full-width mode typed １３８００１３８０００: refused as 应为以1开头的11位数字 (and
    an ID number ending in Ｘ as 应为17位数字加1位数字或X), though that is what was typed. A mobile number
    pasted from the contacts app carries invisible direction marks (U+202A…U+202C): the whole
    submission was refused with a banner naming the variable (/$d/liaison/mobile), as the login page
    named /$u for a user name pasted so."""
    from playwright.sync_api import expect

    from tests.test_web import MOBILE, RESIDENT_ID, fill_company_registration, typed_as_meant_then_submitted

    base, page = web_server, browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    # input the server refuses before any operation says what is wrong, not which variable held it (/$u)
    page.goto(f"{base}/web/#/login")
    page.fill("input[name=username]", "\u202azhangsan\u202c")
    page.fill("input[name=password]", "demo1234")
    page.click("form.login-form button[type=submit]")
    expect(page.locator(".login-box")).to_contain_text("不可见的文字方向控制字符")
    expect(page.locator(".login-box")).not_to_contain_text("/$")
    login(page, base, "zhangsan")
    page.goto(f"{base}/web/#/hall/lianzhou/item/scjg-gssldj/apply")
    expect(page.locator("form.apply-form")).to_be_visible()
    fill_company_registration(page)
    typed = {
        "/legalRepresentative/mobile": (full_width(MOBILE), MOBILE),
        "/legalRepresentative/idNumber": (full_width(RESIDENT_ID), RESIDENT_ID),
        "/registeredCapital": (full_width("100"), "100"),
        "/liaison/mobile": (f"\u202a{MOBILE[:3]} {MOBILE[3:7]} {MOBILE[7:]}\u202c", MOBILE),  # pasted in groups too
        "/enterpriseName": ("连州市示例科技（集团）有限公司", "连州市示例科技（集团）有限公司"),  # a name keeps its （）
    }
    typed_as_meant_then_submitted(page, typed)
