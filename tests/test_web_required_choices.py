"""A required 多选 with nothing ticked is not filled in, in the browser as over GraphQL.

The applicant's form sends a required multiple choice with nothing ticked as ``[]``, which JSON
Schema's ``required`` let through: 经营作物种类 left empty was filed. Runs against the demo server of
``tests/test_web.py``, with an item a configurator made in the designer.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.test_web import at, browser_page, login, web_server  # noqa: F401
from tests.test_web_screens import Api

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ITEM = {
    "code": "nyj-designed-choices", "name": "农作物种子生产经营许可（设计器）", "itemType": "行政许可", "department": "scjg",
    "legalDays": 20, "promisedDays": 12, "caseKind": "promised", "process": "standard", "place": "综合受理窗口",
    "materials": [{"code": "m01", "name": "申请表", "issuer": "申请人", "originals": 1, "copies": 0, "required": True, "role": "main"}],
    "checklist": [{"code": "c01", "text": "申请表已签字"}],
    "documents": ["acceptance_notice"],
    "form": {
        "type": "object", "title": "申请表", "x-order": ["applicantName", "crops"], "required": ["applicantName", "crops"],
        "properties": {
            "applicantName": {"type": "string", "title": "申请人名称", "maxLength": 50, "x-widget": "text"},
            "crops": {"type": "array", "title": "经营作物种类", "items": {"type": "string", "enum": ["水稻", "玉米", "蔬菜"]},
                      "uniqueItems": True, "x-widget": "checkbox"},
        },
    },
}


def test_a_required_multiple_choice_with_nothing_ticked_is_refused(web_server: str, browser_page: Any) -> None:  # noqa: F811
    from playwright.sync_api import expect

    base, page = web_server, browser_page
    api = Api(base)
    assert api("lz-config", 'mutation($d: JSON!) { defineItem(center: "lianzhou", definition: $d) { __typename } }',
               d=ITEM)["defineItem"]["__typename"] == "Item"
    assert api("lz-config", 'mutation { publishItem(center: "lianzhou", code: "nyj-designed-choices") { __typename } }'
               )["publishItem"]["__typename"] == "Item"
    login(page, base, "zhangsan")
    page.goto(f"{base}/web/#/hall/lianzhou/item/nyj-designed-choices/apply")
    page.fill(f"{at('/applicantName')} input", "连州市丰禾种业有限公司")
    page.click("button:has-text('提交申请')")
    expect(page.locator(f"{at('/crops')} .field-error")).to_contain_text("请填写“经营作物种类”")
    expect(page.locator(".submit-result, .note-success", has_text="提交成功")).to_have_count(0)
    page.check(f"{at('/crops')} label:has-text('水稻') input")
    expect(page.locator(f"{at('/crops')} .field-error")).to_be_hidden()  # ticked: the error goes
    page.click("button:has-text('提交申请')")
    expect(page.locator("main")).to_contain_text("提交成功")


ROWS_ITEM = {
    **ITEM, "code": "nyj-designed-rows", "name": "农作物种子生产经营许可（设计器，生产基地）",
    "form": {
        "type": "object", "title": "申请表", "x-order": ["applicantName", "bases"], "required": ["applicantName", "bases"],
        "properties": {
            "applicantName": {"type": "string", "title": "申请人名称", "maxLength": 50, "x-widget": "text"},
            "bases": {"type": "array", "title": "生产基地", "minItems": 1, "x-widget": "table", "items": {
                "type": "object", "x-order": ["place", "ownership", "leaseEnd"], "required": ["place", "ownership"],
                "additionalProperties": False,
                "properties": {
                    "place": {"type": "string", "title": "地点", "maxLength": 100, "x-widget": "text"},
                    "ownership": {"type": "string", "title": "权属", "enum": ["自有", "租赁"], "x-widget": "select"},
                    "leaseEnd": {"type": "string", "title": "租赁到期日", "format": "date", "x-widget": "date"},
                },
                # the designer's 显示条件 on a column: 租赁到期日 only for a leased base
                "allOf": [{"if": {"properties": {"ownership": {"const": "租赁"}}, "required": ["ownership"]},
                           "then": {"required": ["leaseEnd"]}}],
            }},
        },
    },
}


def test_a_column_shown_only_for_some_answers_shows_and_is_sent_row_by_row(web_server: str, browser_page: Any) -> None:  # noqa: F811
    """A column the designer shows only while another column of its row has a value (租赁到期日 for
    权属 租赁) was shown in every row, unmarked, and sent when filled: the server then asked for it in a
    leased row that gave no sign it was needed, and kept a date given for a base the applicant owns."""
    from playwright.sync_api import expect

    base, page = web_server, browser_page
    api = Api(base)
    assert api("lz-config", 'mutation($d: JSON!) { defineItem(center: "lianzhou", definition: $d) { __typename } }',
               d=ROWS_ITEM)["defineItem"]["__typename"] == "Item"
    assert api("lz-config", 'mutation { publishItem(center: "lianzhou", code: "nyj-designed-rows") { __typename } }'
               )["publishItem"]["__typename"] == "Item"
    login(page, base, "zhangsan")
    page.goto(f"{base}/web/#/hall/lianzhou/item/nyj-designed-rows/apply")
    page.fill(f"{at('/applicantName')} input", "连州市丰禾种业有限公司")
    lease = page.locator(f"{at('/bases/0/leaseEnd')} input")
    expect(lease).to_be_hidden()
    page.fill(f"{at('/bases/0/place')} input", "连州镇龙潭村")
    page.select_option(f"{at('/bases/0/ownership')} select", label="租赁")
    expect(lease).to_be_visible()
    expect(page.locator(f"{at('/bases')} th", has_text="租赁到期日").locator(".req")).to_be_visible()
    lease.fill("2030-12-31")
    page.click(f"{at('/bases')} button.add-row")
    page.fill(f"{at('/bases/1/place')} input", "西岸镇石兰村")
    page.select_option(f"{at('/bases/1/ownership')} select", label="租赁")
    page.fill(f"{at('/bases/1/leaseEnd')} input", "2029-06-30")
    page.select_option(f"{at('/bases/1/ownership')} select", label="自有")  # owned after all: no lease date
    expect(page.locator(f"{at('/bases/1/leaseEnd')} input")).to_be_hidden()
    page.click("button:has-text('提交申请')")
    expect(page.locator("main")).to_contain_text("提交成功")
    href = page.locator("a:has-text('查看办件')").get_attribute("href") or ""
    case = api("zhangsan", "query($id: ID!) { case(id: $id) { data } }", id=href.rstrip("/").split("/")[-1])["case"]
    assert case["data"]["bases"] == [{"place": "连州镇龙潭村", "ownership": "租赁", "leaseEnd": "2030-12-31"},
                                     {"place": "西岸镇石兰村", "ownership": "自有"}]
