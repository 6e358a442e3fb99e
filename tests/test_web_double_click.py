"""A plain action button that starts a server operation (出具办件登记簿 here) is guarded as forms are
(``mutate`` in web/views/kit.js): a double click sends one request, so one register is issued, and
the button works again once the answer is in."""

from __future__ import annotations

from typing import Any

import pytest

from tests.test_web import browser_page, login, web_server  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_a_double_clicked_action_button_issues_one_register(web_server: str, browser_page: Any) -> None:  # noqa: F811
    from playwright.sync_api import expect

    base, page = web_server, browser_page
    login(page, base, "lz-super")
    page.goto(f"{base}/web/#/supervision/lianzhou")
    button = page.locator("#issue-register")
    expect(button).to_be_enabled()
    sent: list[str] = []
    page.on("request", lambda r: sent.append(r.url) if "issueRegister" in (r.post_data or "") else None)
    button.dblclick()
    expect(page.locator("#register-printed a.doc-link")).to_be_visible(timeout=60_000)
    expect(button).to_be_enabled()  # usable again once the answer is in
    page.wait_for_timeout(500)  # a second request, had one been sent, has left by now
    assert len(sent) == 1, sent
