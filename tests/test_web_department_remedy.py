"""The configurator sets a department's 救济途径 on the 部门与窗口 screen, in headless Chromium on the
demo data (one server for the module, see ``tests.test_web``); the return notice the front desk
issues next names it, read back from its PDF."""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers import pdf_text
from tests.test_web import browser_page, login, logout, web_server  # noqa: F401
from tests.test_web_screens import Api

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DOCUMENTS = "query($id: ID!) { case(id: $id) { documents { kind url } } }"
DEPARTMENTS = 'query { center(code: "lianzhou") { departments { code category backOffice abbreviation } } }'


@pytest.fixture(scope="module")
def api(web_server: str) -> Api:
    return Api(web_server)


def returned_notice(api: Api, name: str) -> str:
    """A Lianzhou company registration (市场监督管理局), returned at the front desk: its 退回通知书's text."""
    from tests.test_web_screens import COMPANY

    case = api.submit(data={**COMPANY, "enterpriseName": name})
    api.act("lz-clerk", case, "return", comment="股东会决议未签字")
    documents = api("zhangsan", DOCUMENTS, id=case["id"])["case"]["documents"]
    (url,) = [d["url"] for d in documents if d["kind"] == "return_notice"]
    response = api.http.get(url, headers={"Authorization": f"Bearer {api.tokens['zhangsan']}"})
    assert response.status_code == 200, response.text
    return pdf_text(response.content)


def test_configurator_sets_and_clears_a_departments_remedy(web_server: str, browser_page: Any, api: Api) -> None:
    from playwright.sync_api import expect

    base, page = web_server, browser_page
    login(page, base, "lz-config")
    page.goto(f"{base}/web/#/admin/lianzhou?tab=org")
    # the demo's tax bureau names the tax authority above it; the market regulator the center's setting
    expect(page.locator("#departments-table tr[data-dept=swj]")).to_contain_text("复议：国家税务总局清远市税务局")
    expect(page.locator("#departments-table tr[data-dept=scjg]")).to_contain_text("按中心设置")

    page.click("#departments-table button[data-edit=scjg]")
    expect(page.locator("#f-deptCode")).to_have_value("scjg")
    page.fill("#f-deptReconsideration", "清远市人民政府")
    page.fill("#f-deptCourt", "清远市人民政府")  # not a court: refused, nothing saved
    page.click("#department-form button[type=submit]")
    expect(page.locator('#department-form [data-path="/court"] .field-error')).to_contain_text("行政诉讼法院应为人民法院的名称")
    page.fill("#f-deptCourt", "清远市清城区人民法院")
    page.click("#department-form button[type=submit]")
    expect(page.locator(".banner-success")).to_contain_text("已保存部门 连州市市场监督管理局（scjg）")
    expect(page.locator("#departments-table tr[data-dept=scjg]")).to_contain_text("复议：清远市人民政府；诉讼：清远市清城区人民法院")
    text = returned_notice(api, "连州市救济示例有限公司")
    assert "向清远市人民政府申请行政复议" in text and "向清远市清城区人民法院提起行政诉讼" in text
    assert "督查科申请复核" in text  # 复核 stays the center's

    # cleared: the center's setting again (the demo center names its own government and court); so is
    # any other field emptied on the screen (sent as "", since a field left out keeps its value)
    page.click("#departments-table button[data-edit=scjg]")
    expect(page.locator("#f-deptReconsideration")).to_have_value("清远市人民政府")
    expect(page.locator("#f-deptBackOffice")).to_have_value("行政审批股（整体进驻，企业服务中心后台）")
    page.fill("#f-deptReconsideration", "")
    page.fill("#f-deptCourt", "")
    page.fill("#f-deptBackOffice", "")
    page.click("#department-form button[type=submit]")
    expect(page.locator(".banner-success")).to_contain_text("已保存部门 连州市市场监督管理局（scjg）")
    expect(page.locator("#departments-table tr[data-dept=scjg]")).to_contain_text("按中心设置")
    (scjg,) = [d for d in api("lz-config", DEPARTMENTS)["center"]["departments"] if d["code"] == "scjg"]
    assert scjg == {"code": "scjg", "category": "市场监管", "backOffice": "", "abbreviation": "连市监审"}
    text = returned_notice(api, "连州市救济示例二有限公司")
    assert "向连州市人民政府申请行政复议" in text and "向连州市人民法院提起行政诉讼" in text
    assert "清远" not in text.replace("清远民族工业园", "")
    logout(page)
