"""The staff screens in headless Chromium on the demo data (昆山): a clerk clocks in and asks for a
day's leave, the window leader, the office and the supervision office approve it in turn, the
administrator keeps the register and registers a card reader, which then clocks a card in; a
center without the plugin has no such screen. Set-up beforehand goes through GraphQL (``Api``)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.test_web import at, browser_page, login, logout  # noqa: F401  (browser_page: a fixture)
from tests.test_web_screens import Api, demo_db, web_server  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[3]
SAVE = """mutation($i: StaffRecordInput!) { saveStaffRecord(center: "kunshan", input: $i) {
  __typename ... on UserErrors { errors { code message } } } }"""


@pytest.fixture(scope="module")
def api(web_server: str) -> Api:  # noqa: F811
    return Api(web_server)


def _register(api: Api) -> None:
    people = [("ks-clerk", "window_staff", "ZH01", None), ("ks-fgj", "window_staff", "ZH01", "ks-clerk"),
              ("ks-head", "window_leader", "ZH01", "ks-fgj"), ("ks-super", "supervision", None, "ks-head"),
              ("admin", "office", None, "ks-super"), ("ks-clerk", "window_staff", "ZH01", "ks-fgj")]
    for username, position, window, partner in people:
        done = api("admin", SAVE, i={"username": username, "position": position, "window": window, "partner": partner,
                                     "postedOn": "2026-01-05"})["saveStaffRecord"]
        assert done["__typename"] == "StaffRecord", done


def _leave_day() -> str:
    d = date.today() + timedelta(days=14)
    while d.weekday() != 2:  # a Wednesday
        d += timedelta(days=1)
    return d.isoformat()


def test_clock_in_leave_approvals_register_and_card_reader(web_server: str, browser_page: Any, api: Api) -> None:  # noqa: F811
    from playwright.sync_api import expect

    base, page = web_server, browser_page
    _register(api)
    login(page, base, "ks-clerk")
    page.click("#nav a[href='#/staff']")
    expect(page.locator("#today-clock-ins")).to_have_count(0)
    expect(page.locator("#attendance-start")).to_contain_text("本中心尚未有人刷卡，尚未开始计算考勤")
    page.click("#clock-in")
    expect(page.locator(".banner-success")).to_contain_text("已刷卡")
    expect(page.locator("#attendance-start")).to_contain_text("起计（本中心第一次刷卡之日）")
    expect(page.locator("#attendance-start")).to_contain_text("当天只计当天刷卡的人，其他人自下一个工作日起计")
    expect(page.locator("#today-clock-ins tbody tr")).to_have_count(1)
    expect(page.locator("#attendance-sheet tr[data-username=ks-clerk]")).to_be_visible()
    expect(page.locator("#month-standing")).to_contain_text("朱琳")
    # a day's leave goes to the window leader first
    page.goto(f"{base}/web/#/staff/kunshan/leave")
    day = _leave_day()
    page.fill("#f-start", day)
    page.fill("#f-end", day)
    page.fill("#f-reason", "家中有事")
    page.click("#leave-form button[type=submit]")
    expect(page.locator(".banner-success")).to_contain_text("待窗口负责人签字")
    row = page.locator("#leave-table tr[data-status=pending]")
    expect(row).to_contain_text("窗口负责人签字 → 中心办公室审核 → 督查科核准")
    expect(row.locator("button[data-approve]")).to_have_count(0)  # nobody approves their own leave
    for approver in ("ks-head", "admin", "ks-super"):
        logout(page)
        login(page, base, approver)
        page.goto(f"{base}/web/#/staff/kunshan/leave")
        page.locator("#leave-table tr[data-status=pending] button[data-approve]").first.click()
        expect(page.locator(".banner-success")).to_contain_text("请假单")
    expect(page.locator("#leave-table tr[data-status=approved]")).to_contain_text("朱琳")
    expect(page.locator("#leave-table tr[data-status=approved]")).to_contain_text("督查科核准：曹阳（昆山效能监察）同意")
    # the administrator keeps the register and registers a card reader at the window
    logout(page)
    login(page, base, "admin")
    page.goto(f"{base}/web/#/staff/kunshan/register")
    expect(page.locator("#register-table tr[data-username=ks-clerk]")).to_contain_text("唐亮")
    # 移除 is drawn on the white table: its text is not the header's white (it was invisible)
    remove = page.locator("#register-table button[data-remove=ks-clerk]")
    assert remove.evaluate("(el) => getComputedStyle(el).color") != "rgb(255, 255, 255)"
    page.fill("#f-username", "ks-fgj")
    page.select_option("#record-form #f-position", "window_staff")
    page.select_option("#record-form #f-window", "ZH01")
    page.fill("#f-postedOn", "2026-01-05")
    page.fill("#f-partner", "ks-fgj")
    page.click("#record-form button[type=submit]")
    expect(page.locator(f"#record-form {at('/partner')} .field-error")).to_contain_text("不能是本人")
    page.fill("#f-partner", "ks-clerk")
    page.fill("#f-card", "KS-0001")
    page.click("#record-form button[type=submit]")
    expect(page.locator("#register-table tr[data-username=ks-fgj]")).to_contain_text("KS-0001")
    page.fill("#device-form #f-name", "综合窗口读卡器")
    page.select_option("#device-form #f-window", "ZH01")
    page.click("#device-form button[type=submit]")
    token = page.locator("#new-device-token").inner_text()
    assert len(token) > 30
    page.goto(f"{base}/web/#/staff/kunshan/reader")
    page.fill("#reader-token", token)
    page.fill("#reader-card", "KS-0009")
    page.click("#reader-form button[type=submit]")
    expect(page.locator(".banner")).to_contain_text("考勤卡未登记")
    page.fill("#reader-card", "KS-0001")
    page.click("#reader-form button[type=submit]")
    expect(page.locator("#reader-log li")).to_have_count(1)
    # the person at the reader sees their own name (the card is theirs), not the login name ks-fgj
    expect(page.locator("#reader-log li")).to_contain_text("唐亮（昆山发改委审批）")
    expect(page.locator("#reader-log li")).not_to_contain_text("ks-fgj")
    expect(page.locator(".banner")).to_contain_text("唐亮（昆山发改委审批） 已刷卡")
    # a center without the plugin has no such screen
    logout(page)
    login(page, base, "wy-clerk")
    expect(page.locator("#nav a[href='#/staff']")).to_have_count(0)
    page.goto(f"{base}/web/#/staff/wengyuan")
    expect(page.get_by_text("没有启用人员管理")).to_be_visible()


LEAVE = """mutation($i: LeaveInput!) { requestLeave(center: "lianzhou", input: $i) {
  __typename ... on LeaveRequest { id currentStep } ... on UserErrors { errors { code message } } } }"""
REMOVE = """mutation { removeStaffRecord(center: "lianzhou", username: "lz-head") { __typename } }"""


def test_the_configurator_in_the_office_reads_that_a_leave_now_waits_for_them(
        web_server: str, browser_page: Any, api: Api, demo_db: Path) -> None:  # noqa: F811
    """连州's office is lz-config, a configurator (no 工作台): the window leader leaves the register while a
    clerk's leave waits for their signature, the sweeper goes round and tells the office; lz-config finds the
    message on the 请假 tab, where the request is, and signs in the leader's place."""
    from playwright.sync_api import expect

    base, page = web_server, browser_page
    day = _leave_day()
    leave = api("lz-clerk", LEAVE, i={"kind": "personal", "start": day, "end": day, "startHalf": "am",
                                      "endHalf": "pm", "reason": "家中有事"})["requestLeave"]
    assert (leave["__typename"], leave["currentStep"]) == ("LeaveRequest", "window"), leave
    assert api("admin", REMOVE)["removeStaffRecord"]["__typename"] == "StaffRecord"
    swept = subprocess.run([sys.executable, "-m", "core.faces.cli", "sweep", "--once"], cwd=ROOT, capture_output=True,
                           text=True, env={**os.environ, "GOVHALL_DATABASE_URL": f"sqlite:///{demo_db}"}, timeout=120)
    assert swept.returncode == 0, swept.stderr
    login(page, base, "lz-config")
    expect(page.locator("#nav a[href='#/work']")).to_have_count(0)
    page.click("#nav a[href='#/staff']")
    page.click("a[href='#/staff/lianzhou/leave']")
    told = page.locator("#leave-messages-table")
    expect(told).to_contain_text("原由窗口负责人审批，该岗位现空缺，改由您（中心办公室）审批，请到“请假”页审批")
    row = page.locator(f"#leave-table tr[data-leave='{leave['id']}']")
    expect(row).to_contain_text("窗口负责人签字（窗口负责人空缺，由中心办公室审批）")
    row.locator("button[data-approve]").click()
    expect(page.locator(".banner-success")).to_contain_text("请假单")
