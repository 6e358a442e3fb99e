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
from tests.test_web import chromium_page, login, web_server  # noqa: F401

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
