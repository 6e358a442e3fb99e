"""What an applicant types in a number with a unit, and a date the item limits to one side of today.

`60%` in a field in % and `3,500元` in one in 元 said 应为数字, though the unit made the number plain;
a number too large to handle (数值超出可处理的范围) was said only in the top banner, not beside the
field; and a 股东会决议日期 of 2999 (``"x-today": "notAfter"``) is refused beside the field as soon as
it is left, as the server refuses it, and so is a 计划竣工日期 before the 计划开工日期 (``"x-notBefore"``). So is a 股东 table whose 出资比例 do not add up to 100
(``"x-total"``), which only the server said. A date-time (``"format": "date-time"``, the 请假单's 开始时间)
had no picker of its own: it gets a date and time picker whose answer is sent with the centers' offset
(2027-03-01T09:30:00+08:00, as the server's format asks), held to its start (``"x-notBefore"``) as it is
left, and read on the case page as 2027年3月1日 09:30. Runs against the demo server of ``tests/test_web.py``, with an
item a configurator made in the designer.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.test_web import at, browser_page, login, web_server  # noqa: F401
from tests.test_web_screens import Api

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ITEM = {
    "code": "scjg-units-dates", "name": "股东会决议备案（单位与日期）", "itemType": "行政许可", "department": "scjg",
    "legalDays": 20, "promisedDays": 12, "caseKind": "promised", "process": "standard", "place": "综合受理窗口",
    "materials": [{"code": "m01", "name": "决议", "issuer": "申请人", "originals": 1, "copies": 0, "required": True, "role": "main"}],
    "checklist": [{"code": "c01", "text": "决议已签字"}],
    "documents": ["acceptance_notice"],
    "form": {
        "type": "object", "title": "申请表", "x-order": ["unitName", "share", "rent", "staff", "resolvedOn", "visitOn", "plannedStart", "plannedEnd", "leaveFrom", "leaveUntil", "holders"],
        "required": ["unitName", "share", "rent", "resolvedOn"],
        "properties": {
            "unitName": {"type": "string", "title": "单位名称", "maxLength": 100, "x-widget": "text"},
            "share": {"type": "number", "title": "持股比例", "x-unit": "%", "minimum": 0, "maximum": 100, "x-widget": "number"},
            "rent": {"type": "number", "title": "月租金", "x-unit": "元", "x-widget": "number"},
            "staff": {"type": "integer", "title": "从业人数", "x-unit": "人", "x-widget": "number"},
            "resolvedOn": {"type": "string", "title": "股东会决议日期", "format": "date", "x-widget": "date", "x-today": "notAfter"},
            "visitOn": {"type": "string", "title": "预约日期", "format": "date", "x-widget": "date", "x-today": "notBefore"},
            "plannedStart": {"type": "string", "title": "计划开工日期", "format": "date", "x-widget": "date"},
            "plannedEnd": {"type": "string", "title": "计划竣工日期", "format": "date", "x-widget": "date", "x-notBefore": "plannedStart"},
            "leaveFrom": {"type": "string", "title": "开始时间", "format": "date-time"},
            "leaveUntil": {"type": "string", "title": "结束时间", "format": "date-time", "x-notBefore": "leaveFrom"},
            "holders": {"type": "array", "title": "股东", "x-widget": "table", "x-total": {"field": "stake", "equals": 100},
                        "items": {"type": "object", "x-order": ["name", "stake"], "required": ["name", "stake"],
                                  "properties": {"name": {"type": "string", "title": "股东名称"},
                                                 "stake": {"type": "number", "title": "出资比例", "x-unit": "%", "x-widget": "number"}}}},
        },
    },
}


def test_units_typed_with_the_number_and_dates_beyond_today(web_server: str, browser_page: Any) -> None:  # noqa: F811
    from playwright.sync_api import expect

    base, page = web_server, browser_page
    api = Api(base)
    defined = api("lz-config", 'mutation($d: JSON!) { defineItem(center: "lianzhou", definition: $d) { __typename ... on UserErrors { errors { path message } } } }',
                  d=ITEM)["defineItem"]
    assert defined["__typename"] == "Item", defined
    assert api("lz-config", 'mutation { publishItem(center: "lianzhou", code: "scjg-units-dates") { __typename } }'
               )["publishItem"]["__typename"] == "Item"
    login(page, base, "zhangsan")
    page.goto(f"{base}/web/#/hall/lianzhou/item/scjg-units-dates/apply")
    expect(page.locator("form.apply-form")).to_be_visible()
    page.fill(f"{at('/unitName')} input", "连州市单位示例有限公司")
    # a title without its unit (持股比例): the unit beside the input (one in the title is not repeated:
    # tests/test_web_form_unit_once.py)
    expect(page.locator(f"{at('/share')} .unit")).to_have_text("%")
    for path, typed, shown in (("/share", "60%", "60"), ("/share", "６０％", "60"), ("/rent", "3,500元", "3,500")):
        box = page.locator(f"{at(path)} input")
        box.fill(typed)
        box.press("Tab")
        expect(box).to_have_value(shown)
    # a number too large to handle: said beside the field, not only in the banner
    page.fill(f"{at('/staff')} input", "100000000000000000000")
    future = page.locator(f"{at('/resolvedOn')} input")
    future.fill("2999-01-01")
    future.press("Tab")
    expect(page.locator(f"{at('/resolvedOn')} .field-error")).to_contain_text("“股东会决议日期”不能晚于今天")
    past = page.locator(f"{at('/visitOn')} input")
    past.fill("2001-01-01")
    past.press("Tab")
    expect(page.locator(f"{at('/visitOn')} .field-error")).to_contain_text("“预约日期”不能早于今天")
    # a completion before the start: said beside the completion as it is left, in the server's words;
    # gone once the start moves before it
    page.fill(f"{at('/plannedStart')} input", "2027-03-01")
    end = page.locator(f"{at('/plannedEnd')} input")
    end.fill("2027-02-28")
    end.press("Tab")
    expect(page.locator(f"{at('/plannedEnd')} .field-error")).to_have_text("“计划竣工日期”不能早于“计划开工日期”")
    start = page.locator(f"{at('/plannedStart')} input")
    start.fill("2027-02-01")
    start.press("Tab")
    expect(page.locator(f"{at('/plannedEnd')} .field-error")).to_be_hidden()
    start.fill("2027-03-01")
    start.press("Tab")
    expect(page.locator(f"{at('/plannedEnd')} .field-error")).to_have_text("“计划竣工日期”不能早于“计划开工日期”")
    # a date and a time: the picker's time on the centers' clock, held to its start as it is left
    leave_from, leave_until = page.locator(f"{at('/leaveFrom')} input"), page.locator(f"{at('/leaveUntil')} input")
    expect(leave_from).to_have_attribute("type", "datetime-local")
    leave_from.fill("2027-03-01T09:30")
    leave_until.fill("2027-03-01T08:00")
    leave_until.press("Tab")
    expect(page.locator(f"{at('/leaveUntil')} .field-error")).to_have_text("“结束时间”不能早于“开始时间”")
    leave_until.fill("2027-03-01T17:30")
    leave_until.press("Tab")
    expect(page.locator(f"{at('/leaveUntil')} .field-error")).to_be_hidden()
    # 股东 60% + 30%: said beside the table as the server says it, as soon as the table is left
    page.fill(f"{at('/holders/0/name')} input", "甲公司")
    page.fill(f"{at('/holders/0/stake')} input", "60")
    page.click(f"{at('/holders')} button.add-row")
    page.fill(f"{at('/holders/1/name')} input", "乙公司")
    stake = page.locator(f"{at('/holders/1/stake')} input")
    stake.fill("30")
    page.click(f"{at('/unitName')} input")  # the table is left
    holders = page.locator(f"{at('/holders')} > .field-error")
    expect(holders).to_have_text("“股东”的“出资比例”合计应为100%（现为90%）")
    page.click("button:has-text('提交申请')")
    expect(page.locator(f"{at('/staff')} .field-error")).to_contain_text("数值超出可处理的范围")
    stake.fill("40")
    stake.press("Tab")
    expect(holders).to_be_hidden()

    page.fill(f"{at('/staff')} input", "12人")
    page.click("button:has-text('提交申请')")  # the server says it too, in the summary and at the same field
    expect(page.locator(".error-summary")).to_contain_text("“计划竣工日期”不能早于“计划开工日期”")
    expect(page.locator(f"{at('/plannedEnd')} .field-error")).to_contain_text("“计划竣工日期”不能早于“计划开工日期”")
    end.fill("2027-03-01")  # the same day: a period
    future.fill("2020-05-06")
    past.fill("")
    page.click("button:has-text('提交申请')")
    expect(page.locator(".success-box")).to_be_visible()
    number = page.locator(".success-box .case-number").inner_text()
    mine = api("zhangsan", "{ myCases(first: 20) { edges { node { id number data } } } }")["myCases"]["edges"]
    ((case_id, data),) = [(e["node"]["id"], e["node"]["data"]) for e in mine if e["node"]["number"] == number]
    assert (data["share"], data["rent"], data["staff"], data["resolvedOn"]) == (60, 3500, 12, "2020-05-06")
    assert "visitOn" not in data and (data["plannedStart"], data["plannedEnd"]) == ("2027-03-01", "2027-03-01")
    assert data["holders"] == [{"name": "甲公司", "stake": 60}, {"name": "乙公司", "stake": 40}]
    assert (data["leaveFrom"], data["leaveUntil"]) == ("2027-03-01T09:30:00+08:00", "2027-03-01T17:30:00+08:00")
    # the case page reads the date-times as dates are read, on the centers' clock
    page.goto(f"{base}/web/#/case/lianzhou/{case_id}")
    shown = page.locator("section.card", has=page.locator("h2", has_text="申报内容"))
    expect(shown.locator("dd", has_text="2027年3月1日 09:30")).to_have_count(1)
    expect(shown.locator("dd", has_text="2027年3月1日 17:30")).to_have_count(1)
    assert "2027-03-01T" not in shown.inner_text()
