"""认领 in the browser, in a center without the hall floor (翁源): the clerk registers a walk-in
applicant and files the case for them at the counter; later a person with an online account claims
it on 我的办件 (认领现场办理的办件) with the ID number, the case number and the SMS code (read from
the ``notification`` table, where the demo's default SMS adapter records it), and the case joins
their list."""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.demo_copy import demo_database
from tests.test_web import chromium_page, fill_company_registration, login, logout, require_browser, serving

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ID_NUMBER = "11010519491231002X"
MOBILE = "13800138123"


@pytest.fixture(scope="module")
def claim_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The demo server of ``tests/test_web.py`` and its database file (to read the SMS sent)."""
    require_browser()
    workdir = tmp_path_factory.mktemp("web-claim")
    db = workdir / "web.sqlite3"
    url = demo_database(db)
    with serving(url, {**os.environ, "GOVHALL_DATABASE_URL": url}, workdir / "server.log") as base:
        yield base, db


def _sent_code(db: Path) -> str:
    with sqlite3.connect(db) as conn:
        row = conn.execute("SELECT text FROM notification WHERE recipient = ? ORDER BY id DESC LIMIT 1", (MOBILE,)).fetchone()
    assert row is not None and "认领办件" in row[0], row
    return re.search(r"验证码(\d{6})", row[0]).group(1)  # type: ignore[union-attr]


def test_an_applicant_claims_a_case_filed_at_the_window_from_my_cases(claim_server: tuple[str, Path], tmp_path: Path) -> None:
    from playwright.sync_api import expect

    base, db = claim_server
    with chromium_page() as page:
        # --- 翁源 (no hall floor): the clerk registers the walk-in and files for them
        login(page, base, "wy-clerk")
        page.goto(f"{base}/web/#/work/wengyuan")
        expect(page.locator("#nav a", has_text="叫号")).to_have_count(0)
        page.click("#walk-in summary")
        walk_in = page.locator("form.walk-in")
        walk_in.locator("[name=idNumber]").fill(ID_NUMBER)
        walk_in.locator("[name=name]").fill("王现场")
        walk_in.locator("[name=mobile]").fill(MOBILE)
        walk_in.locator("button[type=submit]").click()
        expect(walk_in.locator(".walk-in-result")).to_contain_text("已登记：王现场")
        page.select_option("#walk-in-item", label="有限责任公司设立登记")
        walk_in.locator(".walk-in-result button:has-text('代为申报')").click()
        expect(page.locator("form.apply-form .person-picked")).to_have_text("申请人：王现场")
        fill_company_registration(page)
        page.click("button:has-text('提交申请')")
        number = page.locator(".success-box .case-number").inner_text().strip()
        logout(page)

        # --- lisi claims it on 我的办件
        login(page, base, "lisi")
        page.goto(f"{base}/web/#/mine")
        expect(page.locator(f"tr[data-case='{number}']")).to_have_count(0)
        claim = page.locator("form#claim-walk-in")
        expect(claim.locator("h2")).to_have_text("认领现场办理的办件")
        claim.locator("select[name=center]").select_option("wengyuan")
        claim.locator("[name=idNumber]").fill(ID_NUMBER.lower())
        claim.locator("[name=caseNumber]").fill(number)
        claim.locator("#claim-send-code").click()
        expect(claim.locator(".claim-result")).to_contain_text("验证码已发送至 138****8123")
        code = _sent_code(db)
        claim.locator("[name=code]").fill("000000" if code != "000000" else "111111")
        claim.locator("button[type=submit]").click()
        expect(claim.locator(".field-error, .error-summary").first).to_contain_text("验证码错误")
        claim.locator("[name=code]").fill(code)
        claim.locator("button[type=submit]").click()
        expect(claim.locator(".claim-result")).to_contain_text(f"已认领：{number}")
        expect(page.locator(f"tr[data-case='{number}']")).to_be_visible()  # the list above has it now
        page.screenshot(path=str(tmp_path / "claimed.png"), full_page=True)
        page.reload()
        expect(page.locator(f"tr[data-case='{number}'] .case-center")).to_have_text(re.compile("翁源"))
