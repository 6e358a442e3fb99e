"""电子监察's chart of cards per department follows the center's order, as the department list above
it (and 中心管理) does: Lianzhou's file lists 住房和城乡规划建设局 (zjj) before 市场监督管理局 (scjg), the
chart drew them by code, scjg first. Runs against the demo server of ``tests/test_web_screens.py``.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tests.test_web import browser_page, login  # noqa: F401
from tests.test_web_screens import Api, api, demo_db, web_server  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_the_cards_per_department_follow_the_centers_order(web_server: str, browser_page: Any, api: Api, demo_db: Path) -> None:  # noqa: F811
    from playwright.sync_api import expect

    base, page = web_server, browser_page
    carded = [(api.accepted("连州市挂牌顺序一有限公司"), "scjg", "RED"), (api.accepted("连州市挂牌顺序二有限公司"), "zjj", "YELLOW")]
    with sqlite3.connect(demo_db) as db:
        for case, department, alert in carded:
            db.execute("""UPDATE gh_case SET alert = ?, department_id = (SELECT d.id FROM department d JOIN center c
                ON c.id = d.center_id WHERE c.code = 'lianzhou' AND d.code = ?) WHERE id = ?""", (alert, department, int(case["id"])))
    login(page, base, "lz-super")
    page.goto(f"{base}/web/#/supervision/lianzhou")
    chart = page.locator(".chart-box", has=page.locator("h3", has_text="各部门黄牌、红牌"))
    expect(chart.locator("text.row-label", has_text="连州市住房和城乡规划建设局")).to_have_count(1)
    expect(chart.locator("text.row-label", has_text="连州市市场监督管理局")).to_have_count(1)
    labels = [t.strip() for t in chart.locator("text.row-label title").all_text_contents()]  # the whole name
    listed = [t.strip() for t in page.locator("#stat-dept option").all_text_contents()][1:]  # after 全部部门
    assert [label for label in labels if label != "（未分配）"] == [name for name in listed if name in labels]
    assert labels.index("连州市住房和城乡规划建设局") < labels.index("连州市市场监督管理局")
