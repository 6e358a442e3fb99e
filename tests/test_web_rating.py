"""Rating a delivered case on its page (好差评) in headless Chromium: on a phone, 我的办件 marks the case
待评价 and a tap opens the case at its rating form, the case page asks for the rating at its top; what
the page says right after rating is what it says after a reload, and the prompt and the mark are gone;
the comment box takes no more than the server keeps; a result still waiting at the pickup window is not
rated yet (no mark, no prompt)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.test_web import RESIDENT_ID, browser_page, login  # noqa: F401
from tests.test_web_screens import Api, api, demo_db, web_server  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_the_rating_reads_the_same_right_after_rating_and_after_a_reload(web_server: str, browser_page: Any, api: Api) -> None:
    from playwright.sync_api import expect

    base, page = web_server, browser_page
    case = api.accepted("连州市评价示例有限公司")
    api.act("lz-scjg", case, "approve", comment="符合条件，准予登记")
    api.receive("lz-pickup", api.handover("lz-scjg", case, pickup=True))
    api.act("lz-pickup", case, "deliver", data={"method": "in_person", "receiver": "张三", "idNumber": RESIDENT_ID})

    login(page, base, "zhangsan")
    page.set_viewport_size({"width": 390, "height": 844})  # a phone: the rating form is at the foot of a long page
    page.goto(f"{base}/web/#/mine/lianzhou")
    mark = page.locator("tr", has_text=case["number"]).locator("a.to-rate")
    expect(mark).to_have_text("待评价")
    mark.click()
    expect(page).to_have_url(re.compile(rf"#/case/lianzhou/{case['id']}\?rate=1$"))
    form = page.locator("form.rating-form")
    expect(form).to_be_in_viewport()  # the tap lands at the rating form
    expect(form.locator("input[type=radio]").first).to_be_focused()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.evaluate("window.scrollTo(0, 0)")
    prompt = page.locator("#rate-prompt")
    expect(prompt).to_contain_text("请为本次服务评价")
    expect(prompt).to_be_in_viewport()  # near the top, not below the whole page
    page.click("#rate-now")
    expect(form).to_be_in_viewport()
    comment = form.locator("textarea")
    expect(comment).to_have_attribute("maxlength", "2000")  # the server refuses more (评价意见不能超过2000个字符)
    page.keyboard.press("Tab")
    comment.focus()
    page.keyboard.insert_text("慢" * 2001)  # pasted: the box keeps what the server takes
    assert len(comment.input_value()) == 2000
    form.locator("label.choice", has_text="非常不满意").click()
    comment.fill("材料让补了三次")
    form.locator("button[type=submit]").click()
    rated = page.locator("p.rated")
    expect(rated).to_have_text("您的评价：非常不满意（1 分，网上评价）。感谢您的反馈！")
    right_after = rated.inner_text()
    expect(prompt).to_have_count(0)  # rated: the prompt goes at once

    page.reload()
    expect(page.locator("p.rated")).to_have_text(right_after)
    expect(prompt).to_have_count(0)
    page.goto(f"{base}/web/#/mine/lianzhou")
    row = page.locator("tr", has_text=case["number"])
    expect(row).to_be_visible()
    expect(row.locator("a.to-rate")).to_have_count(0)


def test_a_refusal_waiting_at_the_pickup_window_is_rated_only_once_handed_out(web_server: str, browser_page: Any, api: Api) -> None:
    """不予许可，待出件: the decision is made (办结) but the applicant has not been given it; the page asks
    for the rating once the pickup window handed it out. (The server takes a rating from 办结 on, as the
    window's rating tablet does for a result finished on the spot: the page only does not ask before.)"""
    from playwright.sync_api import expect

    base, page = web_server, browser_page
    case = api.refused("连州市待出件评价示例有限公司")
    api.receive("lz-pickup", api.handover("lz-scjg", case, pickup=True))

    login(page, base, "zhangsan")
    page.goto(f"{base}/web/#/case/lianzhou/{case['id']}")
    expect(page.locator("#case-state")).to_have_text("不予许可，待出件")
    rating = page.locator("section", has=page.locator("h2", has_text="服务评价"))
    expect(rating).to_contain_text("领取办理结果后，可在此评价本次服务（好差评）。")
    expect(page.locator("form.rating-form")).to_have_count(0)
    expect(page.locator("#rate-prompt")).to_have_count(0)
    page.goto(f"{base}/web/#/mine/lianzhou")
    row = page.locator("tr", has_text=case["number"])
    expect(row).to_contain_text("不予许可，待出件")
    expect(row.locator("a.to-rate")).to_have_count(0)  # nothing to rate before the result is handed out

    api.act("lz-pickup", case, "deliver", data={"method": "in_person", "receiver": "张三", "idNumber": RESIDENT_ID})
    page.reload()
    expect(row.locator("a.to-rate")).to_have_text("待评价")
    page.goto(f"{base}/web/#/case/lianzhou/{case['id']}")
    expect(page.locator("#case-state")).to_have_text("不予许可，已出件")
    expect(page.locator("#rate-prompt")).to_contain_text("请为本次服务评价")
    form = page.locator("form.rating-form")
    form.locator("label.choice", has_text="基本满意").click()
    form.locator("button[type=submit]").click()
    expect(page.locator("p.rated")).to_have_text("您的评价：基本满意（3 分，网上评价）。感谢您的反馈！")


def test_the_applicant_screens_free_text_boxes_take_no_more_than_the_server_keeps(web_server: str, browser_page: Any) -> None:
    """The login name (64: longer is no account), and every text box of the online form: its schema's
    maxLength, and without one the server's 2000 characters for one text of a case."""
    from playwright.sync_api import expect

    base, page = web_server, browser_page
    page.goto(f"{base}/web/#/login")
    expect(page.locator("input[name=username]")).to_have_attribute("maxlength", "64")
    login(page, base, "zhangsan")
    page.goto(f"{base}/web/#/hall/lianzhou/item/scjg-gssldj/apply")
    form = page.locator("form.apply-form")
    expect(form).to_be_visible()
    boxes = form.locator("textarea, input[type=text]:not([inputmode=numeric]):not([inputmode=decimal])")
    assert boxes.count() > 5
    limits = [boxes.nth(i).get_attribute("maxlength") for i in range(boxes.count())]
    assert all(limit is not None and 0 < int(limit) <= 2000 for limit in limits), limits
    assert "2000" in limits  # a box whose schema says nothing (经营范围…) now stops where the server does
