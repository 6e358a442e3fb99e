"""The clerk fills the form for a walk-in applicant from the papers on the counter: the ID number
typed with its final x in lower case, or in the groups the card prints it in. The walk-in box took
them so; the form refused the same number (应为17位数字加1位数字或X（末位x应为大写X）, 应为18位（当前
20位）). It now shows and sends the code itself. Runs against the demo server of ``tests/test_web.py``.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.test_web import RESIDENT_ID, browser_page, fill_company_registration, login, typed_as_meant_then_submitted, web_server  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_codes_typed_in_lower_case_or_in_groups_are_the_codes_themselves(  # noqa: F811
    web_server: str, browser_page: Any
) -> None:
    from playwright.sync_api import expect

    base, page = web_server, browser_page
    login(page, base, "lz-clerk")
    page.goto(f"{base}/web/#/work/lianzhou?walkin=1")
    page.fill("#f-idNumber", RESIDENT_ID.lower())
    page.fill("#f-name", "阿依古丽·买买提")
    page.fill("#f-mobile", "13900139000")
    page.click("form.walk-in button[type=submit]")
    expect(page.locator(".walk-in-result")).to_contain_text(f"已登记：阿依古丽·买买提（{RESIDENT_ID}）")
    page.select_option("form.walk-in .walk-in-result select", label="有限责任公司设立登记")
    page.click("form.walk-in button:has-text('代为申报')")
    expect(page.locator("form.apply-form")).to_be_visible()
    fill_company_registration(page)
    typed = {
        "/legalRepresentative/idNumber": (RESIDENT_ID.lower(), RESIDENT_ID),
        "/officers/0/idNumber": (" ".join([RESIDENT_ID[:6], RESIDENT_ID[6:14], RESIDENT_ID[14:].lower()]), RESIDENT_ID),
    }
    typed_as_meant_then_submitted(page, typed)
