"""企业开办 at the unified pickup window (出件, lz-pickup) in headless Chromium, on the demo data of
``tests/test_web_screens.py``: the screen says the 开办大礼包 goes out with the licence (印章, 税务UKey,
发票…), that a self-printed licence leaves it behind, and the receipt lists it; beside it, what the
application asked for (邮寄送达: the mailing address by courier, a warning when the licence is collected
in person, which does not stop the window); handing the licence out hands the pack over, which the
企业专区 tab and the case's history then show (how it went out, to whom, and what the application asked
for with its mailing address). The tab warns before handing over in person a pack
asked for by post; a courier receipt prints the pack's mailing address (the printed page read back)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers import pdf_text
from tests.test_web import browser_page, login, logout  # noqa: F401
from tests.test_web_screens import Api, api, demo_db, web_server  # noqa: F401

from .drive import PERSON_A, opening_data

pytestmark = [pytest.mark.browser, pytest.mark.slow]

REVIEWERS = {"scjg": "lz-scjg", "gaj": "lz-gaj", "swj": "lz-swj", "rsj": "lz-rsj", "gjj": "lz-gjj"}
RECEIVED = [{"material": code, "form": "original", "count": 1} for code in ("m01", "m02")]
ADDRESS = "广东省清远市连州市连州镇中山南路88号"
OTHER_ADDRESS = "广东省清远市连州市保安镇保安大道12号"


def approved_bundle(api: Api, **changes: Any) -> dict[str, Any]:
    """zhangsan's 企业开办 bundle accepted at the combined window, handed to the five departments, approved
    by each, and handed by the market regulator to the pickup window (not yet signed for there)."""
    case = api.submit(item="qykb-yjs", data=opening_data(**changes))
    api.act("lz-clerk", case, "accept", data={"checklist": ["c01", "c02", "c03", "c04", "c05", "c06"],
                                              "originalsChecked": True, "received": RECEIVED})
    for department, reviewer in REVIEWERS.items():
        api.receive(reviewer, api.handover("lz-clerk", case, department=department))
    for department, reviewer in REVIEWERS.items():
        api.act(reviewer, case, "approve_task", comment="经审查，符合本部门办理条件，同意")
    api.handover("lz-scjg", case, pickup=True)
    return case


def printed_receipt(page: Any) -> str:
    """The 出件回执 as printed (the page as a PDF, read back up to the pickup register below it)."""
    text = pdf_text(page.pdf())
    return text[text.index("出件回执"):text.index("出件登记簿")]


def test_the_pickup_window_hands_the_gift_pack_out_with_the_licence(web_server: str, browser_page: Any, api: Api) -> None:
    from playwright.sync_api import expect

    base, page = web_server, browser_page
    case = approved_bundle(api, delivery="邮寄送达", mailingAddress=ADDRESS)
    posted = approved_bundle(api, delivery="邮寄送达", mailingAddress=OTHER_ADDRESS)
    login(page, base, "lz-pickup")
    page.goto(f"{base}/web/#/pickup/lianzhou")
    page.locator("#pickup-table tr", has_text=case["number"]).locator("button[data-deliver]").click()
    extras = page.locator("#pickup-extras")
    expect(extras).to_contain_text("同时发放开办大礼包：营业执照正本、副本；印章：单位专用章（公章）")
    expect(extras).to_contain_text("税务UKey")
    page.click("#receive-result")
    expect(page.locator("#pickup-extras")).to_contain_text("同时发放开办大礼包")  # still there at the 出件 form
    left = page.locator("#extras-left")
    expect(left).to_be_hidden()
    page.select_option("#f-method", "self_print")
    expect(left).to_have_text("自助打印不含开办大礼包，须另行发放。")
    expect(extras.locator(".extras-hint:visible")).to_have_count(0)
    page.select_option("#f-method", "courier")
    expect(extras.locator(".extras-hint:visible")).to_have_text(f"申请时选择邮寄送达大礼包，邮寄地址：{ADDRESS}")
    page.select_option("#f-method", "in_person")
    expect(left).to_be_hidden()
    # asked for by post, collected in person: the window asks the applicant, and may go on
    warning = extras.locator(".extras-warning:visible")
    expect(warning).to_contain_text("注意：申请时选择邮寄大礼包")
    expect(warning).to_contain_text("现场领取时请确认")
    page.fill("#f-receiver", "李青禾")
    page.fill("#f-idNumber", PERSON_A)
    page.click("#deliver-form button[type=submit]")
    receipt = page.locator("#pickup-receipt")
    expect(receipt).to_contain_text(case["number"])
    expect(receipt.locator("#receipt-extras")).to_contain_text("开办大礼包：营业执照正本、副本；印章：单位专用章（公章）")
    printed = printed_receipt(page)
    assert "开办大礼包：营业执照正本、副本；印章：单位专用章（公章）" in printed and "税务UKey" in printed
    assert "邮寄地址" not in printed  # collected at the window: nothing was posted

    # the pack went with it: nothing left waiting on the 企业专区 tab
    page.goto(f"{base}/web/#/zone/lianzhou?tab=giftpacks")
    row = page.locator("#giftpacks-table tr", has_text=case["number"])
    expect(row).to_contain_text("已领取")
    expect(row).to_contain_text("李青禾")
    expect(row.locator(".gift-hint")).to_have_count(0)
    # the other pack waits, asked for by post: handing it over here in person, the tab warns first
    expect(page.locator("#giftpacks-table tr", has_text=posted["number"]).locator(".gift-warning")).to_have_text(
        f"注意：申请时选择邮寄大礼包（邮寄地址：{OTHER_ADDRESS}），现场领取时请确认申请人同意现场领取大礼包，不再邮寄")

    # sent by courier, as asked for: the receipt prints where the pack went
    page.goto(f"{base}/web/#/pickup/lianzhou")
    page.locator("#pickup-table tr", has_text=posted["number"]).locator("button[data-deliver]").click()
    page.click("#receive-result")
    page.select_option("#f-method", "courier")
    page.fill("#f-receiver", "李青禾")
    page.fill("#f-trackingNumber", "SF1234567890123")
    page.click("#deliver-form button[type=submit]")
    expect(page.locator("#receipt-extras")).to_contain_text(f"邮寄地址：{OTHER_ADDRESS}")
    printed = printed_receipt(page)
    assert posted["number"] in printed and "开办大礼包：营业执照正本、副本" in printed
    assert f"邮寄地址：{OTHER_ADDRESS}" in printed
    logout(page)

    login(page, base, "zhangsan")
    page.goto(f"{base}/web/#/case/lianzhou/{case['id']}")
    pack = page.locator(".timeline li.event-deliver")
    expect(pack).to_contain_text("开办大礼包：营业执照正本、副本；印章：单位专用章（公章）")
    # how it went out, and what the application had asked for (邮寄送达, to its address)
    expect(pack).to_contain_text("领取方式：窗口领取，领取人：李青禾")
    expect(pack).to_contain_text(f"申请时选择：邮寄送达，邮寄地址：{ADDRESS}")
