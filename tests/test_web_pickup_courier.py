"""A result sent by courier (快递送达): its printed 出件回执 states how and when it was sent and the
tracking number, not the 领取人签名 line of an in-person pickup (nobody came to the window to sign).
Printed by the browser as the clerk would, and read back from the PDF. Runs against the demo server
of ``tests/test_web_screens.py``."""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers import pdf_text
from tests.test_web import browser_page, login, logout  # noqa: F401
from tests.test_web_screens import Api, api, demo_db, web_server  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TRACKING = "SF1234567890123"


def deliver(page: Any, base: str, case: dict[str, Any], method: str, **fields: str) -> str:
    """Deliver ``case`` at the pickup window by ``method``; the printed receipt's text (the page printed
    as a PDF, up to the pickup register below the receipt)."""
    from playwright.sync_api import expect

    login(page, base, "lz-pickup")
    page.goto(f"{base}/web/#/pickup/lianzhou")
    row = page.locator("#pickup-table tr", has_text=case["number"])
    expect(row).to_contain_text("不予许可（送达决定书）" if case.get("refused") else "准予许可")
    row.locator("button[data-deliver]").click()
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


def test_a_refusal_waits_in_the_pickup_queue_and_its_receipt_says_so(web_server: str, browser_page: Any, api: Api) -> None:  # noqa: F811
    """The 不予许可决定书 is handed out at the unified pickup window like a licence (统一出件)."""
    from playwright.sync_api import expect

    case = {**api.refused(), "refused": True}
    page = browser_page
    login(page, web_server, "lz-scjg")  # the department hands its decision to the pickup window
    page.goto(f"{web_server}/web/#/case/lianzhou/{case['id']}")
    expect(page.locator(".badge.state")).to_have_text("不予许可，待出件")
    page.click("#handover-pickup")
    expect(page.locator("#handovers")).to_contain_text("统一出件窗口")
    logout(page)
    text = deliver(browser_page, web_server, case, "courier", receiver="张三", trackingNumber=TRACKING)
    assert "办理结果不予许可" in text and f"快递单号{TRACKING}" in text
    assert api("lz-pickup", "query($id: ID!) { case(id: $id) { state } }", id=case["id"])["case"]["state"] == "refusal_delivered"
