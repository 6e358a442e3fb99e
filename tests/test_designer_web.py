"""The item designer in headless Chromium against a real server over the demo database.

1. A configurator builds a new item from an empty page through the designer only: an applicant
   section with USCC and mobile, a repeating table of sites with an area limit, a conditional field,
   two materials from the catalogue, a three-point checklist, a window and the acceptance notice;
   publishing is refused while materials and checklist are missing; the preview shows a bad USCC's
   error; published, an applicant submits it and the case's data is what was entered.
2. A published item gets a new required field: the change list says so in words, version 2 is
   published, and a case submitted before still shows version 1.
3. Every item of a center opens in the designer and saving it unchanged changes nothing.
4. An item file exported in Lianzhou is what `govhall items load` reads; imported in Wushen, a file
   whose department Wushen lacks is refused naming the code, an existing item's draft is replaced
   after a confirmation naming it, and the refused file opens in the designer to be fixed and saved.

The designer's screenshot in the README (docs/designer.png) is taken by test 1 when
``GOVHALL_UPDATE_SCREENSHOTS=1``; otherwise it goes to the test's temporary folder, so a test run
leaves the checkout as it found it.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest

from tests.test_web import RESIDENT_ID, USCC, at, browser_page, login, logout, web_server  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parent.parent
BAD_USCC = USCC[:-1] + "B"


def enter(page: Any, selector: str | Any, value: str) -> None:
    """Types a value and leaves the field (the designer applies an edit when a field is left)."""
    field = page.locator(selector) if isinstance(selector, str) else selector
    field.fill(value)
    field.blur()


def add_field(page: Any, kind: str, title: str, key: str, required: bool = False) -> None:
    page.click(f".dz-kind[data-kind={kind}]")
    enter(page, "#dz-title", title)
    enter(page, "#dz-key", key)
    if required:
        page.check("#dz-required")
    from playwright.sync_api import expect

    expect(page.locator(".dz-field-row.selected .dz-title")).to_have_text(title)


def gql(page: Any, query: str, variables: dict | None = None) -> Any:
    """A GraphQL call from the page, as the logged-in user (the app's own client)."""
    return page.evaluate(
        """async ([q, v]) => { const m = await import("/web/graphql.js"); return m.gql(q, v); }""",
        [query, variables or {}],
    )


def test_configurator_builds_a_new_item_in_the_designer(web_server: str, browser_page: Any, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    base, page = web_server, browser_page
    page.set_viewport_size({"width": 1440, "height": 1000})
    login(page, base, "lz-config")
    page.goto(f"{base}/web/#/config/lianzhou")
    page.click("#dz-new")
    expect(page.locator("#dz-status")).to_contain_text("新建事项")

    # --- the public elements
    enter(page, "#dz-name", "户外临时摊点设置登记")
    enter(page, "#dz-keywords", "摆摊， 路边摊、摆摊 地摊")  # 俗称: commas, 、 or spaces (as the catalogue import splits), each once
    enter(page, "#dz-code", "hw-tdsz")
    page.select_option("#dz-itemType", label="公共服务")
    enter(page, "#dz-legalDays", "10")
    enter(page, "#dz-promisedDays", "5")
    enter(page, "#dz-place", "连州市政务服务中心一楼综合受理3号窗口")
    enter(page, "#dz-hours", "工作日 9:00—12:00，13:30—17:00")
    # a joint item (联办件): each department's part is named beside the departments chosen; what the
    # server refuses is said beside its box, a name left for a department unticked too
    parts = page.locator(at("/partNames"))
    expect(parts).to_have_count(0)  # not joint: nothing to name
    page.check(at("/jointDepartments") + " input[data-value=gaj]")
    page.check(at("/jointDepartments") + " input[data-value=scjg]")
    expect(parts.locator(".dz-field > label")).to_have_text(
        ["连州市人民政府行政服务中心（zwb）（实施部门）", "连州市公安局（gaj）", "连州市市场监督管理局（scjg）"])
    enter(page, "#dz-part-gaj", "印章刻制")
    enter(page, "#dz-part-scjg", "营业执照" * 17)
    page.uncheck(at("/jointDepartments") + " input[data-value=scjg]")
    expect(page.locator(at("/partNames/scjg") + " > label")).to_have_text("连州市市场监督管理局（scjg）（已不是本事项的部门）")
    page.click("#cfg-save")
    refusal = page.locator(at("/partNames/scjg") + " > .field-error")
    expect(refusal).to_contain_text("部门“scjg”不是本事项的实施部门或共同实施部门")
    expect(refusal).to_contain_text("不能超过64个字符（现有68个）")
    expect(page.locator(at("/partNames/gaj") + " > .field-error")).to_be_hidden()
    expect(page.locator(".cfg-result .error-summary")).to_contain_text("“部门办理事项名称”的“scjg”不能超过64个字符")
    parts.evaluate("(el) => el.scrollIntoView({ block: 'center' })")
    page.screenshot(path=str(tmp_path / "designer-parts.png"))
    enter(page, "#dz-part-scjg", "")

    # --- the form: an applicant section, a table of sites, a conditional field
    page.click("#dz-tab-form")
    expect(page.locator(".dz-empty")).to_be_visible()  # an empty form to start from
    add_field(page, "section", "申请人", "applicant")
    add_field(page, "text", "申请人名称", "name", required=True)
    add_field(page, "uscc", "统一社会信用代码", "uscc", required=True)
    add_field(page, "mobile", "联系手机", "mobile", required=True)
    page.select_option("#dz-target", value="")
    add_field(page, "table", "设置地点", "sites", required=True)
    add_field(page, "text", "地点", "place", required=True)
    add_field(page, "number", "面积（平方米）", "area", required=True)
    enter(page, "#dz-maximum", "20")
    page.select_option("#dz-target", value="")
    add_field(page, "boolean", "是否夜间经营", "night", required=True)
    add_field(page, "text", "夜间照明措施", "lighting")
    page.select_option("#dz-when", value="night")
    page.select_option("#dz-when-value", label="是")
    expect(page.locator(".dz-field-row.selected .dz-cond-tag")).to_have_text("条件显示")
    # a field a condition uses is not removed silently: what would change is said beside it first
    page.click(".dz-field-row[data-name=night] button:has-text('删除')")
    warning = page.locator(".dz-field-row[data-name=night] .dz-delete-warning")
    expect(warning).to_contain_text("“夜间照明措施”的显示条件（删除后“夜间照明措施”始终显示，且不再必填）")
    warning.locator("button:has-text('取消')").click()
    expect(warning).to_be_hidden()
    expect(page.locator(".dz-field-row[data-name=lighting] .dz-cond-tag")).to_have_text("条件显示")
    # a choice emptied of its options keeps them, saying why, beside the list
    add_field(page, "select", "经营类别", "category")
    page.fill("#dz-options", "")
    page.locator("#dz-options").blur()
    expect(page.locator(".dz-settings [data-path$='/category/enum'] .field-error")).to_contain_text("“经营类别”至少需要一个选项")
    expect(page.locator("#dz-options")).to_have_value("选项一\n选项二")
    page.click(".dz-field-row[data-name=category] button:has-text('删除')")  # used by nothing: removed at once
    rows = page.locator(".dz-field-row .dz-title")
    expect(rows).to_have_text(["申请人", "申请人名称", "统一社会信用代码", "联系手机", "设置地点", "地点", "面积（平方米）", "是否夜间经营", "夜间照明措施"])

    # the conditional field in the preview: hidden until 是否夜间经营 = 是
    preview = page.locator("#dz-preview")
    expect(preview.locator(at("/lighting"))).to_be_hidden()
    preview.locator(at("/night") + " label:has-text('是') input").check()
    expect(preview.locator(at("/lighting"))).to_be_visible()

    # publishing is refused while the material list and the checklist are missing, saying so
    page.click("#cfg-publish")
    summary = page.locator(".cfg-result .error-summary")
    expect(summary).to_contain_text("尚未列出申请材料")
    expect(summary).to_contain_text("尚未填写审查要点")
    expect(page.locator("#dz-status")).to_contain_text("尚未发布")

    # --- materials from the center's existing items and from the shared catalogue, checklist, documents
    page.click("#dz-tab-materials")
    for name in ("营业执照或其他主体资格证明文件", "身份证件"):
        page.fill("#dz-material-pick", name)
        page.click("#dz-material-add")
    materials = page.locator(".dz-material")
    expect(materials).to_have_count(2)
    expect(materials.nth(0).locator("input").nth(1)).to_have_value("市场监督管理局")  # issuer, from the item it came from
    expect(materials.nth(1).locator("input").nth(1)).to_have_value("公安机关")  # issuer, from the shared catalogue
    for i, text in enumerate(["申请人名称与营业执照一致", "设置地点在规划允许范围内", "单处面积不超过20平方米"]):
        page.click("#dz-point-add")
        enter(page, page.locator(".dz-point").nth(i), text)
    expect(page.locator(".dz-point")).to_have_count(3)
    page.check(at("/documents") + " label:has-text('受理通知书') input")
    # a certificate whose field is picked from the form's fields, not typed as a pointer
    page.check("#dz-cert-on")
    enter(page, "#dz-cert-title", "户外临时摊点登记证")
    page.click("#dz-cert-add")
    enter(page, at("/certificate/fields/0/label") + " input", "经营者")
    page.select_option(at("/certificate/fields/0/pointer") + " select", label="申请人 / 申请人名称")
    # the notices and decisions are addressed to the company the form names, not to the account
    page.select_option("#dz-applicantField", label="申请人 / 申请人名称")
    page.click("#cfg-save")
    expect(page.locator(".cfg-result")).to_contain_text("已保存草稿：户外临时摊点设置登记（hw-tdsz）")

    # --- the preview with test data: a bad USCC is refused, in the browser and by the server
    page.click("#dz-tab-form")
    preview.locator(at("/applicant/uscc") + " input").fill(BAD_USCC)
    preview.locator(at("/applicant/uscc") + " input").blur()
    expect(preview.locator(at("/applicant/uscc") + " > .field-error")).to_contain_text("校验位错误")
    preview.locator(at("/sites/0/area") + " input").fill("35")
    page.click("#dz-check")
    expect(preview.locator(".error-summary")).to_contain_text("“申请人”的“统一社会信用代码”校验位错误")
    expect(preview.locator(".error-summary")).to_contain_text("不能大于20")
    page.click(".dz-field-row[data-name=uscc] .dz-pick")
    page.evaluate("window.scrollTo(0, document.querySelector('#dz-work').getBoundingClientRect().top + window.scrollY - 8)")
    keep = os.environ.get("GOVHALL_UPDATE_SCREENSHOTS") == "1"
    page.screenshot(path=str(ROOT / "docs" / "designer.png" if keep else tmp_path / "designer.png"))
    page.click(".dz-width[data-width=phone]")
    assert preview.bounding_box()["width"] <= 380
    page.screenshot(path=str(tmp_path / "designer-phone.png"))

    # --- publish
    page.click("#cfg-publish")
    expect(page.locator("#dz-published")).to_contain_text("第 1 版")
    expect(page.locator("#dz-status")).to_contain_text("已发布第 1 版")
    elements = gql(page, '{ item(center: "lianzhou", code: "hw-tdsz") { elements } }')["item"]["elements"]
    assert elements["certificate"] == {"title": "户外临时摊点登记证", "fields": [{"label": "经营者", "pointer": "/applicant/name"}]}
    assert [(m["name"], m.get("catalogue")) for m in elements["materials"]] == [
        ("营业执照或其他主体资格证明文件", "yyzz"), ("身份证件", "sfz")]  # reuse goes by these codes
    assert len(elements["checklist"]) == 3 and elements["documents"] == ["acceptance_notice"]
    assert elements["place"] == "连州市政务服务中心一楼综合受理3号窗口"
    assert elements["keywords"] == ["摆摊", "路边摊", "地摊"]
    assert elements["jointDepartments"] == ["gaj"] and elements["partNames"] == {"gaj": "印章刻制"}

    # --- an applicant submits it; the case holds what was entered
    logout(page)
    login(page, base, "zhangsan")
    page.goto(f"{base}/web/#/hall/lianzhou/item/hw-tdsz/apply")
    form = page.locator("form.apply-form")
    expect(form.locator(at("/lighting"))).to_be_hidden()
    form.locator(at("/applicant/name") + " input").fill("连州市示例餐饮管理有限公司")
    form.locator(at("/applicant/uscc") + " input").fill(USCC)
    form.locator(at("/applicant/mobile") + " input").fill("13800138000")
    form.locator(at("/sites/0/place") + " input").fill("中山路夜市A区")
    form.locator(at("/sites/0/area") + " input").fill("12.5")
    form.locator(at("/sites") + " button.add-row").click()
    form.locator(at("/sites/1/place") + " input").fill("北湖公园东门")
    form.locator(at("/sites/1/area") + " input").fill("8")
    form.locator(at("/night") + " label:has-text('是') input").check()
    expect(form.locator(at("/lighting"))).to_be_visible()
    form.locator(at("/lighting") + " input").fill("LED 灯带，独立漏电保护")
    page.click("button:has-text('提交申请')")
    expect(page.locator(".success-box .case-number")).to_be_visible()
    href = page.locator("a:has-text('查看办件')").get_attribute("href") or ""
    case_id = href.rstrip("/").split("/")[-1]
    case = gql(page, "query($id: ID!) { case(id: $id) { applicantName data item { code version } } }", {"id": case_id})["case"]
    assert case["item"] == {"code": "hw-tdsz", "version": 1}
    assert case["applicantName"] == "连州市示例餐饮管理有限公司"  # what every document prints as 申请人
    assert case["data"] == {
        "applicant": {"name": "连州市示例餐饮管理有限公司", "uscc": USCC, "mobile": "13800138000"},
        "sites": [{"place": "中山路夜市A区", "area": 12.5}, {"place": "北湖公园东门", "area": 8}],
        "night": True,
        "lighting": "LED 灯带，独立漏电保护",
    }


FOOD_CASE = {
    "operatorName": "连州市示例小吃店", "uscc": USCC, "legalRepName": "张三", "legalRepIdNumber": RESIDENT_ID,
    "legalRepMobile": "13800138000", "residence": "连州市连州镇中山路88号", "premises": "连州市连州镇中山路88号首层",
    "entityType": "食品销售经营者", "businessItems": ["散装食品销售"], "area": 60,
    "safetyManager": {"name": "李四", "idNumber": "440524188001010014", "mobile": "13900139000"},
    "staffCount": 3, "onlineSales": False, "procedure": "一般程序", "equipment": [{"name": "冷藏柜", "quantity": 2}],
}
SUBMIT = """mutation($d: JSON!) { submitCase(center: "lianzhou", item: "scjg-spjyxk", data: $d) {
  __typename ... on Case { id item { version } } ... on UserErrors { errors { path message } } } }"""


def test_changing_a_published_item_lists_the_changes_and_publishes_version_2(web_server: str, browser_page: Any) -> None:
    from playwright.sync_api import expect

    base, page = web_server, browser_page
    page.set_viewport_size({"width": 1440, "height": 1000})
    login(page, base, "zhangsan")
    page.goto(f"{base}/web/#/mine")
    old = gql(page, SUBMIT, {"d": FOOD_CASE})["submitCase"]
    assert old["item"] == {"version": 1}, old

    logout(page)
    login(page, base, "lz-config")
    page.goto(f"{base}/web/#/config/lianzhou")
    page.select_option("#dz-open", value="scjg-spjyxk")
    page.click("#dz-open-btn")
    expect(page.locator("#dz-status")).to_contain_text("修改事项：食品经营许可（新办）（scjg-spjyxk）· 已发布第 1 版")
    page.click("#dz-tab-elements")
    expect(page.locator("#dz-code")).to_have_attribute("readonly", "")  # an existing item keeps its code
    page.click("#dz-tab-form")
    page.select_option("#dz-target", value="")
    add_field(page, "text", "健康证明编号", "healthCertificate", required=True)
    page.click(".dz-field-row[data-name=area] .dz-pick")
    enter(page, "#dz-maximum", "5000")
    page.click("#dz-changes")
    changes = page.locator(".dz-changes li")
    expect(changes).to_have_text(["字段“经营场所面积（平方米）”的最大值由 100000 改为 5000", "新增必填字段“健康证明编号”"])
    page.click("#cfg-publish")
    expect(page.locator("#dz-published")).to_contain_text("第 2 版")

    # the old case stays on version 1; a new application asks for the new field
    logout(page)
    login(page, base, "zhangsan")
    page.goto(f"{base}/web/#/case/lianzhou/{old['id']}")
    expect(page.locator("dt:has-text('事项版本') + dd")).to_have_text("第 1 版")
    page.goto(f"{base}/web/#/hall/lianzhou/item/scjg-spjyxk/apply")
    expect(page.locator(f"form.apply-form {at('/healthCertificate')} label")).to_contain_text("健康证明编号")
    refused = gql(page, SUBMIT, {"d": FOOD_CASE})["submitCase"]
    assert [e["path"] for e in refused["errors"]] == ["/healthCertificate"]


def test_every_item_opens_and_saves_unchanged_in_the_designer(web_server: str, browser_page: Any) -> None:
    from playwright.sync_api import expect

    base, page = web_server, browser_page
    login(page, base, "lz-config")
    page.goto(f"{base}/web/#/config/lianzhou")
    expect(page.locator("#dz-open-btn")).to_be_enabled()
    codes = [c for c in page.locator("#dz-open option").evaluate_all("(os) => os.map((o) => o.value)") if c]
    assert len(codes) >= 15
    for code in codes:
        page.select_option("#dz-open", value=code)
        page.click("#dz-open-btn")
        expect(page.locator("#dz-status")).to_contain_text(f"（{code}）")
        for tab in ("elements", "materials", "json", "form"):
            page.click(f"#dz-tab-{tab}")
        page.click("#dz-changes")  # saves the draft first when anything changed: nothing did
        expect(page.locator(".cfg-result")).to_contain_text("相同")
        page.click("#cfg-save")
        expect(page.locator(".cfg-result")).to_contain_text("已保存草稿")
        page.click("#dz-changes")
        expect(page.locator(".cfg-result")).to_contain_text(re.compile(r"草稿与已发布的第 \d+ 版相同"))
    drafts = gql(page, '{ itemDrafts(center: "lianzhou") { code } }')["itemDrafts"]
    assert [d["code"] for d in drafts if d["code"] in codes] == []
    # an item's own address opens it in the designer (it read 页面不存在)
    page.goto(f"{base}/web/#/config/lianzhou/{codes[0]}")
    expect(page.locator("#dz-status")).to_contain_text(f"（{codes[0]}）")


def test_clone_from_another_center_json_errors_at_their_line_and_discard(web_server: str, browser_page: Any) -> None:
    from playwright.sync_api import expect

    base, page = web_server, browser_page
    login(page, base, "lz-config")
    page.goto(f"{base}/web/#/config/lianzhou")
    expect(page.locator("#dz-clone")).to_be_enabled()
    page.select_option("#dz-clone-center", value="wengyuan")
    expect(page.locator("#dz-clone-item option[value='wsj-ggcswsxk']")).to_have_count(1)
    page.select_option("#dz-clone-item", value="wsj-ggcswsxk")
    page.click("#dz-clone")
    expect(page.locator("#dz-status")).to_contain_text("新建事项：公共场所卫生许可（复制）")
    expect(page.locator("#dz-code")).to_have_value("wsj-ggcswsxk-copy")
    enter(page, "#dz-code", "wsj-ggcswsxk-2")

    # the advanced view: a server error is listed with the line of the JSON text it concerns
    page.click("#dz-tab-json")
    text = page.input_value("#cfg-doc").replace('"legalDays": 20', '"legalDays": -1', 1)
    assert '"legalDays": -1' in text
    page.fill("#cfg-doc", text)
    page.click("#cfg-save")
    error = page.locator(".cfg-result li", has_text="/legalDays")
    expect(error).to_be_visible()
    line = int(re.search(r"JSON 第 (\d+) 行", error.inner_text()).group(1))
    assert '"legalDays": -1' in text.split("\n")[line - 1]
    error.locator("a").click()  # selects that line in the text
    selected = page.evaluate("() => { const e = document.getElementById('cfg-doc'); return e.value.slice(e.selectionStart, e.selectionEnd); }")
    assert '"legalDays": -1' in selected
    page.fill("#cfg-doc", text.replace('"legalDays": -1', '"legalDays": 20', 1))
    page.click("#cfg-save")
    expect(page.locator(".cfg-result")).to_contain_text("已保存草稿：公共场所卫生许可（复制）（wsj-ggcswsxk-2）")
    expect(page.locator("#dz-status")).to_contain_text("修改事项")

    # never published: discarding the draft removes the item
    page.click("#dz-discard")
    page.click("#dz-discard-yes")
    expect(page.get_by_text("已放弃草稿：此事项从未发布，已删除。")).to_be_visible()
    expect(page.locator("#dz-work")).to_be_hidden()
    drafts = gql(page, '{ itemDrafts(center: "lianzhou") { code } }')["itemDrafts"]
    assert "wsj-ggcswsxk-2" not in {d["code"] for d in drafts}


def test_the_process_is_chosen_among_the_servers_and_a_new_items_code_problems_are_told_at_once(
    web_server: str, browser_page: Any
) -> None:
    """办理流程 is a select of the processes the server knows; an empty 事项编码 is reported as not filled
    in (not 格式不正确); a code already taken is reported with the other problems, first."""
    from playwright.sync_api import expect

    base, page = web_server, browser_page
    login(page, base, "lz-config")
    page.goto(f"{base}/web/#/config/lianzhou")
    expect(page.locator("#dz-new")).to_be_enabled()
    page.click("#dz-new")
    process = page.locator("#dz-process")
    expect(process).to_have_js_property("tagName", "SELECT")
    known = gql(page, "{ processes { id name } }")["processes"]
    labels = [o.strip() for o in process.locator("option").all_inner_texts()]
    assert labels == ["请选择", *[p["name"] for p in known]], labels
    expect(process.locator("option:checked")).to_have_text(next(p["name"] for p in known if p["id"] == "standard"))

    page.click("#cfg-save")  # nothing filled in: no name, no code
    summary = page.locator(".cfg-result .error-summary")
    expect(summary).to_contain_text("请填写“事项编码”")
    expect(summary).not_to_contain_text("格式不正确")
    expect(page.locator(f"{at('/code')} .field-error")).to_contain_text("请填写“事项编码”")

    expect(summary.locator(".stale-note")).to_have_count(0)
    enter(page, "#dz-code", "scjg-gssldj")  # a code this center already has; the name still empty
    # changed since: the problems shown are said to be the last save's, to be checked again
    expect(summary.locator(".stale-note")).to_contain_text("以上是上次保存时发现的问题；已有修改，请再次“保存草稿”重新检查")
    page.click("#cfg-save")
    expect(summary.locator("li").first).to_contain_text("事项编码“scjg-gssldj”已存在")
    expect(summary).to_contain_text("事项名称")
    expect(summary.locator(".stale-note")).to_have_count(0)  # the new save's problems, as they are now


def test_a_tables_number_column_must_add_up_to_a_figure(web_server: str, browser_page: Any) -> None:
    """股东 whose 出资比例 must make 100: JSON Schema cannot say it and the designer had no way to, so
    60% and 30% were accepted and the window had to ask for a correction. Now the table's 合计校验
    names the column and the figure (the shipped 设立登记 sets it); the change list says so; the applicant is
    told beside the table."""
    from playwright.sync_api import expect

    from tests.test_web import fill_company_registration

    base, page = web_server, browser_page
    page.set_viewport_size({"width": 1440, "height": 1000})
    login(page, base, "lz-config")
    page.goto(f"{base}/web/#/config/lianzhou")
    page.select_option("#dz-open", value="scjg-gssldj")
    page.click("#dz-open-btn")
    page.click("#dz-tab-form")
    page.click(".dz-field-row[data-name=shareholders] .dz-pick")
    # the shipped form checks it (its help text says 出资比例合计应为100%): shown, and can be taken off
    expect(page.locator("#dz-total-field option:checked")).to_have_text("出资比例（%）")
    expect(page.locator("#dz-total-equals")).to_have_value("100")
    page.select_option("#dz-total-field", value="")
    expect(page.locator("#dz-total-equals")).to_be_disabled()
    page.click("#dz-changes")
    expect(page.locator(".dz-changes li")).to_have_text(["字段“股东”取消了合计校验"])
    page.select_option("#dz-total-field", label="出资比例（%）")
    enter(page, "#dz-total-equals", "90")
    page.click("#dz-changes")
    expect(page.locator(".dz-changes li")).to_have_text(["字段“股东”的“出资比例（%）”合计须等于 90"])
    enter(page, "#dz-total-equals", "100")  # as published: the applicant's form below is the shipped one

    logout(page)
    login(page, base, "zhangsan")
    page.goto(f"{base}/web/#/hall/lianzhou/item/scjg-gssldj/apply")
    fill_company_registration(page)  # 60% and 40%
    # the column is in % (x-unit): 60% typed with its unit is 60, and still adds up
    page.fill(at("/shareholders/0/ratio") + " input", "60%")
    page.fill(at("/shareholders/1/ratio") + " input", "30")
    page.click("button:has-text('提交申请')")
    expect(page.locator(f"{at('/shareholders')} > .field-error")).to_contain_text("“股东”的“出资比例（%）”合计应为100%（现为90%）")
    expect(page.locator(f"{at('/shareholders/0/ratio')} .field-error")).to_be_hidden()
    page.fill(at("/shareholders/1/ratio") + " input", "40")
    page.click("button:has-text('提交申请')")
    expect(page.locator(".success-box .case-number")).to_be_visible()


def _company_form_open(page: Any, base: str) -> None:
    """The configurator has the shipped 公司设立登记 open on the designer's form tab, adding at its top level."""
    page.set_viewport_size({"width": 1440, "height": 1000})
    login(page, base, "lz-config")
    page.goto(f"{base}/web/#/config/lianzhou")
    page.select_option("#dz-open", value="scjg-gssldj")
    page.click("#dz-open-btn")
    page.click("#dz-tab-form")
    page.select_option("#dz-target", value="")


def test_a_file_field_is_answered_by_a_sample_in_the_preview(web_server: str, browser_page: Any) -> None:
    """The designer's 材料（文件）, bound to a material: the applicant answers it with the upload of that
    material, so the preview stands in a sample file and 用测试数据检查 does not ask for it."""
    from playwright.sync_api import expect

    base, page = web_server, browser_page
    _company_form_open(page, base)
    add_field(page, "file", "公司章程扫描件", "articlesScan", required=True)
    page.select_option(".dz-settings [data-path$='/x-material'] select", index=1)
    preview = page.locator("#dz-preview")
    expect(preview.locator(at("/articlesScan"))).to_contain_text("（申请人上传的文件）")
    page.click("#dz-check")
    expect(preview.locator(".error-summary")).to_be_visible()  # the empty test form has much to fill in
    expect(preview.locator(".error-summary")).not_to_contain_text("公司章程扫描件")


def test_a_date_fields_limit_to_one_side_of_today_is_refused_in_the_preview(web_server: str, browser_page: Any) -> None:
    """The designer's 日期限制 (``"x-today"``): a 股东会决议日期 set 不晚于今天 refuses a day in the future, in
    the preview as the field is left and by the server's check of the test data; set 不早于今天 it
    refuses a past day instead. And 不早于… another date (``"x-notBefore"``) refuses a day before it."""
    from playwright.sync_api import expect

    base, page = web_server, browser_page
    _company_form_open(page, base)
    add_field(page, "date", "股东会决议日期", "resolvedOn", required=True)
    expect(page.locator("#dz-today option:checked")).to_have_text("不限")
    page.select_option("#dz-today", label="不晚于今天（如决议日期、签署日期）")
    preview = page.locator("#dz-preview")
    day = preview.locator(at("/resolvedOn") + " input")
    expect(day).to_have_attribute("max", re.compile(r"^\d{4}-\d{2}-\d{2}$"))  # the picker offers no later day
    day.fill("2999-01-01")
    day.blur()
    expect(preview.locator(at("/resolvedOn") + " > .field-error")).to_contain_text("“股东会决议日期”不能晚于今天")
    page.click("#dz-check")
    expect(preview.locator(".error-summary")).to_contain_text("“股东会决议日期”不能晚于今天")
    # the other side: a past day is refused, the future one no longer
    page.click(".dz-field-row[data-name=resolvedOn] .dz-pick")
    expect(page.locator("#dz-today option:checked")).to_have_text("不晚于今天（如决议日期、签署日期）")  # its own panel
    page.select_option("#dz-today", label="不早于今天（如预约日期）")
    day = preview.locator(at("/resolvedOn") + " input")
    expect(day).to_have_attribute("min", re.compile(r"^\d{4}-\d{2}-\d{2}$"))  # the preview has the new limit
    day.fill("2001-01-01")
    page.click("#dz-check")
    expect(preview.locator(".error-summary")).to_contain_text("“股东会决议日期”不能早于今天")
    day.fill("2999-01-01")
    page.click("#dz-check")
    expect(preview.locator(".error-summary")).not_to_contain_text("股东会决议日期")
    # 不早于… another date of the form (``"x-notBefore"``): a 决议生效日期 before the 决议日期 is refused
    # beside it as it is left and by the server's check
    add_field(page, "date", "决议生效日期", "effectiveOn")
    expect(page.locator("#dz-not-before option:checked")).to_have_text("不限")
    page.select_option("#dz-not-before", label="不早于“股东会决议日期”")
    effective = preview.locator(at("/effectiveOn") + " input")
    effective.fill("2998-12-31")
    effective.blur()
    expect(preview.locator(at("/effectiveOn") + " > .field-error")).to_have_text("“决议生效日期”不能早于“股东会决议日期”")
    page.click("#dz-check")
    expect(preview.locator(".error-summary")).to_contain_text("“决议生效日期”不能早于“股东会决议日期”")
    # the date it names renamed: the limit follows it
    page.click(".dz-field-row[data-name=resolvedOn] .dz-pick")
    enter(page, "#dz-key", "decidedOn")
    page.click(".dz-field-row[data-name=effectiveOn] .dz-pick")
    expect(page.locator("#dz-not-before option:checked")).to_have_text("不早于“股东会决议日期”")
    # 日期时间 (a 开始时间 with its hour): a date and time picker in the preview, its answer what the
    # server's date-time asks; it may be held to another date-time only, not to a date
    add_field(page, "dateTime", "现场核查开始时间", "checkFrom")
    expect(page.locator("#dz-today")).to_have_count(0)  # 不晚于今天 is a date's
    add_field(page, "dateTime", "现场核查结束时间", "checkUntil")
    expect(page.locator("#dz-not-before option")).to_have_text(["不限", "不早于“现场核查开始时间”"])
    page.select_option("#dz-not-before", label="不早于“现场核查开始时间”")
    check_from, check_until = preview.locator(at("/checkFrom") + " input"), preview.locator(at("/checkUntil") + " input")
    expect(check_from).to_have_attribute("type", "datetime-local")
    check_from.fill("2027-03-01T09:30")
    check_until.fill("2027-03-01T08:00")
    check_until.blur()
    expect(preview.locator(at("/checkUntil") + " > .field-error")).to_have_text("“现场核查结束时间”不能早于“现场核查开始时间”")
    page.click("#dz-check")
    expect(preview.locator(".error-summary")).to_contain_text("“现场核查结束时间”不能早于“现场核查开始时间”")
    expect(preview.locator(".error-summary")).not_to_contain_text("应为日期时间")


def test_a_key_the_designer_made_up_is_pointed_out_until_it_is_renamed(web_server: str, browser_page: Any) -> None:
    """A field added without naming its key gets one the designer made up (text, text2): it names
    nothing in exports, the API and certificate templates, so the field's settings say so until the
    configurator gives it a name of their own."""
    from playwright.sync_api import expect

    base, page = web_server, browser_page
    login(page, base, "lz-config")
    page.goto(f"{base}/web/#/config/lianzhou")
    expect(page.locator("#dz-new")).to_be_enabled()
    page.click("#dz-new")
    page.click("#dz-tab-form")
    page.click(".dz-kind[data-kind=text]")
    expect(page.locator("#dz-key")).to_have_value("text")
    expect(page.locator("#dz-key-hint")).to_contain_text("自动生成的标识")
    page.click(".dz-kind[data-kind=text]")
    expect(page.locator("#dz-key")).to_have_value("text2")
    expect(page.locator("#dz-key-hint")).to_be_visible()
    enter(page, "#dz-key", "shopSign")
    expect(page.locator("#dz-key")).to_have_value("shopSign")
    expect(page.locator("#dz-key-hint")).to_have_count(0)


DEFINE = """mutation($c: String!, $d: JSON!) { defineItem(center: $c, definition: $d) {
  __typename ... on UserErrors { errors { message } } } }"""


def test_an_item_file_exported_in_one_center_is_imported_in_another(
    web_server: str, browser_page: Any, tmp_path: Path
) -> None:
    """导出事项文件 writes what ``govhall items load`` reads; 导入事项文件 in another center saves it as a
    draft through the designer's save, refuses a file whose department that center lacks (naming the
    code), and replaces an existing item's draft only after a confirmation naming the item."""
    from playwright.sync_api import expect

    from core.services.item_definitions import item_file_text, load_item_files

    base, page = web_server, browser_page
    login(page, base, "admin")
    page.goto(f"{base}/web/#/config/lianzhou")
    # Lianzhou's own draft for its 气象局 (qxj): Wushen has no such department
    doc = json.loads((ROOT / "forms" / "scjg-spjyxk.json").read_text(encoding="utf-8"))
    doc.update(code="qxj-flsj", name="防雷装置设计审核", department="qxj")
    assert gql(page, DEFINE, {"c": "lianzhou", "d": doc})["defineItem"]["__typename"] == "Item"
    page.reload()
    expect(page.locator("#dz-export")).to_be_enabled()
    page.select_option("#dz-open", value="qxj-flsj")
    with page.expect_download() as caught:
        page.click("#dz-export")
    qxj = tmp_path / "qxj" / caught.value.suggested_filename
    caught.value.save_as(qxj)
    assert qxj.name == "qxj-flsj 防雷装置设计审核.json"
    expect(page.locator("#dz-file-results")).to_contain_text("已导出“防雷装置设计审核”（qxj-flsj）的草稿")
    [(_, loaded)] = load_item_files(qxj.parent)  # the loader's own reading of the file
    assert loaded == {**doc, "process": loaded["process"]}
    assert qxj.read_text(encoding="utf-8").startswith('{\n  "code": "qxj-flsj",\n  "name": "防雷装置设计审核"')
    assert qxj.read_text(encoding="utf-8") == item_file_text(loaded)  # as govhall items export writes it

    # a published item without a draft of its own: the published version
    page.select_option("#dz-open", value="scjg-spjyxk")
    with page.expect_download() as caught:
        page.click("#dz-export")
    food = tmp_path / "food" / caught.value.suggested_filename
    caught.value.save_as(food)
    assert food.name == "scjg-spjyxk 食品经营许可（新办）.json"
    [(_, published)] = load_item_files(food.parent)
    assert published["promisedDays"] == 5
    # Lianzhou promises 3 days: Wushen takes that over
    food.write_text(json.dumps({**published, "promisedDays": 3}, ensure_ascii=False, indent=2), encoding="utf-8")

    page.goto(f"{base}/web/#/config/wushen")
    expect(page.locator("#dz-import")).to_be_enabled()
    # a hand-edited file giving "form" twice: refused in the loader's words, not the last form kept
    twice = tmp_path / "twice.json"
    twice.write_text('{\n  "code": "tw-1",\n  "form": {"type": "object"},\n  "form": {"type": "object"}\n}', "utf-8")
    page.set_input_files("#dz-import-file", [str(twice), str(qxj), str(food)])
    expect(page.locator(".dz-file[data-file='twice.json']")).to_contain_text(
        "未导入，共 1 处问题：第 4 行第 3 列，对象 / 中的键“form”写了两次")
    refused = page.locator(f".dz-file[data-file='{qxj.name}']")
    expect(refused).to_contain_text("未导入")
    expect(refused).to_contain_text("部门“qxj”不是本中心的部门")
    expect(refused.locator(".dz-file-department")).to_contain_text("部门编码“qxj”在本中心不存在")
    expect(refused.locator(".dz-file-department")).to_contain_text("请在设计器的“公开要素”中选择本中心的实施部门")
    replacing = page.locator(f".dz-file[data-file='{food.name}']")
    expect(replacing).to_contain_text("本中心已有事项“食品经营许可（新办）”（scjg-spjyxk）")
    assert gql(page, '{ itemDraft(center: "wushen", code: "qxj-flsj") { code } }')["itemDraft"] is None
    assert gql(page, '{ itemDraft(center: "wushen", code: "scjg-spjyxk") { promisedDays } }')["itemDraft"]["promisedDays"] == 5
    replacing.locator(".dz-file-replace").click()
    expect(replacing).to_contain_text("已更新草稿：食品经营许可（新办）（scjg-spjyxk）")
    assert gql(page, '{ itemDraft(center: "wushen", code: "scjg-spjyxk") { promisedDays } }')["itemDraft"]["promisedDays"] == 3
    assert gql(page, '{ item(center: "wushen", code: "scjg-spjyxk") { promisedDays } }')["item"]["promisedDays"] == 5

    # the refused file opens in the designer with its problems; a department of Wushen's and it saves
    refused.locator(".dz-file-open").click()
    expect(page.locator("#dz-status")).to_contain_text("新建事项：防雷装置设计审核")
    expect(page.locator(".cfg-result")).to_contain_text("部门“qxj”不是本中心的部门")
    page.select_option("#dz-department", label=page.locator("#dz-department option", has_text="（scjg）").inner_text())
    page.click("#cfg-save")
    expect(page.locator(".cfg-result")).to_contain_text("已保存草稿：防雷装置设计审核（qxj-flsj）")
    assert gql(page, '{ itemDraft(center: "wushen", code: "qxj-flsj") { department } }')["itemDraft"]["department"] == "scjg"
