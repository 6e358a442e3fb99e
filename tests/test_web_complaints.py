"""The complaints screen (#/complaints) in headless Chromium, in 翁源 — a center without the assessment
plugin: the front desk takes a 12345 complaint, the supervisor assigns and escalates it, the handler
replies in writing, the supervisor verifies it; the second substantiated complaint against the same
person shows 下岗 in the supervisor's consequences."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.test_web import browser_page, login, logout  # noqa: F401
from tests.test_web_screens import Api, api, demo_db, web_server  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def ready(page: Any) -> None:
    from playwright.sync_api import expect

    expect(page.locator(".page[data-ready=true]")).to_be_visible()


def test_a_complaint_in_a_center_without_the_assessment_plugin(web_server: str, browser_page: Any, api: Api) -> None:
    from playwright.sync_api import expect

    base, page = web_server, browser_page
    centers = api("wy-super", "{ centers { code plugins } }")["centers"]
    assert "assessment" not in next(c for c in centers if c["code"] == "wengyuan")["plugins"]

    login(page, base, "wy-clerk")  # the front desk takes it
    page.goto(f"{base}/web/#/complaints/wengyuan")
    # a letter with a mistyped case number and no complainant: both named at once, nothing typed lost
    page.select_option("#f-channel", "written")
    page.fill("#f-case", "WY-20260101-999999")
    page.fill("#f-text", "来信：窗口三次让补同一份材料")
    page.click("#complaint-form button[type=submit]")
    expect(page.locator("#complaint-form [data-path='/case'] .field-error")).to_contain_text("请核对办件编号")
    expect(page.locator("#complaint-form [data-path='/complainant'] .field-error")).to_contain_text("书面投诉须书面答复")
    expect(page.locator("#f-text")).to_have_value("来信：窗口三次让补同一份材料")
    page.fill("#f-case", "")
    page.select_option("#f-channel", "hotline")
    page.fill("#f-complainant", "王女士 13800138000")
    page.fill("#f-staff", "wy-scjg")
    page.fill("#f-text", "12345转来：窗口三次让补同一份材料")
    page.click("#complaint-form button[type=submit]")
    expect(page.locator(".banner-success")).to_contain_text("答复期限")
    row = page.locator("#complaints-table tbody tr", has_text="三次让补同一份材料")
    expect(row).to_contain_text("待分派")
    logout(page)

    login(page, base, "wy-super")  # assigns and escalates
    page.goto(f"{base}/web/#/complaints/wengyuan")
    row = page.locator("#complaints-table tbody tr", has_text="三次让补同一份材料")
    row.locator("summary").click()
    row.locator("input[name=assignee]").fill("wy-scjg")
    row.locator("button[data-assign]").click()
    expect(row.locator("[data-action^='assign-'] .field-error")).to_contain_text("不能把投诉分派给被投诉人")
    row.locator("input[name=assignee]").fill("罗斌")  # by the name the supervisor knows
    row.locator("button[data-assign]").click()
    expect(page.locator(".banner-success")).to_contain_text("办理中")
    ready(page)
    row = page.locator("#complaints-table tbody tr", has_text="三次让补同一份材料")
    expect(row).to_contain_text("办理中（罗斌（翁源首席代表））")  # the handler's name, not the account wy-head
    row.locator("summary").click()
    row.locator("textarea[name=note]").fill("涉及两个部门")
    row.locator("button[data-escalate]").click()
    expect(page.locator(".banner-success")).to_contain_text("上报主任室")
    logout(page)

    login(page, base, "wy-head")  # the handler replies in writing
    page.goto(f"{base}/web/#/complaints/wengyuan")
    row = page.locator("#complaints-table tbody tr", has_text="三次让补同一份材料")
    row.locator("summary").click()
    row.locator("button[data-reply]").click()
    expect(row.locator("[data-action^='reply-'] .field-error")).to_contain_text("书面投诉须书面答复")
    row.locator("textarea[name=reply]").fill("已书面答复：材料清单已统一，一次告知")
    row.locator("button[data-reply]").click()
    expect(page.locator(".banner-success")).to_contain_text("已答复")
    ready(page)
    row = page.locator("#complaints-table tbody tr", has_text="三次让补同一份材料")
    expect(row.locator("button[data-verify]")).to_have_count(0)  # only the supervision office verifies
    logout(page)

    login(page, base, "wy-super")  # verifies: the first substantiated complaint is announced
    page.goto(f"{base}/web/#/complaints/wengyuan")
    row = page.locator("#complaints-table tbody tr", has_text="三次让补同一份材料")
    row.locator("summary").click()
    expect(row.locator("ol.steps")).to_contain_text("上报主任室")
    number = row.locator("td").first.inner_text().strip()
    row.locator("button[data-verify]").click()
    expect(page.locator(".banner-success")).to_contain_text(f"第{number}号投诉已核查：属实")  # which complaint
    ready(page)
    expect(page.locator("#consequences-table")).to_contain_text("通报")

    # a second one against the same person, taken by the supervisor: 下岗, for the center's decision
    page.fill("#f-staff", "wy-scjg")
    page.fill("#f-text", "推诿不办，让群众找别的部门")
    page.click("#complaint-form button[type=submit]")
    expect(page.locator(".banner-success")).to_contain_text("投诉已登记")
    ready(page)
    row = page.locator("#complaints-table tbody tr", has_text="推诿不办")
    row.locator("summary").click()
    row.locator("textarea[name=reply]").last.fill("经调查属实，已当面答复")
    row.locator("button[data-verify]").click()
    expect(page.locator(".banner-success")).to_contain_text("属实")
    ready(page)
    consequence = page.locator("#consequences-table tbody tr", has_text="wy-scjg")
    expect(consequence).to_contain_text("下岗")
    expect(consequence).to_contain_text("2")


def test_the_front_desk_names_the_case_a_caller_complains_about(web_server: str, browser_page: Any, api: Api) -> None:
    """A caller knows their case by its number: the intake takes it, the register shows the case and its
    department; a number the center does not have is said at the case field."""
    from playwright.sync_api import expect

    base, page = web_server, browser_page
    case = api.submit()
    login(page, base, "lz-clerk")
    page.goto(f"{base}/web/#/complaints/lianzhou")
    page.select_option("#f-channel", "phone")
    page.fill("#f-case", "LZ-20200101-999999")
    page.fill("#f-text", "电话投诉：网上申报后三天无人联系")
    page.click("#complaint-form button[type=submit]")
    expect(page.locator("#complaint-form [data-path='/case'] .field-error")).to_contain_text("本中心没有办件“LZ-20200101-999999”")
    page.fill("#f-case", case["number"])
    page.click("#complaint-form button[type=submit]")
    expect(page.locator(".banner-success")).to_contain_text("答复期限")
    row = page.locator("#complaints-table tbody tr", has_text="网上申报后三天无人联系")
    expect(row).to_contain_text(case["number"])
    expect(row).to_contain_text("连州市市场监督管理局")
    logout(page)


def test_the_front_desk_takes_a_letter_only_with_who_wrote_it(web_server: str, browser_page: Any, api: Api) -> None:
    """书面投诉 is answered in writing: the form says its complainant and address or phone are needed, and
    a letter without them is refused at that field."""
    from playwright.sync_api import expect

    base, page = web_server, browser_page
    login(page, base, "lz-clerk")
    page.goto(f"{base}/web/#/complaints/lianzhou")
    expect(page.locator("#f-complainant-help")).to_have_text("书面投诉必填：姓名及通讯地址或电话（寄送书面答复）")
    # at 1366 px each field is a quarter of the form: its placeholder shows whole, not cut off inside the box
    page.set_viewport_size({"width": 1366, "height": 768})
    for field in ("#f-complainant", "#f-case"):
        room, needed = page.eval_on_selector(field, """(e) => {
            const s = getComputedStyle(e), c = document.createElement("canvas").getContext("2d");
            c.font = s.font;
            return [e.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight), c.measureText(e.placeholder).width];
        }""")
        assert needed <= room, (field, needed, room)
    # the case field's example is a form, not a number dated yesterday that could pass for a real one
    assert not re.search(r"\d{8}", page.get_attribute("#f-case", "placeholder") + page.inner_text("[data-path='/case']"))
    page.select_option("#f-channel", "written")
    page.fill("#f-complainant", "  ")
    page.fill("#f-text", "来信：窗口人员午休时间提前离岗")
    page.click("#complaint-form button[type=submit]")
    expect(page.locator("#complaint-form [data-path='/complainant'] .field-error")).to_contain_text(
        "书面投诉须书面答复，请填写投诉人姓名及通讯地址或联系电话")
    page.fill("#f-complainant", "赵女士 连州市北山路8号")
    page.click("#complaint-form button[type=submit]")
    expect(page.locator(".banner-success")).to_contain_text("答复期限")
    expect(page.locator("#complaints-table tbody tr", has_text="午休时间提前离岗")).to_contain_text("赵女士 连州市北山路8号")
    logout(page)


def test_an_unsigned_12345_transfer_is_anonymous_and_its_result_is_recorded_for_publicity(web_server: str, browser_page: Any) -> None:
    """A 12345 transfer without a name or a way to reach its caller: the register says 匿名，无需书面答复,
    and the handler records the result (公示) instead of a written reply, which the hall lists for its
    公示期 (90 days unless the center sets another)."""
    from playwright.sync_api import expect

    base, page = web_server, browser_page
    login(page, base, "wy-clerk")
    page.goto(f"{base}/web/#/complaints/wengyuan")
    page.select_option("#f-channel", "hotline")
    page.fill("#f-text", "12345转来：大厅饮水机无水")
    page.click("#complaint-form button[type=submit]")
    expect(page.locator(".banner-success")).to_contain_text("匿名投诉已登记")
    expect(page.locator(".banner-success")).to_contain_text("无需书面答复")
    row = page.locator("#complaints-table tbody tr", has_text="大厅饮水机无水")
    expect(row.locator("[data-anonymous]")).to_have_text("（匿名，无需书面答复，处理结果公示）")
    logout(page)

    login(page, base, "wy-super")
    page.goto(f"{base}/web/#/complaints/wengyuan")
    row = page.locator("#complaints-table tbody tr", has_text="大厅饮水机无水")
    row.locator("summary").click()
    expect(row.locator("button[data-reply]")).to_have_text("记录处理结果（公示）")
    row.locator("button[data-reply]").click()
    expect(row.locator("[data-action^='reply-'] .field-error")).to_contain_text("匿名投诉无需书面答复，请填写处理结果")
    row.locator("[data-action^='reply-'] textarea[name=reply]").fill("已安排每日两次补水")
    row.locator("button[data-reply]").click()
    expect(page.locator(".banner-success")).to_contain_text("已记录处理结果")
    ready(page)
    row = page.locator("#complaints-table tbody tr", has_text="大厅饮水机无水")
    expect(row).to_contain_text("已记录处理结果")
    row.locator("summary").click()
    expect(row.locator("details p")).to_contain_text("处理结果（公示）：已安排每日两次补水")
    expect(row.locator("ol.steps")).to_contain_text("处理结果公示")
    expect(row).not_to_contain_text("书面答复：")
    logout(page)
    # 公示: anyone reads the result on the center's page in 办事大厅, without whom or what was written
    page.goto(f"{base}/web/#/hall/wengyuan")
    ready(page)
    published = page.locator("#complaint-results-table tbody tr", has_text="已安排每日两次补水")
    expect(published).to_contain_text("12345热线投诉")
    expect(published).to_contain_text("核查中")
    expect(page.locator("#complaint-results-period")).to_contain_text("公示期90天")  # the center sets no other
    expect(page.locator("#complaint-results")).not_to_contain_text("大厅饮水机无水")
