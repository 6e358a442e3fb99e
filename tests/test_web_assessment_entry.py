"""录入加减分 on the assessment screen, as the supervisor sees it: a score of 0 is refused with its
reason (it would change nothing), not as if nothing was typed; once recorded, the banner says for whom
and what, and the ranking of the same period lists the entry with the reason typed. Runs against the
demo server of ``tests/test_web_screens.py``."""

from __future__ import annotations

from typing import Any

import pytest

from tests.test_web import at, browser_page, login  # noqa: F401
from tests.test_web_screens import demo_db, web_server  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.slow]

REASON = "11月20日窗口台面杂物堆放"


def test_a_manual_entry_names_its_subject_and_its_reason_is_listed_in_the_same_period(
    web_server: str, browser_page: Any  # noqa: F811
) -> None:
    from playwright.sync_api import expect

    base, page = web_server, browser_page
    login(page, base, "lz-super")
    page.goto(f"{base}/web/#/assessment/lianzhou")
    expect(page.locator("#ranking-table")).to_be_visible()
    page.click("button[data-preset=quarter]")  # not the page's default period (the month)
    expect(page.locator("#ranking h2")).to_contain_text("季度")
    quarter = page.input_value("#period")
    subject = page.locator("#f-subject option:checked")
    code, name = subject.get_attribute("value"), subject.inner_text()
    category = page.locator("#f-category option:checked").inner_text()

    page.fill("#f-points", "0")
    page.fill("#f-reason", REASON)
    page.click("#manual-score button[type=submit]")
    error = page.locator(f"#manual-score {at('/points')} .field-error")
    expect(error).to_contain_text("不能为0")
    expect(error).not_to_contain_text("请填写")

    page.fill("#f-points", "-2")
    page.click("#manual-score button[type=submit]")
    banner = page.locator(".banner-success")
    expect(banner).to_contain_text(f"已为“{name}”录入")
    expect(banner).to_contain_text(f"“{category}”-2分，事由：{REASON}")
    assert page.input_value("#period") == quarter
    expect(page.locator("#ranking h2")).to_contain_text("季度")
    row = page.locator(f"#ranking-table tr[data-subject='{code}']")
    expect(row.locator("details")).to_have_attribute("open", "")
    assert f"{REASON}，扣2分" in row.inner_text()  # shown, not only somewhere in a closed 明细
