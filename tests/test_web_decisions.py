"""Deciding in the browser: the opinion box only for the roles that decide, a confirmation dialog
before a decision or a withdrawal, and the decision issued in the deciding department's name.

Runs against its own demo server (see tests/test_web.py). The Wengyuan center's one_window plugin is
switched off first (its hand-overs are tested elsewhere), and the cases are filed through GraphQL:
the browser part is what the applicant and the reviewer see on the case page.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.helpers import pdf_text
from tests.test_web import browser_page, login, logout, web_server  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CANCELLATION = {
    "uscc": "91310115591693856A", "enterpriseName": "翁源县示例贸易有限公司", "cancellationType": "强制清算终结",
    "reason": "股东会决议解散", "investmentsCleared": True, "branchesCancelled": True, "taxStatus": "已清税",
    "licenceReturn": "缴回正本和全部副本",
    "designatedRepresentative": {"name": "张三", "idNumber": "11010519491231002X", "mobile": "13800138000"},
}


class Api:
    """GraphQL over HTTP against the test server, as the demo users."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.tokens: dict[str, str] = {}

    def __call__(self, user: str, query: str, **variables: Any) -> dict[str, Any]:
        if user not in self.tokens:
            body = httpx.post(f"{self.base}/graphql", json={
                "query": "mutation($u: String!, $p: String!) { login(username: $u, password: $p) { ... on LoginSuccess { token } } }",
                "variables": {"u": user, "p": "demo1234"}}).json()
            self.tokens[user] = body["data"]["login"]["token"]
        response = httpx.post(f"{self.base}/graphql", json={"query": query, "variables": variables},
                              headers={"Authorization": f"Bearer {self.tokens[user]}"}, timeout=30)
        body = response.json()
        assert not body.get("errors"), body
        return body["data"]

    def submit(self) -> str:
        """One more case of the same application (confirmed: allowDuplicate), as the stories need several."""
        data = self("zhangsan", """mutation($d: JSON!) { submitCase(center: "wengyuan", item: "scjg-qyzxdj", data: $d, allowDuplicate: true) {
            __typename ... on Case { id } ... on UserErrors { errors { path message } } } }""", d=CANCELLATION)
        assert data["submitCase"]["__typename"] == "Case", data
        return data["submitCase"]["id"]

    def act(self, user: str, case_id: str, action: str, data: dict | None = None) -> None:
        data = self(user, """mutation($id: ID!, $a: String!, $d: JSON) { transitionCase(id: $id, action: $a, data: $d) {
            __typename ... on UserErrors { errors { path message } } } }""", id=case_id, a=action, d=data)
        assert data["transitionCase"]["__typename"] == "Case", data


def test_opinion_box_and_confirmation_before_deciding_or_withdrawing(web_server: str, browser_page: Any, tmp_path: Path) -> None:  # noqa: F811
    from playwright.sync_api import expect

    base, page = web_server, browser_page
    api = Api(base)
    api("admin", 'mutation { setPluginEnabled(center: "wengyuan", plugin: "one_window", enabled: false) { __typename } }')
    to_decide, to_withdraw = api.submit(), api.submit()
    api.act("wy-clerk", to_decide, "accept", {"received": [{"material": "m01", "form": "original", "count": 1}]})

    # --- the applicant: no opinion box, no JSON parameters; withdrawing asks first
    login(page, base, "zhangsan")
    page.goto(f"{base}/web/#/case/wengyuan/{to_withdraw}")
    expect(page.locator("#case-state")).to_have_text("待受理")
    withdraw = page.locator("button[data-action=withdraw]")
    expect(withdraw).to_be_visible()
    expect(page.locator("#action-comment")).to_have_count(0)
    expect(page.locator(".action-panel details.advanced")).to_have_count(0)
    expect(page.get_by_text("办理意见")).to_have_count(0)
    withdraw.click()
    dialog = page.locator("dialog.confirm-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("确认撤回申请？")
    page.screenshot(path=str(tmp_path / "confirm-withdraw.png"), full_page=True)
    dialog.locator("button[data-dialog=cancel]").click()
    expect(dialog).to_have_count(0)
    expect(page.locator("#case-state")).to_have_text("待受理")  # cancelled: nothing happened
    withdraw.click()
    page.locator("dialog.confirm-dialog button[data-dialog=confirm]").click()
    expect(page.locator("#case-state")).to_have_text("已撤回")

    # --- the department's reviewer: the opinion is required, the decision is confirmed first
    logout(page)
    login(page, base, "wy-scjg")
    page.goto(f"{base}/web/#/case/wengyuan/{to_decide}")
    expect(page.locator("#case-state")).to_have_text("审查中")
    expect(page.locator(".action-panel label[for=action-comment]")).to_contain_text("办理意见")
    approve = page.locator("button[data-action=approve]")
    approve.click()
    expect(page.locator(".action-panel [data-path='/comment'] > .field-error")).to_contain_text("须填写办理意见")
    expect(page.locator("dialog.confirm-dialog")).to_have_count(0)  # nothing to confirm without an opinion
    page.fill("#action-comment", "经审查，清算程序合法，同意注销")
    approve.click()
    dialog = page.locator("dialog.confirm-dialog")
    expect(dialog).to_contain_text("确认准予许可？")
    expect(dialog).to_contain_text("经审查，清算程序合法，同意注销")
    page.screenshot(path=str(tmp_path / "confirm-approve.png"), full_page=True)
    dialog.locator("button[data-dialog=cancel]").click()
    expect(page.locator("#case-state")).to_have_text("审查中")
    approve.click()
    page.locator("dialog.confirm-dialog button[data-dialog=confirm]").click()
    expect(page.locator("#case-state")).to_have_text("已办结，待出件")
    decision = page.locator("li[data-kind=approval_decision] a.doc-link")
    expect(decision).to_be_visible()
    event = page.locator(".timeline .event-approve")
    expect(event.locator("blockquote")).to_have_text("经审查，清算程序合法，同意注销")
    page.screenshot(path=str(tmp_path / "case-approved.png"), full_page=True)

    pdf = page.request.get(base + (decision.get_attribute("href") or ""))
    assert pdf.status == 200
    text = pdf_text(pdf.body())
    for needle in ("翁源县工商行政管理局", "翁源县工商行政管理局审批专用章", "翁源县示例贸易有限公司", "经审查，清算程序合法，同意注销"):
        assert needle in text, needle
    assert not re.search(r"张三（申请人）", text)
