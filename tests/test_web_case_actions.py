"""The buttons a case offers are the ones that can work: 即时办结 only for a 即办件; a joint item's
本部门审批 only on a joint item, 准予/不予许可 only on any other.

A promised item (企业注销登记) is accepted and decided by its department: the clerk is not offered
即时办结, which would issue the department's licence at the counter. Runs against the demo server of
``tests/test_web_screens.py``.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.test_web import browser_page, login  # noqa: F401
from tests.test_web_screens import CANCELLATION, Api, api, demo_db, web_server  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_finish_on_the_spot_is_offered_for_immediate_items_only(web_server: str, browser_page: Any, api: Api) -> None:  # noqa: F811
    from playwright.sync_api import expect

    base, page = web_server, browser_page
    promised = api.submit(item="scjg-qyzxdj", data={**CANCELLATION, "enterpriseName": "连州市按钮示例有限公司"})
    immediate = api.submit()  # 有限责任公司设立登记, a 即办件
    login(page, base, "lz-clerk")
    page.goto(f"{base}/web/#/case/lianzhou/{promised['id']}")
    expect(page.locator("button[data-action=accept]")).to_be_visible()
    expect(page.locator("button[data-action=request_materials]")).to_be_visible()
    expect(page.locator("button[data-action=finish_on_spot]")).to_have_count(0)
    page.goto(f"{base}/web/#/case/lianzhou/{immediate['id']}")
    expect(page.locator("button[data-action=finish_on_spot]")).to_be_visible()


def test_a_reviewer_of_a_case_of_one_department_is_not_offered_the_joint_task_buttons(
    web_server: str, browser_page: Any, api: Api  # noqa: F811
) -> None:
    from playwright.sync_api import expect

    base, page = web_server, browser_page
    case = api.accepted("连州市单部门示例有限公司")
    login(page, base, "lz-scjg")
    page.goto(f"{base}/web/#/case/lianzhou/{case['id']}")
    expect(page.locator("button[data-action=approve]")).to_be_visible()
    expect(page.locator("button[data-action=refuse]")).to_be_visible()
    expect(page.locator("button[data-action=approve_task]")).to_have_count(0)
    expect(page.locator("button[data-action=refuse_task]")).to_have_count(0)
