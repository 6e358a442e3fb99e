"""The footer gives the office hours of the center in view, from its own settings.

It used to print 9:00—12:00 and 13:30—17:00 on every page, whatever hours a county's center file (or
its calendar import) gave. Runs against a demo server of its own (``tests/test_web.py``): Wengyuan's
hours are changed by a calendar import that is asked to apply the file's hours (``applyOfficeHours``).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.test_web import browser_page, login, web_server  # noqa: F401
from tests.test_web_screens import Api

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_the_footer_shows_the_hours_of_the_center_in_view(web_server: str, browser_page: Any) -> None:  # noqa: F811
    from playwright.sync_api import expect

    base, page = web_server, browser_page
    api = Api(base)
    done = api("admin", """mutation($d: JSON!) { importCalendar(center: "wengyuan", document: $d, applyOfficeHours: true) { __typename
        ... on UserErrors { errors { message } } } }""",
               d={"year": 2027, "source": "《国务院办公厅关于2027年部分节假日安排的通知》", "holidays": [],
                  "officeHours": ["08:30-12:00", "14:30-17:30"]})
    assert done["importCalendar"]["__typename"] != "UserErrors", done
    footer = page.locator("footer")

    page.goto(f"{base}/web/#/hall/wengyuan")
    expect(footer).to_contain_text("翁源县公共服务中心 办事时间：法定工作日 上午 8:30—12:00，下午 14:30—17:30")
    page.goto(f"{base}/web/#/hall/lianzhou")
    expect(footer).to_contain_text("上午 9:00—12:00，下午 13:30—17:00")
    expect(footer).not_to_contain_text("14:30")
    page.goto(f"{base}/web/#/hall")  # five centers, none in view: no center's hours for all
    expect(footer).to_contain_text("以各中心公布的时间为准")
    # a clerk of Wengyuan only: his center's hours on every page
    login(page, base, "wy-clerk")
    page.goto(f"{base}/web/#/work")
    expect(footer).to_contain_text("下午 14:30—17:30")
