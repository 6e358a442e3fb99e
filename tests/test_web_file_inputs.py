"""Every file input of web/ speaks Chinese in an English browser: a "选择文件" button and "未选择文件"
or the chosen files' names, not Chromium's "Choose Files / No file chosen"; the native input is still
what the mouse and the keyboard reach, and a file chosen through it is uploaded. Locale en-US, on the
demo server of ``tests/test_web.py``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.test_materials import make_pdf
from tests.test_web import browser_page, chromium_page, login, web_server  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ENGLISH = ("Choose", "No file", "chosen")


@pytest.fixture
def english_page(web_server: str) -> Iterator[Any]:
    """A Chromium page in an English browser (en-US); fails the test on any uncaught page error."""
    with chromium_page("en-US") as page:
        yield page


def _looks_chinese(page: Any, picker: Any) -> None:
    """The picker shows the Chinese button and status; the native control under it is not seen."""
    from playwright.sync_api import expect

    expect(picker.locator(".file-button")).to_have_text("选择文件")
    expect(picker.locator(".file-status")).to_have_text("未选择文件")
    text = picker.inner_text()
    assert not any(word in text for word in ENGLISH), text
    native = picker.locator("input[type=file]")
    assert native.evaluate("(el) => getComputedStyle(el).opacity") == "0"
    assert native.get_attribute("title") == "选择文件"  # the hover tooltip too
    box, button = native.bounding_box(), picker.locator(".file-button").bounding_box()
    assert box and button and abs(box["x"] - button["x"]) < 1 and abs(box["width"] - button["width"]) < 1, (box, button)


def test_material_upload_in_an_english_browser(web_server: str, english_page: Any, tmp_path: Path) -> None:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import expect

    base, page = web_server, english_page
    page.bring_to_front()  # a file chooser opens from the focused page
    assert page.evaluate("navigator.language") == "en-US"
    application = tmp_path / "公司登记申请书.pdf"
    application.write_bytes(make_pdf("公司登记申请书"))

    login(page, base, "zhangsan")
    page.goto(f"{base}/web/#/hall/lianzhou/item/scjg-gssldj/apply")
    row = page.locator(".material-row[data-material=m01]")
    picker = row.locator(".file-picker")
    _looks_chinese(page, picker)
    # the material's name still labels the input; its status is read with it
    native = row.locator("input[type=file]")
    expect(page.get_by_label(row.locator(".material-name label").inner_text().strip()).first).to_have_attribute("type", "file")
    assert picker.locator(".file-status").get_attribute("id") in (native.get_attribute("aria-describedby") or "")

    # a click where the Chinese button is drawn opens the browser's file chooser; the file is uploaded
    # (force: the click lands on the transparent input over the button, which is the point)
    with page.expect_file_chooser() as chooser:
        picker.locator(".file-button").click(force=True)
    chooser.value.set_files(str(application))
    expect(row.locator(".chip-file")).to_contain_text("公司登记申请书.pdf")
    expect(picker.locator(".file-status")).to_have_text("未选择文件")  # the upload is listed in the row, with 移除



def test_the_keyboard_reaches_a_material_input_and_opens_the_chooser(web_server: str, english_page: Any, tmp_path: Path) -> None:
    """Tab reaches the native input under the Chinese button, Space opens the browser's chooser (one
    chooser per page: Chromium may ignore a second one opened right after the first closed)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import expect

    base, page = web_server, english_page
    page.bring_to_front()
    articles = tmp_path / "公司章程.pdf"
    articles.write_bytes(make_pdf("公司章程"))
    login(page, base, "zhangsan")
    page.goto(f"{base}/web/#/hall/lianzhou/item/scjg-gssldj/apply")
    other = page.locator(".material-row[data-material=m02]")
    wanted = other.locator("input[type=file]").get_attribute("id")
    page.locator(".material-row[data-material=m01] input[type=file]").focus()  # the material before it
    for _ in range(5):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == wanted:
            break
    assert page.evaluate("document.activeElement.id") == wanted, "Tab never reached the input"
    chooser = None
    for _ in range(3):  # a loaded machine may drop the key's activation: focus it again and press again
        try:
            with page.expect_file_chooser(timeout=8_000) as opened:
                page.keyboard.press("Space")
            chooser = opened.value
            break
        except PlaywrightTimeout:
            page.locator(f"#{wanted}").focus()
    assert chooser is not None, "Space never opened the file chooser"
    chooser.set_files(str(articles))
    expect(other.locator(".chip-file")).to_contain_text("公司章程.pdf")
    expect(other.locator(".file-status")).to_have_text("未选择文件")


def test_the_administrators_file_inputs_in_an_english_browser(web_server: str, english_page: Any) -> None:
    from playwright.sync_api import expect

    base, page = web_server, english_page
    login(page, base, "admin")
    page.goto(f"{base}/web/#/admin/lianzhou?tab=calendar&year=2027")
    picker = page.locator("#cal-import .file-picker")
    _looks_chinese(page, picker)
    expect(page.get_by_label("年度日历文件（JSON）")).to_have_attribute("id", "cal-file")
    doc = (Path(__file__).parent / "data" / "calendar-2027-sample.json").read_text("utf-8").replace('"TEST-CENTER"', '"lianzhou"')
    page.set_input_files("#cal-file", files=[{"name": "2027.json", "mimeType": "application/json", "buffer": doc.encode()}])
    expect(picker.locator(".file-status")).to_have_text("2027.json")
    expect(page.locator("#cal-doc")).not_to_have_value("")

    page.goto(f"{base}/web/#/exchange/wengyuan?tab=catalogue")
    picker = page.locator("#catalogue-import .file-picker")
    _looks_chinese(page, picker)
    expect(page.get_by_label("目录文件（JSON 或 XLSX）")).to_have_attribute("id", "catalogue-file")


FILE_FIELD_ITEM = {
    "code": "test-file-field", "name": "测试材料字段事项", "itemType": "行政许可", "department": "scjg",
    "legalDays": 20, "promisedDays": 10, "caseKind": "promised", "process": "standard", "place": "综合受理窗口",
    "materials": [
        {"code": "m01", "name": "申请书", "issuer": "申请人", "originals": 1, "copies": 0, "required": True, "role": "main"},
        {"code": "m02", "catalogue": "yyzz", "name": "营业执照", "issuer": "市场监管部门", "originals": 0, "copies": 1,
         "required": True, "role": "secondary"},
    ],
    "checklist": [{"code": "c01", "text": "申请书已签字"}],
    "documents": [],
    "form": {
        "type": "object", "title": "申请表", "x-order": ["companyName", "licenceFile"],
        "required": ["companyName", "licenceFile"], "additionalProperties": False,
        "properties": {
            "companyName": {"type": "string", "title": "企业名称", "maxLength": 100},
            # the designer's 材料（文件）, bound to the material 营业执照
            "licenceFile": {"type": "string", "title": "营业执照扫描件", "x-widget": "file", "x-material": "m02"},
        },
    },
}


def test_a_file_field_bound_to_a_material_is_answered_by_its_upload(web_server: str, browser_page: Any, tmp_path: Path) -> None:
    """The designer's 材料（文件） field, bound to a material: the applicant's form showed a text box
    saying 请填写材料名称或编号（在线上传暂未开放）, required, while the same page uploads that material
    below; now the field names the files uploaded for its material (上传文件 goes to its row), and
    without one the server says 请上传."""
    import httpx
    from playwright.sync_api import expect

    base, page = web_server, browser_page

    def gql(user: str, query: str, **variables: Any) -> dict[str, Any]:
        login_body = httpx.post(f"{base}/graphql", json={
            "query": "mutation($u: String!, $p: String!) { login(username: $u, password: $p) { ... on LoginSuccess { token } } }",
            "variables": {"u": user, "p": "demo1234"}}).json()
        token = login_body["data"]["login"]["token"]
        return httpx.post(f"{base}/graphql", json={"query": query, "variables": variables},
                          headers={"Authorization": f"Bearer {token}"}, timeout=30).json()["data"]

    item = gql("lz-config", """mutation($d: JSON!) { defineItem(center: "lianzhou", definition: $d) {
        __typename ... on UserErrors { errors { path message } } } }""", d=FILE_FIELD_ITEM)
    assert item["defineItem"]["__typename"] == "Item", item
    published = gql("lz-config", """mutation { publishItem(center: "lianzhou", code: "test-file-field") {
        __typename ... on UserErrors { errors { path message } } } }""")
    assert published["publishItem"]["__typename"] == "Item", published
    licence = tmp_path / "营业执照.pdf"
    licence.write_bytes(make_pdf("营业执照"))

    login(page, base, "zhangsan")
    page.goto(f"{base}/web/#/hall/lianzhou/item/test-file-field/apply")
    field = page.locator('form.apply-form [data-path="/licenceFile"]')
    expect(field).to_contain_text("尚未上传")
    expect(field.locator("input[type=text]")).to_have_count(0)
    page.fill('[data-path="/companyName"] input', "连州市测试贸易有限公司")
    page.click("button:has-text('提交申请')")
    expect(field.locator(".field-error")).to_contain_text("请上传“营业执照扫描件”")
    field.locator("button:has-text('上传文件')").click()
    row = page.locator(".material-row[data-material=m02]")
    expect(row.locator("input[type=file]")).to_be_focused()
    row.locator("input[type=file]").set_input_files(str(licence))
    expect(field).to_contain_text("营业执照.pdf")
    expect(field.locator(".field-error")).to_be_hidden()
    page.click("button:has-text('提交申请')")
    expect(page.locator(".success-box")).to_be_visible()
    page.click("a:has-text('查看办件')")
    expect(page.locator(".data-view")).to_contain_text("营业执照.pdf")
