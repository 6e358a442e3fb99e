"""Odd and wrong inputs on the administrator's and configurator's screens, in headless Chromium on the
demo data (one server for the module, see ``tests.test_web``): what the user is told must be Chinese
and say what to do, never the browser's or the server's English."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.test_web import browser_page, login, web_server  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ENGLISH = re.compile(r"[A-Za-z]{4,}")


def test_a_calendar_or_item_that_is_not_json_is_explained_in_chinese(web_server: str, browser_page: Any) -> None:
    page, base = browser_page, web_server
    login(page, base, "admin")
    page.goto(f"{base}/web/#/admin/lianzhou?tab=calendar&year=2027")
    slot = page.locator("#cal-import .field-error")
    page.fill("#cal-doc", '{"year": 2027,\n  holidays: []}')
    page.click("#cal-import button[type=submit]")
    expect(slot).to_contain_text("第 2 行第 3 列附近格式有误")
    assert not ENGLISH.search(slot.inner_text().replace("JSON", "")), slot.inner_text()
    page.fill("#cal-doc", '{"year": 2027, "holidays": [')
    page.click("#cal-import button[type=submit]")
    expect(slot).to_contain_text("内容不完整")
    assert not ENGLISH.search(slot.inner_text().replace("JSON", "")), slot.inner_text()
    page.fill("#cal-doc", "  ")
    page.click("#cal-import button[type=submit]")
    expect(slot).to_contain_text("内容为空")
    # a file the server refuses names its fields in Chinese; the next, not even JSON, says only its own problem
    page.fill("#cal-doc", '{"year": 2027, "holidays": [], "workdays": [1]}')
    page.click("#cal-import button[type=submit]")
    form = page.locator("#cal-import")
    expect(form).to_contain_text("缺少必填项“依据”")
    expect(form).to_contain_text("“调休上班日”第1项类型不正确，应为对象")
    page.fill("#cal-doc", '{"year": 2027,')
    page.click("#cal-import button[type=submit]")
    expect(slot).to_contain_text("日历文件不是有效的 JSON")
    expect(form).not_to_contain_text("缺少必填项“依据”")

    page.goto(f"{base}/web/#/config/lianzhou")
    page.click("#dz-new")
    page.click("#dz-tab-json")
    page.fill("#cfg-doc", '{"code": "x",，}')
    expect(page.locator("#cfg-parse")).to_contain_text("JSON 格式错误：第 1 行第 14 列附近格式有误")
    assert not ENGLISH.search(page.locator("#cfg-parse").inner_text().replace("JSON", ""))


def test_the_designer_lists_problems_without_json_jargon(web_server: str, browser_page: Any) -> None:
    """Who builds an item on the designer's tabs is told what to fix, not JSON pointers, lines and error codes."""
    page, base = browser_page, web_server
    login(page, base, "lz-config")
    page.goto(f"{base}/web/#/config/lianzhou")
    page.click("#dz-new")
    for selector, value in (("#dz-name", "测试：事项（一）、“二”《三》"), ("#dz-code", "lyj-lmcfxk"), ("#dz-legalDays", "0"), ("#dz-promisedDays", "1")):
        page.fill(selector, value)
        page.locator(selector).blur()
    page.click("#cfg-save")
    summary = page.locator(".cfg-result .error-summary")
    expect(summary).to_contain_text("承诺办结时限（1个工作日）不能超过法定办结时限（0个工作日）")
    for jargon in ("[", "/promisedDays", "JSON 第"):
        assert jargon not in summary.inner_text(), summary.inner_text()
    # a deadline of 0 working days (即办) with 0 promised is valid; the code is another item's
    page.fill("#dz-promisedDays", "0")
    page.locator("#dz-promisedDays").blur()
    page.click("#cfg-save")
    expect(summary).to_contain_text("事项编码“lyj-lmcfxk”已存在")
    for jargon in ("[", "/code", "JSON 第", "update"):
        assert jargon not in summary.inner_text(), summary.inner_text()
    page.fill("#dz-code", "qa-jiban")
    page.locator("#dz-code").blur()
    page.click("#cfg-save")
    expect(page.locator(".cfg-result")).to_contain_text("已保存草稿：测试：事项（一）、“二”《三》（qa-jiban）")


def test_statistics_with_an_empty_date_say_so_in_chinese(web_server: str, browser_page: Any) -> None:
    """The supervisor clears a date of the period: told to choose a date, not graphql-core's English."""
    page, base = browser_page, web_server
    page.on("console", lambda m: None)
    login(page, base, "lz-super")
    page.goto(f"{base}/web/#/supervision/lianzhou")
    expect(page.locator("#statistics .stats")).to_be_visible()
    page.fill("#stat-from", "")
    page.click("#statistics button[type=submit]")
    failed = page.locator("#statistics .note-error")
    expect(failed).to_contain_text("日期未填写或不是有效日期")
    assert "Variable" not in failed.inner_text() and "isoformat" not in failed.inner_text(), failed.inner_text()
    page.click("#issue-register")
    expect(page.locator("#statistics .error-summary")).to_contain_text("日期未填写或不是有效日期")


def test_a_complaint_shows_the_department_and_window_by_name_and_dates_in_words(web_server: str, browser_page: Any) -> None:
    """The register of complaints names what the complaint is about as the hall says it, not by code."""
    page, base = browser_page, web_server
    login(page, base, "lz-super")
    page.goto(f"{base}/web/#/complaints/lianzhou")
    page.select_option("#f-department", label="连州市市场监督管理局")
    page.select_option("#f-window", label="市场监督管理局窗口")
    page.fill("#f-text", "窗口说“材料不齐，明天再来！”；未一次性告知。")
    page.dblclick("#complaint-form button[type=submit]")
    banner = page.locator(".banner-success")
    expect(banner).to_contain_text(re.compile(r"答复期限 \d{4}年\d{1,2}月\d{1,2}日"))
    rows = page.locator("#complaints-table tbody tr", has_text="明天再来")
    expect(rows).to_have_count(1)  # a double click files it once
    expect(rows).to_contain_text("连州市市场监督管理局 / 市场监督管理局窗口")
    expect(rows).to_contain_text(re.compile(r"\d{4}年\d{1,2}月\d{1,2}日"))
    assert "scjg" not in rows.inner_text() and "W05" not in rows.inner_text(), rows.inner_text()


def test_the_deadline_trial_asks_for_the_working_days_instead_of_taking_an_empty_box_as_0(web_server: str, browser_page: Any) -> None:
    page, base = browser_page, web_server
    login(page, base, "admin")
    page.goto(f"{base}/web/#/admin/lianzhou?tab=calendar&year=2027")
    page.fill("#due-from", "2027-03-05")
    page.fill("#due-days", "")
    page.click("#due-go")
    expect(page.locator("#due-result")).to_contain_text("请填写工作日数")
    expect(page.locator("#due-result")).not_to_contain_text("到期日")
    page.fill("#due-days", "0")  # 即办: a Friday's own day
    page.click("#due-go")
    expect(page.locator("#due-result")).to_contain_text("到期日：2027年3月5日")
    page.fill("#due-days", "1")  # the next working day, over the weekend
    page.click("#due-go")
    expect(page.locator("#due-result")).to_contain_text("到期日：2027年3月8日")


def test_publishing_the_assessment_with_an_empty_box_says_so_and_dates_read_as_dates(web_server: str, browser_page: Any) -> None:
    page, base = browser_page, web_server
    login(page, base, "lz-super")
    page.goto(f"{base}/web/#/assessment/lianzhou")
    page.click("text=年度数据与公示")
    form = page.locator("#publish-form")
    form.locator("[name=days]").fill("")
    form.locator("button[type=submit]").click()
    summary = form.locator(".error-summary")
    expect(summary).to_contain_text("有必填内容尚未填写")
    assert "Argument" not in summary.inner_text() and "None" not in summary.inner_text(), summary.inner_text()
    form.locator("[name=period]").fill("2026-Q3")
    form.locator("[name=days]").fill("3")
    form.locator("button[type=submit]").click()
    expect(page.locator(".banner-success")).to_contain_text(re.compile(r"已公示，至\d{4}年\d{1,2}月\d{1,2}日止"))
    expect(page.locator("main")).to_contain_text(re.compile(r"\d{4}年\d{1,2}月\d{1,2}日至\d{4}年\d{1,2}月\d{1,2}日（3个工作日）"))


def test_the_admin_screen_of_a_center_where_the_user_holds_no_post_says_so_and_shows_no_other_center(
        web_server: str, browser_page: Any) -> None:
    """It used to fall back to the user's first center: Lianzhou's staff under an address (and a
    footer) naming Wengyuan."""
    page, base = browser_page, web_server
    login(page, base, "lz-config")  # configurator of Lianzhou only
    page.goto(f"{base}/web/#/admin/wengyuan")
    refused = page.locator("#center-refused")
    expect(refused).to_contain_text("您在“翁源县公共服务中心”没有管理员或配置员岗位")
    expect(page.locator(".page-head .center-name")).to_have_text("翁源县公共服务中心")
    assert page.locator("#admin-staff").count() == 0 and page.locator("#center-switch").count() == 0
    assert "连州" not in page.locator(".page").inner_text().replace(refused.locator("a").inner_text(), "")
    refused.locator("a").click()  # the center the user may manage, by its own name and address
    expect(page.locator(".page-head .center-name")).to_contain_text("连州")
    assert page.url.endswith("#/admin/lianzhou")
    page.goto(f"{base}/web/#/admin/nosuch")
    expect(page.locator("#center-refused")).to_contain_text("没有代码为“nosuch”的中心")
    assert page.locator("#admin-staff").count() == 0
    login(page, base, "admin")  # an administrator of Wengyuan sees Wengyuan
    page.goto(f"{base}/web/#/admin/wengyuan?tab=org")
    expect(page.locator(".page-head .center-name")).to_have_text("翁源县公共服务中心")
    expect(page.locator("#admin-org")).to_be_visible()
