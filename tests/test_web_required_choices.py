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
