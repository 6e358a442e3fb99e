"""A table of the application on the case page (股东: seven columns) takes the data's whole width under
its label, so 认缴出资额, 出资方式, 出资比例 and 出资期限 show without scrolling sideways: at 1280 px
beside the facts column, and on a phone (390 px), where each shareholder is a card. Headless Chromium
on the demo data of ``tests/test_web_screens.py``."""

from __future__ import annotations

from typing import Any

import pytest

from tests.test_web import chromium_page, login
from tests.test_web_screens import Api, api, demo_db, web_server  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
LAST_COLUMNS = ["认缴出资额（万元）", "出资方式", "出资比例（%）", "出资期限"]
# the shareholders' table as laid out: its box, the data list's, and where each column's cells end
MEASURE = """() => {
  const dt = [...document.querySelectorAll(".data-view > dt")].find((d) => d.textContent === "股东");
  const wrap = dt.nextElementSibling.querySelector(".table-wrap");
  const list = dt.parentElement.getBoundingClientRect();
  const box = wrap.getBoundingClientRect();
  const cells = [...wrap.querySelectorAll("tbody tr:first-child td")].map((td) => {
    const r = td.getBoundingClientRect();
    return { label: td.dataset.label, left: r.left, right: r.right, width: r.width };
  });
  return { scroll: wrap.scrollWidth, client: wrap.clientWidth, left: box.left, right: box.right,
           listLeft: list.left, listRight: list.right, cells, page: document.scrollingElement.scrollWidth, view: innerWidth };
}"""


def shown(page: Any) -> dict[str, Any]:
    from playwright.sync_api import expect

    expect(page.locator(".data-view > dt", has_text="股东")).to_be_visible()
    return page.evaluate(MEASURE)


def test_the_shareholders_table_uses_the_whole_width_and_needs_no_sideways_scrolling(web_server: str, api: Api) -> None:
    base = web_server
    case = api.submit()  # 公司设立登记 with its 股东 table
    with chromium_page() as page:  # 1280 px
        login(page, base, "zhangsan")
        page.goto(f"{base}/web/#/case/lianzhou/{case['id']}")
        wide = shown(page)
        assert wide["scroll"] <= wide["client"], wide  # nothing hidden to the right
        # under its label across the whole list, not in the column beside the labels
        assert abs(wide["left"] - wide["listLeft"]) < 2 and abs(wide["right"] - wide["listRight"]) < 2, wide
        cells = {c["label"]: c for c in wide["cells"]}
        for label in LAST_COLUMNS:
            assert cells[label]["width"] > 0 and cells[label]["right"] <= wide["right"] + 1, (label, wide)

    with chromium_page(**PHONE) as page:
        login(page, base, "zhangsan")
        page.goto(f"{base}/web/#/case/lianzhou/{case['id']}")
        phone = shown(page)
        assert phone["page"] <= phone["view"] and phone["scroll"] <= phone["client"], phone  # no sideways scrolling
        cells = {c["label"]: c for c in phone["cells"]}
        for label in LAST_COLUMNS:  # a card per shareholder, every value on the screen
            assert 0 <= cells[label]["left"] and cells[label]["right"] <= phone["view"], (label, phone)
