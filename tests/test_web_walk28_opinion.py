"""The deciding side's walk in the browser: an opinion typed over several lines (1. … 2. …) reads as
those lines in the case's 办理过程, not run together into one."""

from __future__ import annotations

from typing import Any

import pytest

from tests.test_web import browser_page, login, web_server  # noqa: F401  (fixtures)
from tests.test_web_decisions import Api

pytestmark = [pytest.mark.browser, pytest.mark.slow]

REFUSE = """mutation($id: ID!, $c: String, $d: JSON) { transitionCase(id: $id, action: "refuse", comment: $c, data: $d) {
    __typename ... on UserErrors { errors { path message } } } }"""


def test_a_refusal_reason_of_several_lines_shows_its_lines_on_the_case_page(web_server: str, browser_page: Any) -> None:  # noqa: F811
    from playwright.sync_api import expect

    base, page = web_server, browser_page
    api = Api(base)
    api("admin", 'mutation { setPluginEnabled(center: "wengyuan", plugin: "one_window", enabled: false) { __typename } }')
    case_id = api.submit()
    api.act("wy-clerk", case_id, "accept", {"received": [{"material": "m01", "form": "original", "count": 1}]})
    reason = "材料不符合法定形式：\n1. 清税证明未加盖印章😀\n2. 清算报告未经股东确认"
    refused = api("wy-scjg", REFUSE, id=case_id, c=reason, d={"basis": "《中华人民共和国市场主体登记管理条例》第十七条"})
    assert refused["transitionCase"]["__typename"] == "Case", refused

    login(page, base, "wy-scjg")
    page.goto(f"{base}/web/#/case/wengyuan/{case_id}")
    quote = page.locator(".timeline .event blockquote", has_text="清税证明未加盖印章")
    expect(quote).to_be_visible()
    assert quote.inner_text().splitlines() == reason.splitlines()
