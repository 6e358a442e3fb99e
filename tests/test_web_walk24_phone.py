"""An applicant on a phone (390×844, touch), on the demo server of ``tests/test_web.py``: a long word
typed into the catalogue's search wraps in the "nothing found" answer instead of widening the screen;
认领 with its fields left empty says, at each field, what to fill in; the browser's back button comes
back where the applicant was, and a half-typed form says where its draft is kept."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.test_web import chromium_page, login, web_server  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def phone_page(web_server: str) -> Iterator[Any]:
    """A Chromium page as a phone shows it (390×844, touch, mobile); fails the test on any page error."""
    with chromium_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, device_scale_factor=2) as page:
        yield page


def _fits(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width} px wide on a 390 px phone"


def test_a_long_search_wraps_on_a_phone(web_server: str, phone_page: Any) -> None:
    from playwright.sync_api import expect

    base, page = web_server, phone_page
    page.goto(f"{base}/web/#/hall/lianzhou")
    expect(page.locator("#item-search")).to_be_visible()
    _fits(page)
    typed = "x" * 300  # a pasted address, a key held down
    page.fill("#item-search", typed)
    page.press("#item-search", "Enter")
    expect(page.locator("main")).to_contain_text(f"没有找到与“{typed}”相关的事项。")
    _fits(page)


def test_an_empty_claim_is_told_at_each_field(web_server: str, phone_page: Any) -> None:
    from playwright.sync_api import expect

    base, page = web_server, phone_page
    login(page, base, "zhangsan")
    page.goto(f"{base}/web/#/mine")
    form = page.locator("#claim-walk-in")
    form.locator("#claim-send-code").tap()
    expect(form.locator('[data-path="/idNumber"] .field-error')).to_have_text("请填写证件号码（身份证号码或统一社会信用代码）")
    expect(form.locator('[data-path="/caseNumber"] .field-error')).to_have_text("请填写办件编号（受理通知书上的办件编号）")
    expect(form).not_to_contain_text("不匹配")
    form.locator("button[type=submit]").tap()
    expect(form.locator('[data-path="/code"] .field-error')).to_have_text("请填写短信验证码")
    _fits(page)


FOOD_LICENCE = {  # a whole 食品经营许可 application, as the draft a phone kept of it
    "operatorName": "连州市李四餐饮店", "uscc": "91310115591693856A", "legalRepName": "李四",
    "legalRepIdNumber": "440524188001010014", "legalRepMobile": "13800138000",
    "residence": "广东省连州市连州镇中山南路1号", "premises": "广东省连州市连州镇中山南路1号首层",
    "entityType": "餐饮服务经营者", "businessItems": ["热食类食品制售"], "area": 85.5,
    "safetyManager": {"name": "王五", "idNumber": "11010519491231002X", "mobile": "13900139000"},
    "staffCount": 6, "seats": 40, "onlineSales": False, "procedure": "一般程序",
    "equipment": [{"name": "冷藏柜", "quantity": 2}, {"name": "消毒柜", "quantity": 1, "location": "后厨"}],
}

MY_CASES = "{ myCases(first: 100) { edges { node { number } } } }"


def _my_case_numbers(page: Any) -> list[str]:
    return page.evaluate(
        """async (query) => {
          const r = await fetch("/graphql", { method: "POST", body: JSON.stringify({ query }),
            headers: { "Content-Type": "application/json", Authorization: `Bearer ${localStorage.getItem("govhall.token")}` } });
          return (await r.json()).data.myCases.edges.map((e) => e.node.number);
        }""",
        MY_CASES,
    )


def test_a_submission_whose_answer_was_lost_is_filed_once(web_server: str, phone_page: Any) -> None:
    """The phone's connection drops while the answer to 提交申请 comes back: the case was filed, the
    phone says it could not reach the server, and the applicant taps 提交申请 again, once more after
    a reload. Each time the same case answers (提交成功 with its number); there is one new case, not three."""
    from playwright.sync_api import expect

    base, page = web_server, phone_page
    login(page, base, "lisi")
    before = _my_case_numbers(page)
    page.evaluate("(d) => localStorage.setItem('govhall.draft.lisi.lianzhou.scjg-spjyxk', JSON.stringify(d))", FOOD_LICENCE)
    lost = {"answers": 0}

    def lose_the_answer(route: Any) -> None:
        if "submitCase" in (route.request.post_data or "") and lost["answers"] < 2:
            lost["answers"] += 1
            route.fetch()  # the server files it...
            route.abort("connectionreset")  # ...and the answer never reaches the phone
        else:
            route.continue_()

    page.route("**/graphql", lose_the_answer)
    page.goto(f"{base}/web/#/hall/lianzhou/item/scjg-spjyxk/apply")
    expect(page.locator("#draft-restored")).to_contain_text("草稿仅保存在本设备的浏览器中")  # not on another phone
    page.get_by_role("button", name="提交申请").tap()
    expect(page.locator("body")).to_contain_text("无法连接服务器，请检查网络后重试")
    page.reload()  # what many do next: the form comes back from the draft
    expect(page.locator("#draft-restored")).to_be_visible()
    page.get_by_role("button", name="提交申请").tap()
    expect(page.locator("body")).to_contain_text("无法连接服务器，请检查网络后重试")
    page.get_by_role("button", name="提交申请").tap()
    expect(page.locator(".success-box")).to_contain_text("提交成功")
    number = page.locator(".success-box .case-number").inner_text()
    assert lost["answers"] == 2
    after = _my_case_numbers(page)
    assert sorted(after) == sorted([*before, number]), f"{len(after) - len(before)} cases filed for one form"
    _fits(page)
    # 我的办件 on a phone: each case is a card, and a thumb on its item name (not only on the small
    # number link) opens it
    page.goto(f"{base}/web/#/mine")
    card = page.locator(f'tr[data-case="{number}"]')
    card.locator('td[data-label="事项"]').tap()
    expect(page).to_have_url(re.compile(r"#/case/lianzhou/\d+$"))
    expect(page.locator("main h1")).to_contain_text(number)


def test_back_comes_back_where_the_applicant_was(web_server: str, phone_page: Any) -> None:
    """Down a long list of items, into a guide and back: the list is where the thumb left it, not at its
    top. A form half typed, left with back and opened again with forward: what was typed is there,
    and the form said beforehand that its draft stays on this phone."""
    from playwright.sync_api import expect

    base, page = web_server, phone_page
    login(page, base, "zhangsan")
    page.goto(f"{base}/web/#/hall/lianzhou")
    items = page.locator("main a[href*='/item/']")
    expect(items.first).to_be_visible()
    item = items.nth(items.count() - 2)  # far down the list
    item.scroll_into_view_if_needed()
    href = item.get_attribute("href")
    where = page.evaluate("scrollY")
    assert where > 844, f"the list is only {where} px down"
    page.wait_for_timeout(400)  # the scroll settles (it is kept after 200 ms), as a thumb's does
    item.tap()
    expect(page).to_have_url(re.compile(re.escape(href) + "$"))
    page.go_back()
    expect(page.locator("#item-search")).to_be_visible()
    expect(page.locator(f"main a[href='{href}']").first).to_be_in_viewport()
    assert abs(page.evaluate("scrollY") - where) <= 2

    page.goto(f"{base}/web/#/hall/lianzhou/item/scjg-gssldj/apply")
    expect(page.locator("#draft-kept")).to_have_text("填写内容会自动保存为草稿，草稿仅保存在本设备的浏览器中，换用其他手机或电脑、清除浏览器数据后将无法恢复。")
    page.fill('[data-path="/enterpriseName"] input', "连州市半填示例有限公司")
    page.go_back()
    expect(page.locator("#item-search")).to_be_visible()
    page.go_forward()
    expect(page.locator('[data-path="/enterpriseName"] input')).to_have_value("连州市半填示例有限公司")
    expect(page.locator("#draft-restored")).to_contain_text("草稿仅保存在本设备的浏览器中")
    _fits(page)
