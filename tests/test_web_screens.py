"""The back-office and plugin screens of web/, driven in headless Chromium on the demo data (one
server for the module, see ``tests.test_web``). Each test is one role's day: what it sets up beforehand
goes through GraphQL (``Api``), what the role does goes through the UI only."""

from __future__ import annotations

import io
import os
import sqlite3
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from core.services.clock import local_today
from tests.demo_copy import demo_database
from tests.test_materials import PNG
from tests.test_web import CAPITAL_DUE, MOBILE, RESIDENT_ID, USCC, at, browser_page, login, logout, require_browser, serving  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.slow]

COMPANY = {
    "enterpriseName": "连州市出件示例有限公司", "nameDeclarationNo": "LZ2026000999",
    "companyType": "有限责任公司（自然人投资或控股）", "address": "广东省清远市连州市连州镇中山路1号",
    "registeredCapital": 100, "businessScope": "一般项目：技术服务。", "operatingTerm": "长期",
    "legalRepresentative": {"name": "张三", "idNumber": RESIDENT_ID, "position": "执行公司事务的董事", "mobile": MOBILE},
    "officers": [{"name": "张三", "idNumber": RESIDENT_ID, "position": "执行董事", "appointment": "选举"}],
    "shareholders": [{"name": "张三", "holderType": "自然人", "idNumber": RESIDENT_ID, "subscribed": 100, "method": "货币",
                      "ratio": 100, "dueDate": CAPITAL_DUE}],
    "liaison": {"name": "李四", "idNumber": "440524188001010014", "mobile": MOBILE},
    "phone": MOBILE,
}
CHECKLIST = ["c01", "c02", "c03", "c04", "c05"]
# 企业注销登记 (a promised case, decided in the back office; 公司设立登记 is finished on the spot)
CANCELLATION = {
    "uscc": USCC, "enterpriseName": "连州市出件示例有限公司", "cancellationType": "强制清算终结",
    "reason": "股东会决议解散", "investmentsCleared": True, "branchesCancelled": True, "taxStatus": "已清税",
    "licenceReturn": "缴回正本和全部副本",
    "designatedRepresentative": {"name": "张三", "idNumber": RESIDENT_ID, "mobile": MOBILE},
}
RECEIVED = [{"material": "m01", "form": "original", "count": 1}]  # the main material, received at the counter
CASE = "__typename ... on Case { id number version state } ... on UserErrors { errors { path code message } }"


class Api:
    """GraphQL over HTTP as demo users (password demo1234): the set-up a story starts from."""

    def __init__(self, base: str) -> None:
        import httpx

        self.http = httpx.Client(base_url=base, timeout=30)
        self.tokens: dict[str, str] = {}

    def __call__(self, user: str, query: str, **variables: Any) -> dict[str, Any]:
        if user not in self.tokens:
            body = self.http.post("/graphql", json={"query": 'mutation($u: String!) { login(username: $u, password: "demo1234") { ... on LoginSuccess { token } } }',
                                                    "variables": {"u": user}}).json()
            self.tokens[user] = body["data"]["login"]["token"]
        body = self.http.post("/graphql", json={"query": query, "variables": variables},
                              headers={"Authorization": f"Bearer {self.tokens[user]}"}).json()
        assert not body.get("errors"), body
        return body["data"]

    def act(self, user: str, case: dict[str, Any], action: str, comment: str | None = None, data: dict | None = None) -> dict[str, Any]:
        done = self(user, f"mutation($id: ID!, $a: String!, $c: String, $d: JSON) {{ transitionCase(id: $id, action: $a, comment: $c, data: $d) {{ {CASE} }} }}",
                    id=case["id"], a=action, c=comment, d=data)["transitionCase"]
        assert done["__typename"] == "Case", done
        return done

    def handover(self, user: str, case: dict[str, Any], **args: Any) -> str:
        done = self(user, """mutation($id: ID!, $d: String, $p: Boolean) { handOverCase(id: $id, toDepartment: $d, toPickup: $p) {
            __typename ... on HandOver { id } ... on UserErrors { errors { message } } } }""", id=case["id"], d=args.get("department"), p=args.get("pickup"))["handOverCase"]
        assert done["__typename"] == "HandOver", done
        return done["id"]

    def receive(self, user: str, handover: str) -> None:
        done = self(user, "mutation($id: ID!) { receiveHandover(id: $id) { __typename } }", id=handover)["receiveHandover"]
        assert done["__typename"] == "HandOver", done

    def submit(self, user: str = "zhangsan", center: str = "lianzhou", item: str = "scjg-gssldj", data: dict | None = None) -> dict[str, Any]:
        done = self(user, f"mutation($c: String!, $i: String!, $d: JSON!) {{ submitCase(center: $c, item: $i, data: $d) {{ {CASE} }} }}",
                    c=center, i=item, d=data or COMPANY)["submitCase"]
        assert done["__typename"] == "Case", done
        return done

    def accept(self, name: str) -> dict[str, Any]:
        """A Lianzhou company cancellation of ``name``, accepted with its main material received."""
        case = self.submit(item="scjg-qyzxdj", data={**CANCELLATION, "enterpriseName": name})
        self.act("lz-clerk", case, "accept", data={"checklist": CHECKLIST, "originalsChecked": True, "received": RECEIVED})
        return case

    def accepted(self, name: str = CANCELLATION["enterpriseName"]) -> dict[str, Any]:
        """... handed to the market regulator, who signed for it."""
        case = self.accept(name)
        self.receive("lz-scjg", self.handover("lz-clerk", case, department="scjg"))
        return case

    def approved(self, name: str = CANCELLATION["enterpriseName"]) -> dict[str, Any]:
        """... approved and handed to the unified pickup window (not yet signed for)."""
        case = self.accepted(name)
        self.act("lz-scjg", case, "approve", comment="符合条件，准予登记")
        self.handover("lz-scjg", case, pickup=True)
        return case

    def refused(self, name: str = CANCELLATION["enterpriseName"]) -> dict[str, Any]:
        """... refused by the market regulator (its decision not yet handed to the pickup window)."""
        case = self.accepted(name)
        self.act("lz-scjg", case, "refuse", comment="清算报告未经确认", data={"basis": "《中华人民共和国公司法》第二百三十九条"})
        return case


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo database the module's server runs on (a test may age a case in it)."""
    return tmp_path_factory.mktemp("screens") / "web.sqlite3"


@pytest.fixture(scope="module")
def web_server(demo_db: Path) -> Iterator[str]:
    """As ``tests.test_web.web_server``, on ``demo_db``: uvicorn in its own process on the demo data."""
    require_browser()
    url = demo_database(demo_db)
    env = {**os.environ, "GOVHALL_DATABASE_URL": url}
    with serving(url, env, demo_db.parent / "server.log") as base:
        yield base


@pytest.fixture(scope="module")
def api(web_server: str) -> Api:
    return Api(web_server)


def test_pickup_window_delivers_and_keeps_the_register(web_server: str, browser_page: Any, api: Api, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    base, page = web_server, browser_page
    case = api.approved()
    login(page, base, "lz-pickup")
    page.goto(f"{base}/web/#/pickup/lianzhou")
    row = page.locator("#pickup-table tr", has_text=case["number"])
    expect(row).to_be_visible()
    row.locator("button[data-deliver]").click()
    # the result was handed over but not signed for: sign first
    page.click("#receive-result")
    expect(page.locator("#deliver-form")).to_be_visible()
    # somebody else than the applicant: refused until the power of attorney is checked
    page.fill("#f-receiver", "王五")
    page.fill("#f-idNumber", "440524188001010014")
    expect(page.locator("#receiver-check")).to_contain_text("不是申请人")
    page.click("#deliver-form button[type=submit]")
    expect(page.locator(f"#deliver-form {at('/proxy')} .field-error")).to_contain_text("授权委托书")
    # the applicant's own legal representative, with the ID in the application: accepted
    page.fill("#f-receiver", "张三")
    page.fill("#f-idNumber", RESIDENT_ID)
    expect(page.locator("#receiver-check")).to_contain_text("一致")
    page.click("#deliver-form button[type=submit]")
    receipt = page.locator("#pickup-receipt")
    expect(receipt).to_contain_text("出件回执")
    expect(receipt).to_contain_text(case["number"])
    expect(page.locator("#sms")).to_contain_text("短信通知")
    expect(page.locator("#pickup-table tr", has_text=case["number"])).to_have_count(0)
    # the register: on screen (ID masked), then printed as a PDF
    reg = page.locator("#register-table tr", has_text=case["number"])
    expect(reg).to_contain_text("110105********002X")
    page.click("#print-register")
    link = page.locator("#register-printed a.doc-link")
    expect(link).to_be_visible(timeout=60_000)
    pdf = page.request.get(base + (link.get_attribute("href") or ""))
    for _ in range(60):  # 202: still being laid out after commit (a loaded machine), as the link says
        if pdf.status != 202:
            break
        page.wait_for_timeout(1000)
        pdf = page.request.get(base + (link.get_attribute("href") or ""))
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    # printed pages show the document, not the navigation
    page.emulate_media(media="print")
    expect(page.locator("#nav")).to_be_hidden()
    expect(page.locator("#register-table")).to_be_visible()
    page.emulate_media(media="screen")
    page.screenshot(path=str(tmp_path / "pickup.png"), full_page=True)


def test_pickup_window_hands_the_result_to_a_proxy_once_the_power_of_attorney_is_checked(
    web_server: str, browser_page: Any, api: Api
) -> None:
    """The server refuses a receiver the application does not name unless the screen confirms the
    授权委托书; ticking it on the screen is that confirmation."""
    from playwright.sync_api import expect

    base, page = web_server, browser_page
    case = api.approved()
    login(page, base, "lz-pickup")
    # the case page says why 出件登记 cannot be taken yet, instead of letting the clerk try
    page.goto(f"{base}/web/#/case/lianzhou/{case['id']}")
    expect(page.locator("#actions button[data-action=deliver]")).to_be_disabled()
    expect(page.locator("#actions .blocked-actions")).to_contain_text("统一出件窗口尚未签收办理结果")
    page.goto(f"{base}/web/#/pickup/lianzhou")
    page.locator("#pickup-table tr", has_text=case["number"]).locator("button[data-deliver]").click()
    page.click("#receive-result")
    page.fill("#f-receiver", "王五")
    page.fill("#f-idNumber", "440524188001010014")
    page.check("#f-proxy")
    page.click("#deliver-form button[type=submit]")
    receipt = page.locator("#pickup-receipt")
    expect(receipt).to_contain_text(case["number"])
    expect(receipt).to_contain_text("王五")


def test_enterprise_zone_agency_appointments_and_gift_packs(web_server: str, browser_page: Any, api: Api) -> None:
    from playwright.sync_api import expect

    base, page = web_server, browser_page
    # the applicant asks for an agent
    login(page, base, "lisi")
    page.goto(f"{base}/web/#/zone/lianzhou")
    expect(page.locator("#nav a[href='#/zone']")).to_be_visible()
    page.select_option("#f-item", "scjg-gssldj")
    page.fill("#f-contactMobile", "139")
    page.click("#agency-request button[type=submit]")
    expect(page.locator(f"#agency-request {at('/contactMobile')} .field-error")).to_contain_text("11位")
    page.fill("#f-contactMobile", "13900139000")
    page.click("#agency-request button[type=submit]")
    expect(page.locator("#agency-table")).to_contain_text("待指派")
    # appointments: book a delayed-service period a working day ahead
    page.goto(f"{base}/web/#/zone/lianzhou?tab=appointments")
    day = _next_weekday()
    page.fill("#f-date", day)
    page.select_option("#f-period", "17:00-18:30")
    page.click("#book-form button[type=submit]")
    expect(page.locator("#appointments-table")).to_contain_text("17:00-18:30（延时）")
    page.reload()  # 我的预约 another time: what is booked from today on, whatever its day
    booked = date.fromisoformat(day)
    expect(page.locator("#appointments-table tr", has_text="17:00-18:30")).to_contain_text(f"{booked.year}年{booked.month}月{booked.day}日")
    logout(page)

    # the head finds an agent by name and assigns them
    login(page, base, "lz-head")
    page.goto(f"{base}/web/#/zone/lianzhou")
    row = page.locator("#agency-table tr", has_text="李四")
    # 指派 before anyone is picked: said under the picker, in words (no login name, no JSON pointer)
    row.locator("button[data-assign]").click()
    expect(row.locator("[data-path='/agentUsername'] .field-error")).to_have_text("请先查找并选择代办员")
    expect(row.locator("code.path")).to_have_count(0)
    row.locator("input[type=search]").fill("王五")
    row.locator("button[data-person=daiban]").click()
    row.locator("button[data-assign]").click()
    expect(page.locator("#agency-table tr", has_text="李四")).to_contain_text("王五（代办员）")
    # the opening bundle's progress and the gift packs have their tabs for zone staff
    page.goto(f"{base}/web/#/zone/lianzhou?tab=bundle")
    expect(page.locator("#zone-bundle h2")).to_contain_text("企业开办“一件事”各部门办理进度")
    page.goto(f"{base}/web/#/zone/lianzhou?tab=giftpacks")
    expect(page.locator("#zone-giftpacks h2")).to_contain_text("企业开办大礼包")
    # the window's day of appointments: cancel one
    page.goto(f"{base}/web/#/zone/lianzhou?tab=appointments")
    page.fill("#day", _next_weekday())
    page.dispatch_event("#day", "change")
    booked = page.locator("#appointments-table tr", has_text="李四")
    expect(booked).to_be_visible()
    page.once("dialog", lambda d: d.accept())
    booked.locator("button[data-cancel]").click()
    expect(page.locator("#appointments-table tr", has_text="李四")).to_contain_text("已取消")
    logout(page)

    # the agent files for the applicant, picked by name (no login name typed)
    login(page, base, "daiban")
    page.goto(f"{base}/web/#/zone/lianzhou")
    page.locator("#agency-table a[data-file]").click()
    expect(page.locator(".person-picked")).to_contain_text("李四")
    from tests.test_web import fill_company_registration

    fill_company_registration(page)
    page.click("button:has-text('提交申请')")
    expect(page.locator(".success-box .case-number")).to_be_visible()
    page.goto(f"{base}/web/#/zone/lianzhou")
    expect(page.locator("#agency-table")).to_contain_text("已代为申报")


def test_green_channel_register_and_travelling_form(web_server: str, browser_page: Any, api: Api) -> None:
    from playwright.sync_api import expect

    base, page = web_server, browser_page
    login(page, base, "ks-clerk")
    page.goto(f"{base}/web/#/green/kunshan")
    # a number field is drawn like the text fields beside it (not the browser's bare box)
    box = page.locator("#f-registeredCapital").bounding_box()
    text_box = page.locator("#f-keyProjectDocument").bounding_box()
    assert box is not None and text_box is not None
    assert (box["width"], box["height"]) == (text_box["width"], text_box["height"])
    page.select_option("#f-kind", "enterprise")
    page.select_option("#f-investor", "domestic")
    page.fill("#f-registeredCapital", "100")
    page.click("#check-eligibility")
    expect(page.locator("#eligibility")).to_contain_text("不符合受理范围")
    page.fill("#f-registeredCapital", "6000")
    page.click("#check-eligibility")
    expect(page.locator("#eligibility")).to_contain_text("符合绿色通道受理范围")
    page.click("#green-form button[type=submit]")
    expect(page.locator(f"#green-form {at('/name')} .field-error")).to_be_visible()
    page.fill("#f-name", "昆山示例智能制造项目")
    page.fill("#f-applicant", "昆山示例智能制造有限公司")
    page.fill("#f-uscc", USCC)
    page.select_option("#f-endItem", label="有限责任公司设立登记")
    page.click("#green-form button[type=submit]")
    expect(page.locator("#green-project")).to_contain_text("昆山示例智能制造项目")
    # a case of the project joins its travelling form (found by its number)
    case = api.submit(center="kunshan", data={**COMPANY, "enterpriseName": "昆山示例智能制造有限公司"})
    page.fill("#f-case", case["number"])
    page.click("#link-case button[type=submit]")
    expect(page.locator("#green-steps")).to_contain_text(case["number"])
    page.click("#print-green-form")
    expect(page.locator("a.doc-link[data-document]")).to_be_visible(timeout=60_000)
    page.goto(f"{base}/web/#/green/kunshan")
    expect(page.locator("#green-table")).to_contain_text("昆山示例智能制造项目")
    page.click("#print-green-register")
    expect(page.locator("#green-register a.doc-link")).to_be_visible(timeout=60_000)
    # a center without the plugin has no such screen
    logout(page)
    login(page, base, "lz-clerk")
    expect(page.locator("#nav a[href='#/green']")).to_have_count(0)
    page.goto(f"{base}/web/#/green/lianzhou")
    expect(page.get_by_text("没有启用绿色通道")).to_be_visible()


def test_the_zone_and_green_channel_offer_no_internal_item(web_server: str, browser_page: Any) -> None:
    """工作人员请假单 (a 内部事项) is the center's own: not offered for an appointment, an agency request, an
    agent's filing or as a green-channel project's end item."""
    from playwright.sync_api import expect

    base, page = web_server, browser_page
    login(page, base, "zhangsan")
    for tab, select in (("appointments", "#book-form select[name=item]"), ("agency", "#agency-request select[name=item]")):
        page.goto(f"{base}/web/#/zone/lianzhou?tab={tab}")
        expect(page.locator(f"{select} option", has_text="有限责任公司设立登记")).to_have_count(1)
        expect(page.locator(f"{select} option", has_text="工作人员请假单")).to_have_count(0)
    logout(page)
    login(page, base, "daiban")
    page.goto(f"{base}/web/#/zone/lianzhou?tab=agency")
    expect(page.locator("select[name=agentItem] option", has_text="有限责任公司设立登记")).to_have_count(1)
    expect(page.locator("select[name=agentItem] option", has_text="工作人员请假单")).to_have_count(0)
    logout(page)
    login(page, base, "ks-clerk")
    page.goto(f"{base}/web/#/green/kunshan")
    expect(page.locator("#f-endItem option", has_text="有限责任公司设立登记")).to_have_count(1)
    expect(page.locator("#f-endItem option", has_text="工作人员请假单")).to_have_count(0)


def test_green_channel_takes_the_kind_default_end_item_in_kunshan(web_server: str, api: Api) -> None:
    """The screen's 终止环节 "按项目类型默认" works in the demo's green-channel center: a project registers
    without picking an item and ends with the business licence."""
    done = api("ks-clerk", """mutation($i: JSON!) { registerGreenProject(center: "kunshan", input: $i) {
        __typename ... on GreenProject { endItem endItemName } ... on UserErrors { errors { path message } } } }""",
               i={"kind": "enterprise", "investor": "domestic", "registeredCapital": 6000, "name": "昆山默认终止环节项目",
                  "applicant": "昆山默认终止环节有限公司"})["registerGreenProject"]
    assert done == {"__typename": "GreenProject", "endItem": "scjg-gssldj", "endItemName": "有限责任公司设立登记"}, done


def test_assessment_scores_manual_entry_report_figures_and_publicity(web_server: str, browser_page: Any) -> None:
    from playwright.sync_api import expect

    base, page = web_server, browser_page
    login(page, base, "lz-super")
    page.goto(f"{base}/web/#/assessment/lianzhou")
    expect(page.locator("#ranking-table")).to_be_visible()
    # Lianzhou scores its windows by rules written for another county, under its own words for them
    expect(page.locator("#ranking-basis")).to_have_text(
        "基础分 100，最高 110。考核依据：参照《昆山市行政审批服务中心窗口单位和工作人员考核办法》第一部分执行")
    # the presets and 查询 line up with the 考核期 box, the hint under them all (at the supervisor's 1366×768)
    page.set_viewport_size({"width": 1366, "height": 768})
    box, preset = page.locator("#period").bounding_box(), page.locator("button[data-preset=quarter]").bounding_box()
    assert box and preset and abs((box["y"] + box["height"]) - (preset["y"] + preset["height"])) <= 2, (box, preset)
    page.click("button[data-preset=quarter]")
    expect(page.locator("#ranking h2")).to_contain_text("季度")
    first = page.locator("#ranking-table tbody tr").first.locator("td").nth(2).inner_text()
    # the totals drawn as bars, one a subject, in rank order, each labelled with its score
    rows = page.locator("#ranking-table tbody tr")
    labels = page.locator("#ranking-chart svg text.row-label")
    expect(labels).to_have_count(rows.count())
    expect(labels.first).to_contain_text("1. ")
    expect(page.locator("#ranking-chart svg text.value").first).to_have_text(first.split("（")[0].strip())
    page.locator("#ranking-chart").screenshot(path="/tmp/ranking-chart.png")
    page.fill("#f-points", "-2")
    page.fill("#f-reason", "窗口卫生不达标")
    page.click("#manual-score button[type=submit]")
    expect(page.locator(".banner-success")).to_contain_text("-2")
    expect(page.locator(".page[data-ready=true] #ranking-table")).to_be_visible()
    assert first
    page.click("#print-assessment")
    expect(page.locator("a.doc-link[data-document]")).to_be_visible(timeout=60_000)
    page.goto(f"{base}/web/#/assessment/lianzhou?tab=staff")
    expect(page.locator("#ranking-table")).to_be_visible()
    page.goto(f"{base}/web/#/assessment/lianzhou?tab=department")
    expect(page.locator("#ranking h2")).to_be_visible()
    page.goto(f"{base}/web/#/assessment/lianzhou?tab=year")
    expect(page.locator("#assessment-year h2")).to_contain_text("年")
    # the demo's center began today: no quarter of its own has ended yet, and the card says so
    today = local_today()
    expect(page.locator("#year-unavailable")).to_have_text(
        f"本中心自{today.year}年{today.month}月{today.day}日起启用，{today.year}年尚无启用后已结束的季度，暂不能计算年度考核。")
    # another year, as the other tabs take another period
    page.fill("#year", str(today.year - 1))
    page.click("#year-load")
    expect(page.locator("#assessment-year h2")).to_have_text(f"部门年度考核（{today.year - 1}年）")
    expect(page.locator("#year-unavailable")).to_contain_text(f"{today.year - 1}年尚无启用后已结束的季度")
    # a tab the page does not have (an old bookmark, a typo) shows the first, not graphql-core's English
    page.goto(f"{base}/web/#/assessment/lianzhou?tab=windows")
    expect(page.locator(".page[data-ready=true] #assessment-window #ranking-table")).to_be_visible()
    # the period's figures and the quarterly publicity (complaints have their own screen, every center)
    page.goto(f"{base}/web/#/assessment/lianzhou?tab=reports")
    expect(page.locator("#figures-table [data-figure=promiseSpeedUp]")).to_be_visible()
    # 满意率 says that the tablet's ratings of a consultation (no case) count too
    expect(page.locator("#figures-table")).to_contain_text("无办件咨询的现场评价")
    # the formulas in the screen's full-width brackets
    expect(page.locator("#figures-table")).to_contain_text("（法定")
    expect(page.locator("#figures-table")).to_contain_text("（承诺")
    assert "(" not in page.locator("#figures-table").inner_text()
    expect(page.locator("#complaints-link")).to_have_attribute("href", "#/complaints/lianzhou")
    # the form offers the last quarter that has ended, but never one before the center began: the demo's
    # began today, so the running quarter (refused until it ends: a running one's ranking is not final)
    quarter = (today.month - 1) // 3 + 1
    ended = quarter if today.month == 3 * quarter and (today + timedelta(days=1)).month != today.month else quarter - 1
    expect(page.locator("#publish-form #f-period")).to_have_value(f"{today.year}-Q{quarter}")
    page.fill("#publish-form #f-period", f"{today.year}-Q{ended}" if ended else f"{today.year - 1}-Q4")
    page.fill("#publish-form #f-days", "2")
    page.click("#publish-form button[type=submit]")
    expect(page.locator("#publish-form [data-path='/days'] .field-error")).to_contain_text("不少于3个工作日")
    page.fill("#publish-form #f-days", "3")
    page.click("#publish-form button[type=submit]")
    expect(page.locator(".banner-success")).to_contain_text("已公示")
    expect(page.locator("#publications-table")).to_contain_text("公示中")


def _next_weekday() -> str:
    d = date.today() + timedelta(days=1)
    while d.weekday() >= 5:
        d += timedelta(days=1)
    return d.isoformat()


def test_configurator_and_administrator_keep_the_center(web_server: str, browser_page: Any) -> None:
    from playwright.sync_api import expect

    base, page = web_server, browser_page
    # the configurator adds a reviewer of the market regulator, then resets the password
    login(page, base, "lz-config")
    page.goto(f"{base}/web/#/admin/lianzhou")
    page.fill("#f-username", "lz-scjg2")
    page.fill("#f-displayName", "林晓（连州市场监管局审批）")
    page.fill("#f-password", "short")
    page.select_option("#staff-add .post-role", "reviewer")
    page.click("#staff-add button[type=submit]")
    expect(page.locator("#staff-add .error-summary")).to_contain_text("密码至少8位")
    expect(page.locator("#staff-add .error-summary")).to_contain_text("后台审批岗位须指定所在部门")
    expect(page.locator("#staff-add .post-role option[value=admin]")).to_have_count(0)
    page.fill("#f-password", "welcome-2026")
    page.select_option("#staff-add .post-department", "scjg")
    page.click("#staff-add button[type=submit]")
    row = page.locator("#staff-table tr[data-user=lz-scjg2]")
    expect(row.locator("td").nth(2)).to_have_text("后台审批（连州市市场监督管理局）")
    row.locator("summary").click()
    row.locator("input.new-password").fill("another-2026")
    row.locator("button[data-reset]").click()
    expect(page.locator(".banner-success")).to_contain_text("已重置")
    page.once("dialog", lambda d: d.accept())
    row.locator("button[data-active]").click()
    expect(page.locator("#staff-table tr[data-user=lz-scjg2]")).to_contain_text("已停用")
    expect(page.locator("#nav a[href='#/admin']")).to_be_visible()
    # the departments and windows of the center
    page.goto(f"{base}/web/#/admin/lianzhou?tab=org")
    expect(page.locator("#departments-table")).to_contain_text("scjg")
    expect(page.locator("#windows-table")).to_contain_text("CJ01")
    logout(page)

    # the administrator imports next year's calendar file and sees the year
    login(page, base, "admin")
    page.goto(f"{base}/web/#/admin/lianzhou?tab=calendar&year=2027")
    expect(page.locator("#cal-view .note")).to_contain_text("尚未导入")
    doc = (Path(__file__).parent / "data" / "calendar-2027-sample.json").read_text("utf-8").replace('"TEST-CENTER"', '"lianzhou"')
    page.set_input_files("#cal-file", files=[{"name": "2027.json", "mimeType": "application/json", "buffer": doc.encode()}])
    expect(page.locator("#cal-doc")).not_to_have_value("")
    page.click("#cal-import button[type=submit]")
    expect(page.locator(".banner-success")).to_contain_text("已导入2027年日历")
    expect(page.locator("#cal-view .note")).to_contain_text("已确定")
    expect(page.locator("td[data-date='2027-10-01']")).to_have_class("day-holiday")
    expect(page.locator("td[data-date='2027-02-14']")).to_have_class("day-workday")
    expect(page.locator("#cal-days")).to_contain_text("2027年2月14日")
    # 期限试算 over the National Day holiday: 2027-09-30 + 1 working day skips 1–7 October
    page.fill("#due-from", "2027-09-30")
    page.fill("#due-days", "1")
    page.click("#due-go")
    expect(page.locator("#due-result")).to_contain_text("到期日：2027年10月8日")
    # plugin switches: green channel on in Lianzhou, then off again
    page.goto(f"{base}/web/#/admin/lianzhou?tab=plugins")
    switch = page.locator("#plugin-green_channel")
    expect(switch).not_to_be_checked()
    expect(page.locator("[data-plugin=exchange]")).to_contain_text("数据交换")  # the title the plugin declares
    switch.check()
    expect(page.locator(".banner-success")).to_contain_text("绿色通道已启用")
    page.goto(f"{base}/web/#/admin/lianzhou?tab=org")
    page.goto(f"{base}/web/#/admin/lianzhou?tab=plugins")
    expect(page.locator("#plugin-green_channel")).to_be_checked()
    page.locator("#plugin-green_channel").uncheck()
    expect(page.locator(".banner-success")).to_contain_text("绿色通道已停用")


def test_configurator_keeps_departments_and_windows(web_server: str, browser_page: Any) -> None:
    from playwright.sync_api import expect

    base, page = web_server, browser_page
    login(page, base, "lz-config")
    page.goto(f"{base}/web/#/admin/lianzhou?tab=org")
    expect(page.locator("#departments-table")).to_contain_text("scjg")
    # a taken code and an empty name are refused, then a new department
    page.fill("#f-deptCode", "scjg")
    page.click("#department-form button[type=submit]")
    expect(page.locator("#department-form")).to_contain_text("部门代码“scjg”已存在")
    expect(page.locator("#department-form")).to_contain_text("请填写部门名称")
    page.fill("#f-deptCode", "ybj")
    page.fill("#f-deptName", "连州市医疗保障局")
    page.fill("#f-deptAbbreviation", "连医保审")
    page.click("#department-form button[type=submit]")
    expect(page.locator(".banner-success")).to_contain_text("已保存部门 连州市医疗保障局（ybj）")
    expect(page.locator("#departments-table tr[data-dept=ybj]")).to_contain_text("连医保审")
    # a window of the new department, then renamed
    page.fill("#f-winCode", "ZX09")
    page.fill("#f-winName", "医保专业窗口")
    page.select_option("#f-winDepartment", "ybj")
    page.click("#window-form button[type=submit]")
    expect(page.locator("#windows-table tr[data-window=ZX09]")).to_contain_text("连州市医疗保障局")
    page.click("#windows-table button[data-edit=ZX09]")
    expect(page.locator("#f-winCode")).to_have_attribute("readonly", "")
    page.fill("#f-winName", "医保和社保专业窗口")
    page.click("#window-form button[type=submit]")
    expect(page.locator("#windows-table tr[data-window=ZX09]")).to_contain_text("医保和社保专业窗口")
    # the staff screen offers the new department at once
    page.goto(f"{base}/web/#/admin/lianzhou?tab=staff")
    expect(page.locator("#staff-add .post-department option[value=ybj]")).to_have_count(1)
    logout(page)


def test_configurator_picks_a_department_category_from_the_servers_list(web_server: str, browser_page: Any) -> None:
    """部门类别 is a drop-down of the categories the server knows (departmentCategories), with 未分类;
    a department being changed shows its own, and saving keeps it."""
    from playwright.sync_api import expect

    base, page = web_server, browser_page
    login(page, base, "lz-config")
    page.goto(f"{base}/web/#/admin/lianzhou?tab=org")
    category = page.locator("#f-deptCategory")
    expect(category.locator("option")).to_have_text(
        ["（未分类）", "发展改革（牵头：建设项目、房地产开发）", "经济信息（牵头：技术改造）", "住房建设（牵头：公用事业）", "市场监管（牵头：小型企业）"])
    # the environment bureau has none yet; it gets one from the list
    page.click("#departments-table button[data-edit=hbj]")
    expect(page.locator("#f-deptCode")).to_have_value("hbj")
    expect(category).to_have_value("")
    category.select_option(label="住房建设（牵头：公用事业）")
    page.click("#department-form button[type=submit]")
    expect(page.locator(".banner-success")).to_contain_text("已保存部门 连州市环境保护局（hbj）")
    expect(page.locator("#departments-table tr[data-dept=hbj] td").nth(2)).to_have_text("住房建设")
    # read again from the server: shown selected, and kept by a save that changes something else
    page.reload()
    page.click("#departments-table button[data-edit=hbj]")
    expect(category).to_have_value("住房建设")
    page.fill("#f-deptAbbreviation", "连环审")
    page.click("#department-form button[type=submit]")
    expect(page.locator(".banner-success")).to_contain_text("已保存部门 连州市环境保护局（hbj）")
    row = page.locator("#departments-table tr[data-dept=hbj]")
    expect(row.locator("td").nth(2)).to_have_text("住房建设")
    expect(row.locator("td").nth(3)).to_have_text("连环审")
    # 未分类 clears it
    page.click("#departments-table button[data-edit=hbj]")
    category.select_option("")
    page.click("#department-form button[type=submit]")
    expect(page.locator(".banner-success")).to_contain_text("已保存部门 连州市环境保护局（hbj）")
    expect(row.locator("td").nth(2)).to_have_text("—")
    logout(page)


def test_clerk_searches_and_sees_new_arrivals(web_server: str, browser_page: Any, api: Api, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    base, page = web_server, browser_page
    first = api.submit(data={**COMPANY, "enterpriseName": "连州市查找示例有限公司", "phone": "13712345678"})
    login(page, base, "lz-clerk")
    page.goto(f"{base}/web/#/work/lianzhou?poll=1")
    expect(page.locator("#queues [data-count=new]")).not_to_have_text("…")
    # search by the mobile in the application, then by the case number
    page.fill("#q-search", "13712345678")
    page.press("#q-search", "Enter")
    expect(page.locator("table.cases tbody tr")).to_have_count(1)
    expect(page.locator(f'tr[data-case="{first["number"]}"]')).to_be_visible()
    page.fill("#q-search", first["number"][-6:])
    page.press("#q-search", "Enter")
    expect(page.locator(f'tr[data-case="{first["number"]}"]')).to_be_visible()
    # a new case arrives while the clerk looks: counted without a reload
    page.goto(f"{base}/web/#/work/lianzhou?poll=1")
    expect(page.locator("#queues [data-count=new]")).not_to_have_text("…")
    second = api.submit(data={**COMPANY, "enterpriseName": "连州市新到示例有限公司"})
    expect(page.locator("#new-arrivals")).to_have_text("新到 1 件", timeout=15_000)
    page.click("#new-arrivals")
    expect(page.locator(f'tr[data-case="{second["number"]}"]')).to_be_visible()
    expect(page.locator("#new-arrivals")).to_be_hidden()
    # dates in the Chinese form the documents use
    expect(page.locator(f'tr[data-case="{second["number"]}"] td[data-label="提交时间"]')).to_contain_text("年")
    page.goto(f"{base}/web/#/work/lianzhou")
    expect(page.locator(".page[data-ready=true] table.cases")).to_be_visible()
    expect(page.locator("#queues [data-count=new]")).not_to_have_text("…")
    page.screenshot(path=str(_shots(tmp_path) / "clerk-workbench.png"), full_page=False)


def test_supervisor_presses_a_late_case_and_exports(web_server: str, browser_page: Any, api: Api, demo_db: Path, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    base, page = web_server, browser_page
    case = api.accepted("连州市超期示例有限公司")
    with sqlite3.connect(demo_db) as db:  # ten days past its promised date, carded red
        db.execute("UPDATE gh_case SET promised_due = date('now', '-10 days'), alert = 'RED' WHERE id = ?", (int(case["id"]),))
    login(page, base, "lz-super")
    page.goto(f"{base}/web/#/supervision/lianzhou")
    row = page.locator(f'#carded tr[data-case="{case["number"]}"]')
    expect(row).to_be_visible()
    # the case's 首问负责 clerk, not the department's head: the column says so
    expect(page.locator("#carded thead th").nth(5)).to_have_text("首问负责人")
    expect(row.locator("td[data-label=首问负责人]")).to_contain_text("陈敏")
    expect(row.locator("td.overdue")).to_contain_text("个工作日")
    row.locator("button[data-urge]").click()
    expect(page.locator(".banner-success")).to_contain_text("已催办")
    row = page.locator(f'#carded tr[data-case="{case["number"]}"]')
    row.locator("button[data-supervise]").click()
    row.locator("button[data-supervise]").click()
    expect(row.locator(".field-error")).to_contain_text("督办须写明")
    row.locator("textarea").fill("请于两个工作日内办结并说明超期原因")
    row.locator("button[data-supervise]").click()
    expect(page.locator(".banner-success")).to_contain_text("已督办")
    # statistics: presets, then the export files
    page.click("button[data-preset=month]")
    expect(page.locator("#statistics .stat-accepted")).to_be_visible()
    assert page.input_value("#stat-from").endswith("-01")
    with page.expect_download() as csv_download:
        page.click("#export-csv")
    assert "全中心" in Path(csv_download.value.path()).read_text(encoding="utf-8-sig")
    with page.expect_download() as xlsx_download:
        page.click("#export-xlsx")
    assert xlsx_download.value.suggested_filename.endswith(".xlsx")
    assert Path(xlsx_download.value.path()).read_bytes()[:2] == b"PK"
    from openpyxl import load_workbook

    # the title and the column names stay in view while the rows scroll
    assert load_workbook(io.BytesIO(Path(xlsx_download.value.path()).read_bytes())).active.freeze_panes == "A3"
    page.click("#issue-register")
    expect(page.locator("#register-printed a.doc-link")).to_be_visible(timeout=60_000)
    # issued as 正在生成: the screen asks again until the worker has rendered it
    expect(page.locator("#register-printed [data-status=ready]")).to_be_visible(timeout=60_000)
    page.click("button[data-preset=year]")
    expect(page.locator("#statistics .stat-accepted")).to_be_visible()
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(_shots(tmp_path) / "supervision-board.png"), full_page=False)
    # the case shows the 督办 in its record
    page.goto(f"{base}/web/#/case/lianzhou/{case['id']}")
    expect(page.locator(".timeline")).to_contain_text("请于两个工作日内办结并说明超期原因")
    # in Chinese, with whom it was sent to
    expect(page.locator(".timeline .event-urge strong")).to_have_text("催办")
    supervised = page.locator(".timeline .event-supervise")
    expect(supervised.locator("strong")).to_have_text("督办")
    expect(supervised).to_contain_text("已通知 陈敏")
    # the market regulator's reviewer reads it among their messages and answers on the case (督办反馈)
    logout(page)
    login(page, base, "lz-scjg")
    page.goto(f"{base}/web/#/work/lianzhou")
    message = page.locator("#messages-table tr", has_text="请于两个工作日内办结并说明超期原因")
    expect(message).to_contain_text(f"【督办】办件{case['number']}")
    message.locator(f"a:has-text('{case['number']}')").click()
    page.click("#answer-supervision")
    expect(page.locator("#supervision-answer .field-error")).to_contain_text("请填写办理情况")
    page.fill("#answer-text", "已现场核查，明日作出决定")
    page.click("#answer-supervision")
    expect(page.locator(".banner-success")).to_contain_text("已反馈")
    expect(page.locator(".timeline .event-supervision_reply")).to_contain_text("已现场核查，明日作出决定")
    expect(page.locator(".timeline .event-supervision_reply strong")).to_have_text("督办反馈")



def _shots(tmp_path: Path) -> Path:
    """Where screenshots go: the test's folder, or ``GOVHALL_SCREENSHOTS`` (docs/ for the README)."""
    return Path(os.environ.get("GOVHALL_SCREENSHOTS") or tmp_path)


def test_reviewer_signs_then_decides(web_server: str, browser_page: Any, api: Api) -> None:
    from playwright.sync_api import expect

    base, page = web_server, browser_page
    case = api.accept("连州市审批示例有限公司")
    api.handover("lz-clerk", case, department="scjg")

    # the head sees the hand-over waiting
    login(page, base, "lz-head")
    page.goto(f"{base}/web/#/transfers/lianzhou")
    expect(page.locator("#pending-table tr", has_text=case["number"])).to_contain_text("小时")
    logout(page)

    # the reviewer: 待签收, then 待审批, then the decision on the case page
    login(page, base, "lz-scjg")
    page.goto(f"{base}/web/#/work/lianzhou")
    page.locator(f'#to-sign-table button[data-receive="{case["number"]}"]').click()
    # the front desk's queues are not the department's work: not offered to its reviewer
    expect(page.locator("#queues a[data-queue=decide]")).to_be_visible()
    expect(page.locator("#queues a[data-queue=new]")).to_have_count(0)
    expect(page.locator(".banner-success")).to_contain_text("已签收")
    expect(page.locator("#to-sign-table tr", has_text=case["number"])).to_have_count(0)
    page.click("a[data-queue=decide]")
    row = page.locator(f'tr[data-case="{case["number"]}"]')
    row.locator("a.case-link").click()
    page.fill("#action-comment", "材料齐全，符合法定条件，准予登记")
    page.click("button[data-action=approve]")
    dialog = page.locator("dialog.confirm-dialog")  # a decision is confirmed first
    expect(dialog).to_contain_text("确认准予许可？")
    dialog.locator("button[data-dialog=confirm]").click()
    expect(page.locator("#case-state")).to_have_text("已办结，待出件", timeout=30_000)


def test_applicant_pages_fit_a_phone(web_server: str, browser_page: Any, api: Api) -> None:
    from playwright.sync_api import expect

    base, page = web_server, browser_page
    api.submit(user="lisi", data={**COMPANY, "enterpriseName": "连州市手机示例有限公司"})
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, base, "lisi")
    for route in ("#/mine/lianzhou", "#/zone/lianzhou", "#/zone/lianzhou?tab=appointments", "#/hall/lianzhou/item/scjg-qyzxdj"):
        page.goto(f"{base}/web/{route}")
        expect(page.locator(".page[data-ready=true]")).to_be_visible()
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, (route, overflow)
    # the guide's materials as cards: each label beside its value, an empty 备注 taking no line
    first = page.locator("table.materials tbody tr").first
    name = first.locator("td[data-label=材料名称]")
    expect(name).to_have_text("注销登记申请书")
    assert name.bounding_box()["height"] < 40, name.bounding_box()  # one line, not label over value
    expect(first.locator("td[data-label=备注]")).to_be_hidden()
    assert first.bounding_box()["height"] < 320, first.bounding_box()
    page.goto(f"{base}/web/#/mine/lianzhou")
    expect(page.locator("table.cases td[data-label=提交时间]").first).to_contain_text("年")
    # 我的办件 of every center in one list, each case with its center, in one request
    elsewhere = api.submit(user="lisi", center="kunshan", data={**COMPANY, "enterpriseName": "昆山手机示例有限公司"})
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.post_data or "") if r.url.endswith("/graphql") else None)
    page.goto(f"{base}/web/#/mine")
    row = page.locator(f"table.cases tr[data-case='{elsewhere['number']}']")
    expect(row.locator("td[data-label=中心]")).to_have_text("昆山市行政审批服务中心")
    expect(page.locator("table.cases td[data-label=中心]", has_text="连州")).not_to_have_count(0)
    assert sum("myCases" in body for body in asked) == 1 and not any("cases(center" in body for body in asked)
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    row.locator("a.case-link").click()
    expect(page.locator("#case-state")).to_be_visible()
    assert "#/case/kunshan/" in page.url
    # on a phone the case's columns are one below the other, each as wide as the page's content
    widths = page.evaluate("[...document.querySelectorAll('.case-layout, .case-main, .case-side')].map(e => e.getBoundingClientRect().width)")
    assert len(set(widths)) == 1 and widths[0] > 300, widths
    # staff-only screens are not offered to an applicant
    expect(page.locator("#nav a[href='#/work']")).to_have_count(0)
    expect(page.locator("#nav a[href='#/admin']")).to_have_count(0)
    # the login lapsed while the page still shows lisi signed in (a phone kept it overnight): the next
    # page says so, not 请先登录 under her name, and after logging in she is where she was going
    # (on the hall's page first: the case page keeps asking after its notices while they are being
    # rendered; and the token lapses as the link is tapped, in one turn of the page: a request of the
    # page in between would find the lapsed token first and leave no 我的办件 link to tap)
    page.goto(f"{base}/web/#/hall/lianzhou")
    expect(page.locator(".page[data-ready=true]")).to_be_visible()
    expect(page.locator("#nav a[href='#/mine']")).to_be_visible()
    page.evaluate("localStorage.setItem('govhall.token', 'lapsed-overnight'); document.querySelector(\"#nav a[href='#/mine']\").click()")
    expect(page.locator("#login-expired")).to_contain_text("登录已失效")
    expect(page.locator("#userbox")).not_to_contain_text("李四")
    page.fill("input[name=username]", "lisi")
    page.fill("input[name=password]", "demo1234")
    page.click("form.login-form button[type=submit]")
    expect(page.locator("table.cases")).to_be_visible()
    assert page.url.endswith("#/mine"), page.url
    # a mistyped or someone else's case link: said on the page, with the way back
    page.goto(f"{base}/web/#/case/lianzhou/999999")
    expect(page.locator("h1")).to_have_text("未找到该办件")
    expect(page.locator(".page .note-error")).to_contain_text("办件不存在。请核对办件链接")
    page.click("a:has-text('查看我的办件')")
    expect(page.locator("table.cases")).to_be_visible()


def test_an_applicant_complains_online_and_reads_the_written_answer(web_server: str, browser_page: Any, api: Api) -> None:
    """From the case page to 我的投诉: the applicant files a complaint about their case, the supervision
    office answers it in writing, and the answer is waiting in 我的办件."""
    from playwright.sync_api import expect

    base, page = web_server, browser_page
    case = api.accept("连州市投诉示例有限公司")
    login(page, base, "zhangsan")
    page.goto(f"{base}/web/#/case/lianzhou/{case['id']}")
    page.click("#complaint summary")
    page.click("#complaint-form button[type=submit]")  # nothing written: refused on the field
    expect(page.locator(f"#complaint-form {at('/text')} .field-error")).to_be_visible()
    page.fill("#complaint-text", "受理窗口让我回去复印营业执照，跑了两趟")
    page.click("#complaint-form button[type=submit]")
    expect(page.locator("#complaint-filed")).to_contain_text("您的投诉已提交")
    page.goto(f"{base}/web/#/mine")
    row = page.locator("#my-complaints-table tr", has_text="跑了两趟")
    expect(row).to_have_attribute("data-status", "pending")
    expect(row).to_contain_text(case["number"])
    expect(row).to_contain_text("处理中")
    complaint = row.get_attribute("data-complaint")
    answered = api("lz-super", """mutation($id: ID!, $r: String!) { replyComplaint(id: $id, reply: $r) { __typename } }""",
                   id=complaint, r="经核实，复印件可由窗口代为复印，已对窗口人员进行批评教育。")
    assert answered["replyComplaint"]["__typename"] == "Complaint", answered
    page.reload()
    row = page.locator("#my-complaints-table tr", has_text="跑了两趟")
    expect(row).to_have_attribute("data-status", "answered")
    expect(row).to_contain_text("已对窗口人员进行批评教育")
    # the hall's own staff see no complaint form on the case page
    logout(page)
    login(page, base, "lz-clerk")
    page.goto(f"{base}/web/#/case/lianzhou/{case['id']}")
    expect(page.locator("h1")).to_be_visible()
    expect(page.locator("#complaint")).to_have_count(0)


def test_the_applicant_sees_no_yellow_card_staff_do(web_server: str, browser_page: Any, api: Api, demo_db: Path) -> None:
    """黄牌 is the center's internal supervision: not in the applicant's 我的办件 nor on their case
    page; the clerk sees it on the case and in the queue."""
    from playwright.sync_api import expect

    base, page = web_server, browser_page
    case = api.accept("连州市黄牌示例有限公司")
    with sqlite3.connect(demo_db) as db:  # two working days before its promised date
        db.execute("UPDATE gh_case SET alert = 'YELLOW' WHERE id = ?", (int(case["id"]),))
    login(page, base, "zhangsan")
    page.goto(f"{base}/web/#/mine/lianzhou")
    row = page.locator(f'tr[data-case="{case["number"]}"]')
    expect(row).to_be_visible()
    expect(page.locator("table.cases th", has_text="预警")).to_have_count(0)
    expect(row).not_to_contain_text("黄牌")
    assert "row-yellow" not in (row.get_attribute("class") or "")
    row.locator("a.case-link").click()
    expect(page.locator("#case-state")).to_have_text("审查中")
    expect(page.locator(".case-head")).not_to_contain_text("黄牌")
    expect(page.locator("ol.timeline")).not_to_contain_text("预警")
    case_url = page.url
    logout(page)
    login(page, base, "lz-clerk")
    page.goto(case_url)
    expect(page.locator(".case-head .badge.alert-yellow")).to_have_text("黄牌")
    page.goto(f"{base}/web/#/work/lianzhou?alert=YELLOW")
    expect(page.locator(f'tr.row-yellow[data-case="{case["number"]}"] td[data-label="预警"]')).to_contain_text("黄牌")


def test_staff_read_why_a_document_is_not_ready(web_server: str, browser_page: Any, api: Api) -> None:
    """A notice that could not be made says why on the case page of the center's staff, with 重新生成
    (the answer is made as the server gives it to staff when no Chinese font is installed:
    tests/test_document_fonts.py checks who is told)."""
    import json

    from playwright.sync_api import expect

    base, page = web_server, browser_page
    case = api.accept("连州市文书原因示例有限公司")
    why = "服务器未安装中文字体，文书无法生成：请安装中文字体"

    def failed(route: Any) -> None:
        response = route.fetch()
        body = response.json()
        found = (body.get("data") or {}).get("case") or {}
        for doc in found.get("documents") or []:
            assert "problem" in doc, "the case page asks why a document is not ready"
            doc.update(status="failed", statusLabel="生成失败", problem=why)  # as the server answers the center's staff
        route.fulfill(response=response, body=json.dumps(body), content_type="application/json")

    page.route("**/graphql", failed)
    login(page, base, "lz-clerk")
    page.goto(f"{base}/web/#/case/lianzhou/{case['id']}")
    notice = page.locator("li[data-kind=acceptance_notice]")
    expect(notice.locator(".doc-status")).to_contain_text("生成失败：服务器未安装中文字体")
    expect(notice.locator("button.doc-retry")).to_be_visible()


def test_only_the_receiving_side_is_offered_to_sign_for_a_hand_over(web_server: str, browser_page: Any, api: Api) -> None:
    """The front desk handed the file to the market regulator: on the case page the clerk reads 待签收,
    the regulator's reviewer gets 签收 and signs."""
    from playwright.sync_api import expect

    base, page = web_server, browser_page
    case = api.accept("连州市签收示例有限公司")
    api.handover("lz-clerk", case, department="scjg")
    login(page, base, "lz-clerk")
    page.goto(f"{base}/web/#/case/lianzhou/{case['id']}")
    row = page.locator("#handovers tr[data-handover=front_desk_to_department]")
    expect(row).to_contain_text("待签收")
    expect(row.locator("button[data-receive]")).to_have_count(0)
    logout(page)
    login(page, base, "lz-scjg")
    page.goto(f"{base}/web/#/case/lianzhou/{case['id']}")
    row.locator("button[data-receive]").click()
    expect(row.locator("button[data-receive]")).to_have_count(0)  # signed: the page shows who and when
    expect(row.locator("td[data-label=签收]")).to_contain_text("2")
    expect(row).not_to_contain_text("待签收")


def test_the_applicant_reads_what_to_bring_at_the_top_of_the_case(web_server: str, browser_page: Any, api: Api) -> None:
    """After 一次性告知 the case page opens with the list of what is missing and the clerk's words,
    before anything else, on a phone too; once supplied, it is gone."""
    from playwright.sync_api import expect

    base, page = web_server, browser_page
    case = api.submit(user="zhangsan", data={**COMPANY, "enterpriseName": "连州市补齐示例有限公司"})
    api.act("lz-clerk", case, "request_materials", comment="章程缺全体股东签字页",
            data={"missing": [{"name": "公司章程", "reason": "缺全体股东签字页"}, {"name": "住所使用证明", "paper": True}]})
    page.set_viewport_size({"width": 390, "height": 844})
    page.clock.install()  # the page's own clock, moved on below (time goes on as usual until then)
    login(page, base, "zhangsan")
    page.goto(f"{base}/web/#/case/lianzhou/{case['id']}")
    due = page.locator("#correction-due")
    expect(due.locator("li")).to_have_text(["公司章程（缺全体股东签字页）", "住所使用证明：请到窗口提交纸质材料"])
    expect(due).to_contain_text("窗口说明：章程缺全体股东签字页")
    expect(due).to_contain_text("点击“补齐材料”")
    assert due.bounding_box()["y"] < page.locator(".case-layout").bounding_box()["y"]  # above the facts and actions
    # the file added: the page says so, and that 补齐材料 is still to be pressed; a tap on 提交 while the
    # file is still uploading (held back here) waits for it instead of saying no file was chosen
    def slow_upload(route: Any) -> None:
        time.sleep(1.5)
        route.continue_()

    page.route("**/materials", slow_upload)
    page.locator("#case-materials .attach-box .material-row[data-material=m02] input[type=file]").set_input_files(
        files=[{"name": "公司章程（签字页）.png", "mimeType": "image/png", "buffer": PNG}])
    page.click("#case-materials .attach-box button:has-text('提交补充的材料')")
    page.unroute("**/materials")
    expect(page.locator(".banner-success")).to_contain_text("请点击“补齐材料”")
    expect(due.locator(".supplied-files")).to_contain_text("已补充：公司章程（签字页）.png")
    page.click("button[data-action=supply]")
    page.click("button[data-confirm=supply]")
    expect(page.locator("#case-state")).to_have_text("已补齐，待窗口核验受理")
    expect(page.locator(".banner-success")).to_contain_text("已补齐材料")  # said after the case was drawn again
    page.reload()
    expect(page.locator("#case-state")).to_be_visible()
    expect(page.locator("#correction-due")).to_have_count(0)
    # the page left open longer than a download link lives: its links are signed again while it is shown
    notice = page.locator("li[data-kind=correction_notice] a.doc-link")
    expired = notice.get_attribute("href").split("?")[0] + "?sig=expired"
    page.evaluate("url => document.querySelector('li[data-kind=correction_notice] a.doc-link').setAttribute('href', url)", expired)
    page.clock.fast_forward("05:00")
    expect(notice).not_to_have_attribute("href", expired)
    assert page.request.get(base + notice.get_attribute("href")).status == 200
    # ... and a tap while the renewal is overdue (the phone slept) waits for a new link
    page.evaluate("url => document.querySelector('li[data-kind=correction_notice] a.doc-link').setAttribute('href', url)", expired)
    page.clock.set_system_time(page.evaluate("Date.now()") + 10 * 60 * 1000)
    with page.context.expect_page() as opened:
        notice.click()
    expect(notice).not_to_have_attribute("href", expired)
    opened.value.wait_for_url(lambda url: "sig=" in url and "sig=expired" not in url)
