"""下岗决定 in headless Chromium, in 连州 (with the staff plugin): two substantiated complaints flag a
reviewer for removal; the supervision office opens the complaints screen, is told the date is missing,
confirms the removal with its date and note; the consequences and the staff register show the outcome."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.test_web import browser_page, login  # noqa: F401
from tests.test_web_screens import Api, api, demo_db, web_server  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.slow]

FILE = """mutation($t: String!) { fileComplaint(center: "lianzhou", channel: "oral", staff: "lz-scjg", text: $t) {
  ... on Complaint { id } } }"""
VERIFY = """mutation($id: ID!) { verifyComplaint(id: $id, verified: true, reply: "经查属实，已当面答复") {
  ... on Complaint { consequence } } }"""
RECORD = """mutation { saveStaffRecord(center: "lianzhou", input: {username: "lz-scjg", position: "window_staff",
  postedOn: "2026-01-05", department: "scjg"}) { __typename } }"""


def test_the_supervision_office_confirms_a_removal_and_the_register_shows_it(web_server: str, browser_page: Any, api: Api, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    base, page = web_server, browser_page
    assert api("admin", RECORD)["saveStaffRecord"]["__typename"] == "StaffRecord"
    flagged = []
    for text in ("审批窗口态度生硬", "审批窗口推诿不办"):
        k = api("lz-clerk", FILE, t=text)["fileComplaint"]["id"]
        flagged.append((k, api("lz-super", VERIFY, id=k)["verifyComplaint"]["consequence"]))
    assert [c for _, c in flagged] == ["notice", "removal"]
    flag = flagged[1][0]

    login(page, base, "lz-super")
    page.goto(f"{base}/web/#/complaints/lianzhou")
    row = page.locator(f"#removals-table tr[data-complaint='{flag}']")
    expect(row).to_contain_text("待中心决定")
    row.locator("textarea[name=note]").fill("主任办公会研究决定，退回原单位")
    row.locator(f"button[data-confirm='{flag}']").click()
    expect(row.locator("[data-path='/date'] .field-error")).to_contain_text("请填写下岗日期")
    row.locator("input[name=date]").fill("2027-01-04")
    row.locator(f"button[data-confirm='{flag}']").click()
    expect(page.locator(".banner-success")).to_contain_text("已确认下岗")
    row = page.locator(f"#removals-table tr[data-complaint='{flag}']")
    expect(row.locator("[data-outcome=removed] strong")).to_have_text("确认下岗")
    expect(row).to_contain_text("2027年1月4日起：主任办公会研究决定，退回原单位")
    consequence = page.locator("#consequences-table tr", has_text="lz-scjg")
    expect(consequence).to_contain_text("已确认下岗")
    expect(consequence).to_contain_text("确认下岗，2027年1月4日起")
    expect(page.locator("#complaints-table tbody tr", has_text="审批窗口推诿不办")).to_contain_text("已确认下岗")
    page.screenshot(path=str(tmp_path / "screens-removal.png"), full_page=True)

    page.goto(f"{base}/web/#/staff/lianzhou/register")
    expect(page.locator("#register-table tr[data-username='lz-scjg']")).to_contain_text("已确认下岗（2027年1月4日起）")
    shown = page.locator("#register-table").inner_text()
    assert "2026年1月5日" in shown and not re.search(r"\d{4}-\d{2}-\d{2}", shown), shown  # every date as the other registers
