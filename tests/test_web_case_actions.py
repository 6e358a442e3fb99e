"""The buttons a case offers are the ones that can work: 即时办结 only for a 即办件; a joint item's
本部门审批 only on a joint item, 准予/不予许可 only on any other.

A promised item (企业注销登记) is accepted and decided by its department: the clerk is not offered
即时办结, which would issue the department's licence at the counter. Runs against the demo server of
``tests/test_web_screens.py``.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.test_web import RESIDENT_ID, USCC, at, browser_page, login, logout  # noqa: F401
from tests.test_web_screens import CANCELLATION, COMPANY, Api, api, demo_db, web_server  # noqa: F401

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


GREEN_PROJECT = {"kind": "enterprise", "investor": "domestic", "registeredCapital": 6000, "name": "昆山后补材料示例项目",
                 "applicant": "昆山后补材料示例有限公司", "uscc": USCC, "endItem": "scjg-gssldj"}


def test_a_plugins_fields_join_the_action_form_and_the_pickup_form_takes_a_proxy(
    web_server: str, browser_page: Any, api: Api  # noqa: F811
) -> None:
    """A green-channel case: finishing it asks which secondary materials follow later (the plugin's
    field, CaseAction.form), with no raw JSON box; delivering it to someone not named in the
    application asks for the proxy check the server's refusal points to, and takes it."""
    from playwright.sync_api import expect

    base, page = web_server, browser_page
    case = api.submit(center="kunshan", data={**COMPANY, "enterpriseName": "昆山后补材料示例有限公司"})
    project = api("ks-clerk", "mutation($input: JSON!) { registerGreenProject(center: \"kunshan\", input: $input) { ... on GreenProject { id } } }",
                  input=GREEN_PROJECT)["registerGreenProject"]
    api("ks-clerk", "mutation($p: ID!, $c: ID!) { linkCaseToGreenProject(project: $p, case: $c) { __typename } }",
        p=project["id"], c=case["id"])
    login(page, base, "ks-clerk")
    page.goto(f"{base}/web/#/case/kunshan/{case['id']}")
    page.locator("button[data-action=finish_on_spot]").click()
    follow = page.locator(f".param-form {at('/materialsToFollow')}")
    expect(follow).to_contain_text("后补材料")
    expect(follow.locator("input[type=checkbox]")).to_have_count(5)  # the item's secondary materials
    expect(page.locator(".action-panel")).not_to_contain_text("附加参数")
    follow.locator("label", has_text="住所（经营场所）使用证明").locator("input").check()
    for code in ("m01", "m02"):
        page.check(f".receipt-row[data-material={code}] input[data-form=original]")
    points = page.locator(f".param-form {at('/checklist')} input[type=checkbox]")
    for i in range(points.count()):
        points.nth(i).check()
    page.check(f".param-form {at('/originalsChecked')} input[type=checkbox]")
    page.locator("button[data-confirm=finish_on_spot]").click()
    expect(page.locator("#case-state")).to_have_text("已办结，待出件", timeout=60_000)
    steps = api("ks-clerk", "query($p: ID!) { greenProject(id: $p) { steps { materialsToFollow } } }", p=project["id"])
    assert steps["greenProject"]["steps"][0]["materialsToFollow"] == ["住所（经营场所）使用证明或住所申报承诺书"]

    # the deliver form of the case page (a Lianzhou result, signed for at the unified pickup window)
    delivered = api.accepted("连州市代领示例有限公司")
    api.act("lz-scjg", delivered, "approve", comment="符合条件，准予登记")
    api.receive("lz-pickup", api.handover("lz-scjg", delivered, pickup=True))
    logout(page)
    login(page, base, "lz-pickup")
    page.goto(f"{base}/web/#/case/lianzhou/{delivered['id']}")
    page.locator("button[data-action=deliver]").click()
    page.locator(f".param-form {at('/method')} label", has_text="窗口领取").locator("input").check()
    page.fill(f".param-form {at('/receiver')} input", "李代领")
    page.fill(f".param-form {at('/idNumber')} input", RESIDENT_ID)
    confirm = page.locator("button[data-confirm=deliver]")
    confirm.click()
    expect(page.locator(f".action-panel {at('/proxy')} .field-error")).to_contain_text("授权委托书")
    page.check(f".param-form {at('/proxy')} input[type=checkbox]")
    confirm.click()
    expect(page.locator("#case-state")).to_have_text("已出件", timeout=30_000)
