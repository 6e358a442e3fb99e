"""A document whose rendering failed for good, in headless Chromium: the public verification page says
so instead of "正在生成"; the clerk sees the failure in the case's documents, renders it again with one
click, and it becomes ready with the same number (the verification page then shows its fingerprint)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tests.test_web import browser_page, login  # noqa: F401
from tests.test_web_screens import Api, api, demo_db, web_server  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DOCS = "query($id: ID!) { case(id: $id) { documents { id kind number verifyCode status } } }"


def test_a_failed_document_is_explained_and_rendered_again(web_server: str, demo_db: Path, browser_page: Any, api: Api, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    base, page = web_server, browser_page
    case = api.accept("连州市文书重出示例有限公司")
    (notice,) = [d for d in api("lz-clerk", DOCS, id=case["id"])["case"]["documents"] if d["kind"] == "acceptance_notice"]
    with sqlite3.connect(demo_db) as conn:  # as if every attempt had failed
        conn.execute("UPDATE document SET state = 'failed', sha256 = '', attempts = 5, last_error = '字体缺失', progress = 0 "
                     "WHERE public_id = ?", (notice["id"],))

    code = notice["verifyCode"].replace("-", "")
    page.goto(f"{base}/verify/{code}")
    expect(page.locator("#render-failed")).to_have_text("文书生成失败，请联系办件窗口重新出具")
    expect(page.locator("body")).not_to_contain_text("正在生成")
    page.screenshot(path=str(tmp_path / "screens-verify-failed.png"), full_page=True)

    login(page, base, "lz-clerk")
    page.goto(f"{base}/web/#/case/lianzhou/{case['id']}")
    item = page.locator("ul.documents li[data-kind=acceptance_notice]")
    expect(item).to_have_attribute("data-status", "failed")
    expect(item).to_contain_text("生成失败：字体缺失")  # the center's staff read why (IssuedDocument.problem)
    expect(page.locator("ul.documents")).not_to_contain_text("null")
    page.screenshot(path=str(tmp_path / "screens-case-failed.png"), full_page=True)
    item.locator("button.doc-retry").click()
    expect(page.locator(".banner-success")).to_contain_text(notice["number"])
    expect(item).to_have_attribute("data-status", "ready", timeout=30_000)
    expect(item.locator("button.doc-retry")).to_have_count(0)

    page.goto(f"{base}/verify/{code}")
    expect(page.locator("body")).not_to_contain_text("生成失败")
    expect(page.locator("code").first).to_have_text(api("lz-clerk", "query($id: ID!) { document(id: $id) { sha256 } }", id=notice["id"])["document"]["sha256"])
