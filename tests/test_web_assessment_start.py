"""部门年度 for a department added in the middle of the year: the quarters that ended before it show
未设立, its year is the mean of those it existed in, and it is ranked on that. Runs on a demo server of
its own (the center is made to have begun the year before: its first case is dated back)."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.test_web import browser_page, login  # noqa: F401
from tests.test_web_screens import Api, api, demo_db, web_server  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SAVE = """mutation { saveDepartment(center: "lianzhou", code: "xsj", name: "连州市新设审批局", isNew: true) {
  __typename } }"""


def test_a_department_added_in_the_third_quarter_shows_unset_before(
        web_server: str, browser_page: Any, api: Api, demo_db: Path) -> None:  # noqa: F811
    from playwright.sync_api import expect

    base, page = web_server, browser_page
    year = date.today().year - 1  # every quarter of it has ended
    assert api("lz-config", SAVE)["saveDepartment"]["__typename"] == "Department"
    case = api.accepted("连州市设立示例有限公司")
    with sqlite3.connect(demo_db) as db:
        # the center began before that year (its first case), the department in its third quarter
        db.execute("UPDATE gh_case SET accepted_on = ? WHERE id = ?", (f"{year - 1}-12-01", int(case["id"])))
        db.execute("""UPDATE department SET created_at = ? WHERE code = 'xsj' AND center_id =
            (SELECT id FROM center WHERE code = 'lianzhou')""", (f"{year}-08-10 02:00:00+00:00",))
    login(page, base, "lz-super")
    page.goto(f"{base}/web/#/assessment/lianzhou?tab=year&year={year}")
    row = page.locator("#year-table tr[data-subject=xsj]")
    expect(row).to_be_visible()
    # an office screen (1280 px) holds the supervisor's ten entries on one row of the header
    assert page.locator(".nav a").count() >= 10
    assert page.eval_on_selector_all(".nav a", "els => new Set(els.map((e) => Math.round(e.getBoundingClientRect().top))).size") == 1
    cells = row.locator("td")
    expect(cells.nth(2)).to_have_text("未设立")
    expect(cells.nth(3)).to_have_text("未设立")
    expect(row.locator("[data-unscored=unset]")).to_have_count(2)
    q3, q4 = (float(cells.nth(i).inner_text()) for i in (4, 5))
    expect(cells.nth(6)).to_have_text(f"{round((q3 + q4) / 2, 2):g}")  # the mean of the quarters it existed in
    # a department there all year: four scores
    expect(page.locator("#year-table tr[data-subject=scjg] [data-unscored]")).to_have_count(0)


SAVE_LATER = SAVE.replace('"xsj"', '"xsk"').replace("连州市新设审批局", "连州市新设数据局")


def test_points_for_a_quarter_before_the_department_was_added_are_refused_on_the_screen(
        web_server: str, browser_page: Any, api: Api, demo_db: Path) -> None:  # noqa: F811
    """录入加减分 for a department in a quarter that ended before it was added: the refusal, with the day
    it was added, is shown on the form and nothing is recorded. (The form lists only the departments
    ranked for the quarter, so the screen is opened while the department still counts as older: its
    date, 8 August, is set afterwards, as when the page was opened before it was corrected.)"""
    from playwright.sync_api import expect

    base, page = web_server, browser_page
    year = date.today().year - 1
    assert api("lz-config", SAVE_LATER)["saveDepartment"]["__typename"] == "Department"

    def added(when: str) -> None:
        with sqlite3.connect(demo_db) as db:
            db.execute("""UPDATE department SET created_at = ? WHERE code = 'xsk' AND center_id =
                (SELECT id FROM center WHERE code = 'lianzhou')""", (when,))

    added(f"{year - 1}-01-01 02:00:00+00:00")
    login(page, base, "lz-super")
    page.goto(f"{base}/web/#/assessment/lianzhou?tab=department&period={year}-Q2")
    expect(page.locator("#ranking-table tr[data-subject=xsk]")).to_be_visible()
    added(f"{year}-08-08 02:00:00+00:00")
    page.select_option("#f-subject", "xsk")
    page.fill("#f-points", "-2")
    page.fill("#f-reason", "未参加季度协调会")
    page.click("#manual-score button[type=submit]")
    summary = page.locator("#manual-score .error-summary")
    expect(summary).to_contain_text(f"该部门于{year}年8月8日设立，此前结束的{year}年第二季度不参与考核，不能录入分数")
    expect(page.locator(".banner-success")).to_have_count(0)
    with sqlite3.connect(demo_db) as db:
        assert db.execute("SELECT COUNT(*) FROM assessment_manual_score WHERE reason = '未参加季度协调会'").fetchone() == (0,)
