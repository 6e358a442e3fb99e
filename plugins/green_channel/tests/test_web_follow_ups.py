"""先办理，后补齐 on the screens, in headless Chromium on the demo's Kunshan (the server of
``tests.test_web_screens``): the case page's 绿色通道 card lists the materials to follow with their
date (暂定 when it is), the clerk records one of them there, the register says how many are still to come, and once
their date has passed and the sweeper went round, 已逾期 shows on the register, the project's form and
the case page, and the clerk's workbench has the sweeper's message."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.test_web import USCC, browser_page, login, logout  # noqa: F401
from tests.test_web_screens import COMPANY, Api, api, demo_db, web_server  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[3]
PROJECT = {"kind": "enterprise", "investor": "domestic", "registeredCapital": 8000, "name": "昆山后补跟踪示例项目",
           "applicant": "昆山后补跟踪示例有限公司", "uscc": USCC, "endItem": "scjg-gssldj"}
ACCEPTANCE = {"checklist": ["c01", "c02", "c03", "c04", "c05"], "originalsChecked": True,
              "received": [{"material": "m01", "form": "original", "count": 1}, {"material": "m02", "form": "original", "count": 1}],
              "materialsToFollow": ["m05", "m06"]}
LATER = "指定代表或委托代理人授权委托书及其身份证件"


def cn(day: str) -> str:
    year, month, date = (int(x) for x in day.split("-"))
    return f"{year}年{month}月{date}日"


def test_the_window_records_materials_to_follow_and_sees_them_late(
    web_server: str, browser_page: Any, api: Api, demo_db: Path, tmp_path: Path  # noqa: F811
) -> None:
    from playwright.sync_api import expect

    base, page = web_server, browser_page
    case = api.submit(center="kunshan", data={**COMPANY, "enterpriseName": PROJECT["applicant"]})
    project = api("ks-clerk", "mutation($i: JSON!) { registerGreenProject(center: \"kunshan\", input: $i) { ... on GreenProject { id number } } }",
                  i=PROJECT)["registerGreenProject"]

    # the register's form asks for the amounts the kind of project counts: a construction project's investment, not capital
    login(page, base, "ks-clerk")
    page.goto(f"{base}/web/#/green/kunshan")
    page.select_option("#green-form select[name=kind]", "construction")
    expect(page.locator("#green-form select[name=investor]")).to_be_hidden()
    expect(page.locator("#green-form input[name=registeredCapital]")).to_be_hidden()
    expect(page.locator("#green-form input[name=investment]")).to_be_visible()
    page.select_option("#green-form select[name=kind]", "enterprise")
    expect(page.locator("#green-form input[name=investment]")).to_be_hidden()
    expect(page.locator("#green-form input[name=registeredCapital]")).to_be_visible()

    # the project's page shows what it was registered on; the clerk links the case by its number as typed
    page.goto(f"{base}/web/#/green/kunshan/{project['id']}")
    expect(page.locator("#green-basis")).to_have_text("注册资本或增资额在5000万元以上的内资企业设立登记项目（注册资本8000万元）")
    link = page.locator("#link-case")
    link.locator("button[type=submit]").click()
    expect(link.locator("[data-path='/case'] .field-error")).to_have_text("请填写办件编号")
    link.locator("input[name=case]").fill("KS-2026")
    link.locator("button[type=submit]").click()
    expect(link.locator("[data-path='/case'] .field-error")).to_have_text("本中心没有编号为 KS-2026 的办件，请按受理回执核对办件编号")
    expect(link.locator("input[name=case]")).to_have_value("KS-2026")
    link.locator("input[name=case]").fill(f" {case['number'].lower()} ")
    link.locator("button[type=submit]").click()
    expect(page.locator(".banner-success")).to_contain_text("已纳入绿色通道项目")
    expect(page.locator("#green-steps")).to_contain_text(case["number"])
    api.act("ks-clerk", case, "finish_on_spot", data=ACCEPTANCE)
    due = api("ks-clerk", "query($id: ID!) { greenCase(case: $id) { step { followDue } } }", id=case["id"])["greenCase"]["step"]["followDue"]
    with sqlite3.connect(demo_db) as db:  # as if m06's date were counted over a year whose holidays are not published yet
        db.execute("UPDATE green_follow_up SET provisional = 1 WHERE code = 'm06'"
                   " AND step_id = (SELECT id FROM green_step WHERE case_id = ?)", (int(case["id"]),))

    # the case page: both to come, by the date; the clerk records the first, a copy
    page.goto(f"{base}/web/#/case/kunshan/{case['id']}")
    card = page.locator("#green-follow-up")
    expect(card).to_contain_text("后补材料（先办理，后补齐）")
    expect(card.locator("tr[data-material=m05]")).to_contain_text("待补齐")
    expect(card.locator("tr[data-material=m05] td[data-label=补齐期限]")).to_have_text(cn(due))
    expect(card.locator("tr[data-material=m06] td[data-label=补齐期限] .provisional")).to_have_text("暂定")
    form = page.locator("#green-follow-form")
    form.locator("button[type=submit]").click()  # nothing ticked: said, nothing recorded
    expect(form).to_contain_text("请登记窗口收取的材料")
    form.locator("li[data-material=m05] input[type=checkbox]").check()
    form.locator("li[data-material=m05] select").select_option("copy")
    form.locator("button[type=submit]").click()
    expect(page.locator(".banner-success")).to_contain_text(f"已登记收取，尚待补齐：{LATER}")
    card = page.locator("#green-follow-up")
    expect(card.locator("tr[data-material=m05]")).to_contain_text("已补齐")
    expect(card.locator("tr[data-material=m06]")).to_contain_text("待补齐")
    expect(page.locator("#green-follow-form li[data-material=m05]")).to_have_count(0)
    expect(page.locator("ol.timeline")).to_contain_text(f"纳入绿色通道项目 {project['number']}（{PROJECT['name']}）")
    expect(page.locator("ol.timeline")).to_contain_text("收取后补材料")
    expect(page.locator("ol.timeline")).to_contain_text(f"尚待补齐：{LATER}")
    expect(page.locator("#case-materials .material-row", has_text="住所（经营场所）使用证明")).to_contain_text("复印件1份")
    card.screenshot(path=str(tmp_path / "case-green-card.png"))

    # the register: one still to come, not late
    page.goto(f"{base}/web/#/green/kunshan")
    row = page.locator("#green-table tr", has_text=PROJECT["name"])
    expect(row.locator("td[data-label=待补齐材料]")).to_contain_text("1项")
    expect(row.locator("td[data-label=待补齐材料] .provisional")).to_have_text("暂定")  # m06's date
    expect(row.locator(".follow-late")).to_have_count(0)

    # the days pass: its date is moved back, and the sweeper goes round (govhall sweep --once)
    with sqlite3.connect(demo_db) as db:
        db.execute("UPDATE green_follow_up SET due = date('now', '-3 days') WHERE code = 'm06'"
                   " AND step_id = (SELECT id FROM green_step WHERE case_id = ?)", (int(case["id"]),))
    swept = subprocess.run([sys.executable, "-m", "core.faces.cli", "sweep", "--once"], cwd=ROOT, capture_output=True, text=True,
                           env={**os.environ, "GOVHALL_DATABASE_URL": f"sqlite:///{demo_db}"}, timeout=120)
    assert swept.returncode == 0, swept.stderr
    page.reload()
    row = page.locator("#green-table tr", has_text=PROJECT["name"])
    expect(row.locator(".follow-late")).to_have_text("已逾期")
    row.locator("a").first.click()
    expect(page.locator("#green-steps li[data-material=m06]")).to_contain_text("已逾期")
    expect(page.locator("#green-steps li[data-material=m05]")).to_contain_text("已补齐")
    page.screenshot(path=str(tmp_path / "green-project.png"), full_page=True)
    page.goto(f"{base}/web/#/work/kunshan")
    expect(page.locator("#messages-table")).to_contain_text("【后补材料逾期】")
    page.goto(f"{base}/web/#/case/kunshan/{case['id']}")
    expect(page.locator("#green-follow-up .note-error")).to_contain_text(f"后补材料已逾期未补：{LATER}")
    expect(page.locator("ol.timeline")).to_contain_text("后补材料逾期提醒")

    # the applicant sees what is late, and records nothing
    logout(page)
    login(page, base, "zhangsan")
    page.goto(f"{base}/web/#/case/kunshan/{case['id']}")
    expect(page.locator("#green-follow-up tr[data-material=m06]")).to_contain_text("已逾期")
    expect(page.locator("#green-follow-up")).to_contain_text("请尽快到窗口补齐")
    expect(page.locator("#green-follow-form")).to_have_count(0)
    page.locator("#green-follow-up").screenshot(path=str(tmp_path / "case-green-card-applicant.png"))
