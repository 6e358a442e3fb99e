"""A result sent by courier (快递送达): its printed 出件回执 states how and when it was sent and the
tracking number, not the 领取人签名 line of an in-person pickup (nobody came to the window to sign).
Printed by the browser as the clerk would, and read back from the PDF. Runs against the demo server
of ``tests/test_web_screens.py``."""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers import pdf_text
from tests.test_web import browser_page, login  # noqa: F401
from tests.test_web_screens import Api, api, demo_db, web_server  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TRACKING = "SF1234567890123"


def deliver(page: Any, base: str, case: dict[str, Any], method: str, **fields: str) -> str:
    """Deliver ``case`` at the pickup window by ``method``; the printed receipt's text (the page printed
    as a PDF, up to the pickup register below the receipt)."""
    from playwright.sync_api import expect

    login(page, base, "lz-pickup")
    page.goto(f"{base}/web/#/pickup/lianzhou")
    page.locator("#pickup-table tr", has_text=case["number"]).locator("button[data-deliver]").click()
    page.click("#receive-result")
    page.select_option("#f-method", method)
    for name, value in fields.items():
        page.fill(f"#f-{name}", value)
    page.click("#deliver-form button[type=submit]")
    expect(page.locator("#pickup-receipt")).to_contain_text(case["number"])
    text = pdf_text(page.pdf())
    return text[text.index("出件回执"):text.index("出件登记簿")]


def test_a_courier_receipt_prints_the_delivery_facts_instead_of_a_signature_line(
    web_server: str, browser_page: Any, api: Api  # noqa: F811
) -> None:
    case = api.approved()
    text = deliver(browser_page, web_server, case, "courier", receiver="张三", trackingNumber=TRACKING)
    assert "出件回执" in text and case["number"] in text
    assert "寄递方式快递送达" in text and f"快递单号{TRACKING}" in text
    assert "以快递寄出" in text
    assert "签名" not in text


def test_an_in_person_receipt_keeps_the_signature_line(web_server: str, browser_page: Any, api: Api) -> None:  # noqa: F811
    case = api.approved()
    text = deliver(browser_page, web_server, case, "in_person", receiver="张三", idNumber="11010519491231002X")
    assert "出件方式窗口领取" in text and "领取人张三" in text
    assert "领取人签名" in text and "快递" not in text
