"""A number's unit shows once on the applicant's form. The 股东 table of 有限责任公司设立登记
(forms/scjg-gssldj.json) and of 企业开办一件事 (enterprise_zone's qykb-yjs) has a column titled
出资比例（%） in % (``x-unit``): its header said （%） and its input a % beside it again. The title keeps
the unit (the server's messages name the field by it: “股东”第2项的“出资比例（%）”不能大于100); the input
no longer repeats it. So for 注册资本（万元）, a money field. Runs against the demo server of
``tests/test_web.py`` (连州, which enables the enterprise zone)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.test_web import at, browser_page, login, web_server  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.mark.parametrize("item", ["scjg-gssldj", "qykb-yjs"])
def test_the_unit_of_a_share_shows_once(web_server: str, browser_page: Any, item: str) -> None:  # noqa: F811
    from playwright.sync_api import expect

    base, page = web_server, browser_page
    login(page, base, "zhangsan")
    page.goto(f"{base}/web/#/hall/lianzhou/item/{item}/apply")
    expect(page.locator("form.apply-form")).to_be_visible()
    table = page.locator(at("/shareholders"))
    header = table.locator("th", has_text="出资比例")
    expect(header).to_have_count(1)
    expect(header).to_contain_text("出资比例（%）")
    cell = page.locator(at("/shareholders/0/ratio"))
    expect(cell.locator("input")).to_be_visible()
    expect(cell.locator(".unit")).to_have_count(0)
    # the unit once in the column: its header and its cell together
    assert (header.inner_text() + cell.inner_text()).count("%") == 1
    capital = page.locator(at("/registeredCapital"))
    expect(capital.locator("label")).to_contain_text("注册资本（万元）")
    expect(capital.locator(".unit")).to_have_count(0)
    # the unit still typed with the number is the number
    box = cell.locator("input")
    box.fill("60%")
    box.press("Tab")
    expect(box).to_have_value("60")
