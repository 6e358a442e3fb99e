"""Dates in a case's data read as the documents write them (2026年10月10日), not as ISO; a number
with a unit (the designer's 数字 with 单位) reads with it (120.5平方米), not as a bare 120.5.

The case page (the applicant's, the department's review view, the pickup window's, and its printout)
showed 名称保留期至 2026-10-10 and a 日期区间 as two rows of ISO dates, where the README promises the
documents' form. Runs against the demo server of ``tests/test_web.py``, with an item a configurator
made in the designer (a date, a 日期区间, a table with a date column).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.test_web import browser_page, login, logout, web_server  # noqa: F401
from tests.test_web_screens import Api

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PERIOD = {
    "title": "申请经营期限", "type": "object", "x-kind": "dateRange", "x-order": ["start", "end"],
    "properties": {"start": {"type": "string", "title": "开始日期", "format": "date", "x-widget": "date"},
                   "end": {"type": "string", "title": "结束日期", "format": "date", "x-widget": "date"}},
    "required": ["start", "end"], "additionalProperties": False,
}
ITEM = {
    "code": "scjg-designed-dates", "name": "食品经营许可（设计器日期）", "itemType": "行政许可", "department": "scjg",
    "legalDays": 20, "promisedDays": 12, "caseKind": "promised", "process": "standard", "place": "综合受理窗口",
    "materials": [{"code": "m01", "name": "申请书", "issuer": "申请人", "originals": 1, "copies": 0, "required": True, "role": "main"}],
    "checklist": [{"code": "c01", "text": "申请书已签字"}],
    "documents": ["acceptance_notice"],
    "form": {
        "type": "object", "title": "申请表", "x-order": ["unitName", "foundedOn", "period", "area", "bases"],
        "required": ["unitName", "foundedOn", "period"],
        "properties": {
            "unitName": {"type": "string", "title": "单位名称", "maxLength": 100, "x-widget": "text"},
            "foundedOn": {"type": "string", "title": "成立日期", "format": "date", "x-widget": "date"},
            "period": PERIOD,
            "area": {"type": "number", "title": "经营面积", "x-unit": "平方米", "x-widget": "number"},
            "bases": {"type": "array", "title": "经营场所", "x-widget": "table",
                      "items": {"type": "object", "x-order": ["address", "leaseEnd", "rent"],
                                "properties": {"address": {"type": "string", "title": "地址", "maxLength": 100},
                                               "leaseEnd": {"type": "string", "title": "租赁到期日", "format": "date"},
                                               "rent": {"type": "number", "title": "月租金", "x-unit": "元/月"}}}},
        },
    },
}
DATA = {"unitName": "连州市日期示例餐饮有限公司", "foundedOn": "2020-03-05",
        "period": {"start": "2026-10-10", "end": "2031-10-09"}, "area": 120.5,
        "bases": [{"address": "连州镇中山路8号", "leaseEnd": "2030-12-31", "rent": 3500}]}


def test_the_case_page_shows_dates_as_the_documents_write_them(web_server: str, browser_page: Any) -> None:  # noqa: F811
    from playwright.sync_api import expect

    base, page = web_server, browser_page
    api = Api(base)
    defined = api("lz-config", 'mutation($d: JSON!) { defineItem(center: "lianzhou", definition: $d) { __typename ... on UserErrors { errors { path message } } } }',
                  d=ITEM)["defineItem"]
    assert defined["__typename"] == "Item", defined
    assert api("lz-config", 'mutation { publishItem(center: "lianzhou", code: "scjg-designed-dates") { __typename } }'
               )["publishItem"]["__typename"] == "Item"
    case = api.submit(item="scjg-designed-dates", data=DATA)

    def shown(user: str) -> Any:
        login(page, base, user)
        page.goto(f"{base}/web/#/case/lianzhou/{case['id']}")
        data = page.locator("section.card", has=page.locator("h2", has_text="申报内容"))
        expect(data).to_contain_text("连州市日期示例餐饮有限公司")
        return data

    data = shown("zhangsan")  # the applicant
    expect(data.locator("dd", has_text="2020年3月5日")).to_have_count(1)
    expect(data.locator("dd", has_text="2026年10月10日至2031年10月9日")).to_have_count(1)
    expect(data.locator("td[data-label=租赁到期日]")).to_have_text("2030年12月31日")
    expect(data.locator("dd", has_text="120.5平方米")).to_have_count(1)
    expect(data.locator("td[data-label=月租金]")).to_have_text("3500元/月")
    assert "2020-03-05" not in data.inner_text() and "2026-10-10" not in data.inner_text() and "2030-12-31" not in data.inner_text()

    api.act("lz-clerk", case, "accept", data={"checklist": ["c01"], "originalsChecked": True,
                                              "received": [{"material": "m01", "form": "original", "count": 1}]})
    api.receive("lz-scjg", api.handover("lz-clerk", case, department="scjg"))
    logout(page)
    data = shown("lz-scjg")  # the department's review view, as printed
    page.emulate_media(media="print")
    expect(data.locator("dd", has_text="2026年10月10日至2031年10月9日")).to_be_visible()
    page.emulate_media(media="screen")
    assert "2026-10-10" not in data.inner_text()
