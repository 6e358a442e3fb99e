"""The pickup window recognises the legal representative a form keeps in its own fields.

Most shipped forms (食品经营许可, 公共场所卫生许可, 印章刻制备案…) record the legal representative as
``legalRepName`` and ``legalRepIdNumber`` beside each other, not as a ``{name, idNumber}`` object: the
representative who comes to collect the licence is the applicant's own person, so the screen says so and
hands it out without a power of attorney. Runs against the demo server of ``tests/test_web_screens.py``.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.test_web import browser_page, login  # noqa: F401
from tests.test_web_screens import Api, api, demo_db, web_server  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.slow]

REPRESENTATIVE, REP_ID = "欧阳娜娜·阿不都热合曼", "11010519491231002X"
FOOD = {
    "operatorName": "连州市欧阳娜娜·阿不都热合曼餐饮管理有限责任公司第一分公司", "uscc": "91310115591693856A",
    "legalRepName": REPRESENTATIVE, "legalRepIdNumber": REP_ID, "legalRepMobile": "13800138000",
    "residence": "连州市中山路1号", "premises": "连州市中山路1号", "entityType": "餐饮服务经营者",
    "businessItems": ["热食类食品制售"], "area": 120,
    "safetyManager": {"name": "李四", "idNumber": "440524188001010014", "mobile": "13900139000"},
    "staffCount": 5, "seats": 40, "onlineSales": False, "procedure": "一般程序",
    "equipment": [{"name": "冰箱", "quantity": 2, "location": "后厨"}],
}
RECEIVED = [{"material": code, "form": "original", "count": 1} for code in ("m01", "m03", "m04")]



def food_licence_handed_out(page: Any, base: str, api: Any, data: dict, receiver: str) -> dict:
    """A 食品经营许可 application of ``data`` accepted, approved and handed out at the pickup window to
    the legal representative, who gives their name as ``receiver`` (no power of attorney ticked: none
    is needed); the case, its receipt shown."""
    from playwright.sync_api import expect

    case = api.submit(item="scjg-spjyxk", data=data)
    api.act("lz-clerk", case, "accept", data={"checklist": ["c01", "c02", "c03", "c04"], "originalsChecked": True,
                                              "received": RECEIVED})
    approved_to_the_representative(page, base, api, case, receiver=receiver)
    page.click("#deliver-form button[type=submit]")
    expect(page.locator("#pickup-receipt")).to_contain_text(case["number"])
    return case


def approved_to_the_representative(page: Any, base: str, api: Any, case: dict, receiver: str = REPRESENTATIVE) -> None:
    """The accepted ``case`` approved by its department and at the pickup window, where the legal
    representative gives their name (``receiver``, as typed) and ID number and the screen finds them
    in the application."""
    from playwright.sync_api import expect

    api.receive("lz-scjg", api.handover("lz-clerk", case, department="scjg"))
    api.act("lz-scjg", case, "approve", comment="符合条件，准予许可")
    api.handover("lz-scjg", case, pickup=True)
    login(page, base, "lz-pickup")
    page.goto(f"{base}/web/#/pickup/lianzhou")
    page.locator("#pickup-table tr", has_text=case["number"]).locator("button[data-deliver]").click()
    page.click("#receive-result")
    page.fill("#f-receiver", receiver)
    page.fill("#f-idNumber", REP_ID)
    expect(page.locator("#deliver-form .check-result")).to_contain_text("领取人与申请人（申请材料中登记的人员）一致")


def test_the_legal_representative_in_the_forms_own_fields_collects_without_a_power_of_attorney(
    web_server: str, browser_page: Any, api: Api  # noqa: F811
) -> None:
    from playwright.sync_api import expect

    base, page = web_server, browser_page
    food_licence_handed_out(page, base, api, FOOD, receiver=REPRESENTATIVE)
    receipt = page.locator("#pickup-receipt")
    expect(receipt).to_contain_text(REPRESENTATIVE)


# An item a county made in the designer: keys of the configurator's own, the people told by the titles.
DESIGNED = {
    "code": "scjg-designed-people", "name": "公共场所卫生许可（设计器）", "itemType": "行政许可", "department": "scjg",
    "legalDays": 20, "promisedDays": 7, "caseKind": "promised", "process": "standard", "place": "综合受理窗口",
    "materials": [{"code": "m01", "name": "申请书", "issuer": "申请人", "originals": 1, "copies": 0, "required": True, "role": "main"}],
    "checklist": [{"code": "c01", "text": "申请书已签字"}],
    "documents": ["acceptance_notice", "approval_decision"],
    "form": {
        "type": "object", "title": "申请表", "x-order": ["unitName", "fddbr", "fddbrsfz"],
        "required": ["unitName", "fddbr", "fddbrsfz"],
        "properties": {
            "unitName": {"type": "string", "title": "单位名称", "maxLength": 100},
            "fddbr": {"type": "string", "title": "法定代表人", "maxLength": 20},
            "fddbrsfz": {"type": "string", "title": "法定代表人身份证号", "format": "resident-id"},
        },
    },
}


def test_the_legal_representative_of_a_designed_item_is_recognised_by_the_fields_titles(
    web_server: str, browser_page: Any, api: Api  # noqa: F811
) -> None:
    from playwright.sync_api import expect

    base, page = web_server, browser_page
    defined = api("lz-config", """mutation($d: JSON!) { defineItem(center: "lianzhou", definition: $d) { __typename
        ... on UserErrors { errors { path message } } } }""", d=DESIGNED)["defineItem"]
    assert defined["__typename"] == "Item", defined
    published = api("lz-config", 'mutation { publishItem(center: "lianzhou", code: "scjg-designed-people") { __typename } }')
    assert published["publishItem"]["__typename"] == "Item", published
    case = api.submit(item="scjg-designed-people", data={"unitName": "连州市示例温泉酒店有限公司", "fddbr": REPRESENTATIVE,
                                                         "fddbrsfz": REP_ID})
    api.act("lz-clerk", case, "accept", data={"checklist": ["c01"], "originalsChecked": True,
                                              "received": [{"material": "m01", "form": "original", "count": 1}]})
    approved_to_the_representative(page, base, api, case)
    page.click("#deliver-form button[type=submit]")
    expect(page.locator("#pickup-receipt")).to_contain_text(REPRESENTATIVE)


def test_a_representative_written_with_an_ideographic_space_is_recognised_as_typed_from_the_id_card(
    web_server: str, browser_page: Any, api: Api  # noqa: F811
) -> None:
    # the application aligns the two-character name (李　娜); the pickup clerk types 李娜 from the ID card
    base, page = web_server, browser_page
    food_licence_handed_out(page, base, api, {**FOOD, "legalRepName": "李　娜"}, receiver="李娜")


def test_a_representative_whose_name_is_typed_with_another_middle_dot_is_recognised(
    web_server: str, browser_page: Any, api: Api  # noqa: F811
) -> None:
    # the ID card prints 欧阳娜娜·阿不都热合曼 (U+00B7); the pickup clerk's keyboard gives a bullet for the dot
    base, page = web_server, browser_page
    food_licence_handed_out(page, base, api, FOOD, receiver=REPRESENTATIVE.replace("·", "•"))
