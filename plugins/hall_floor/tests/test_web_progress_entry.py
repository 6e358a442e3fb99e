"""The kiosk's 办件查询 entry in headless Chromium (Lianzhou's demo data): from the 取号机 to the core's
progress lookup in the kiosk's large type, an answer that the kiosk forgets after 90 s, and 返回取号."""

from __future__ import annotations

from typing import Any

import pytest

from tests.test_web import USCC, browser_page, require_browser, serving  # noqa: F401
from tests.test_web_screens import Api, api, demo_db, web_server  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_the_kiosk_leads_to_the_progress_lookup_and_forgets_the_answer(web_server: str, browser_page: Any, api: Api) -> None:
    from playwright.sync_api import expect

    base, page = web_server, browser_page
    case = api.accept("连州市自助查询示例有限公司")
    page.clock.install()  # the kiosk's timers run when the test says
    page.goto(f"{base}/web/#/floor/kiosk/lianzhou")
    entry = page.locator("#kiosk-progress a")
    expect(entry).to_have_text("办件查询")
    entry.click()
    page.wait_for_url("**/#/progress/lianzhou?kiosk=1")
    expect(page.locator(".page.progress-kiosk")).to_be_visible()
    page.fill("#progress-number", case["number"])
    page.fill("#progress-check", USCC[-6:].lower())
    page.click(".progress-form button[type=submit]")
    card = page.locator("#progress-card")
    expect(card.locator("#progress-state")).to_have_text("审查中")
    expect(card.locator("#progress-applicant")).to_have_text("连州市****有限公司")
    # the next person at the kiosk finds neither the answer nor the number typed
    page.clock.run_for(91_000)
    expect(page.locator("#progress-card")).to_have_count(0)
    expect(page.locator("#progress-number")).to_have_value("")
    page.click("#back-to-kiosk")
    page.wait_for_url("**/#/floor/kiosk/lianzhou")
    expect(page.locator("#kiosk-progress")).to_be_visible()
