"""The statistics of 电子监察 in headless Chromium on the demo data: the tiles show the average legal,
promised and actual days and 实际提速 against the legal limit, with how each figure is computed
under them; a department with nothing completed shows — rather than a number."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.demo_copy import demo_database
from tests.test_web import browser_page, login, require_browser, serving  # noqa: F401
from tests.test_web_screens import Api

pytestmark = [pytest.mark.browser, pytest.mark.slow]

STATISTICS = """query($c: String!, $f: Date!, $t: Date!) { statistics(center: $c, from: $f, to: $t) {
  completed legalCompleted averageLegalDays averagePromisedDays averageActualDays speedUpPercent } }"""


@pytest.fixture(scope="module")
def web_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    require_browser()
    folder = tmp_path_factory.mktemp("statistics")
    url = demo_database(folder / "web.sqlite3")
    with serving(url, {**os.environ, "GOVHALL_DATABASE_URL": url}, folder / "server.log") as base:
        yield base


def test_the_statistics_show_the_speed_up_against_the_law_and_its_formula(web_server: str, browser_page: Any, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    base, page = web_server, browser_page
    api = Api(base)
    api.approved("连州市提速示例有限公司")  # one more case completed today, against its legal limit
    login(page, base, "lz-super")
    page.goto(f"{base}/web/#/supervision/lianzhou")
    page.click("button[data-preset=year]")
    tiles = page.locator("#statistics .stats")
    expect(tiles.locator(".stat-speedUpPercent .stat-label")).to_have_text("实际提速（比法定时限）")
    from_, to = page.input_value("#stat-from"), page.input_value("#stat-to")
    figures = api("lz-super", STATISTICS, c="lianzhou", f=from_, t=to)["statistics"]
    assert figures["legalCompleted"] >= 1 and figures["speedUpPercent"] is not None
    labels = [t.strip() for t in tiles.locator(".stat-label").all_inner_texts()]
    assert labels[2:6] == ["平均法定时限", "平均承诺时限", "平均实际办理", "实际提速（比法定时限）"]
    expect(tiles.locator(".stat-averageLegalDays .stat-value")).to_contain_text(f"{figures['averageLegalDays']:g}")
    expect(tiles.locator(".stat-speedUpPercent .stat-value")).to_contain_text(f"{figures['speedUpPercent']:g}")
    formulas = page.locator("#stat-formulas")
    expect(formulas.locator("li[data-formula=speedUpPercent]")).to_contain_text(
        f"实际提速 =（Σ法定时限 − Σ实际办理时间）÷ Σ法定时限 × 100%，按有法定时限的办结件（本期{figures['legalCompleted']}件）计算")
    expect(formulas.locator("li[data-formula=speedUpPercent]")).to_contain_text("不计补正、听证、检验检测、专家评审、现场勘查")
    expect(formulas.locator("li[data-formula=averageLegalDays]")).to_contain_text("Σ法定时限 ÷ 有法定时限的办结件数")
    page.screenshot(path=str(Path(os.environ.get("GOVHALL_SCREENSHOTS") or tmp_path) / "statistics.png"), full_page=True)
    # 导出 CSV and 导出 Excel stand apart, not run together as one button
    csv_box, xlsx_box = page.locator("#export-csv").bounding_box(), page.locator("#export-xlsx").bounding_box()
    assert xlsx_box["x"] >= csv_box["x"] + csv_box["width"] + 4 or xlsx_box["y"] >= csv_box["y"] + csv_box["height"] + 4, (csv_box, xlsx_box)

    # a department that completed nothing in the period: no figure pretends to measure anything
    codes = page.locator("#stat-dept option").evaluate_all("(os) => os.map((o) => o.value).filter(Boolean)")
    empty = next(code for code in codes if api("lz-super", """query($c: String!, $f: Date!, $t: Date!, $d: String) {
        statistics(center: $c, from: $f, to: $t, department: $d) { completed } }""", c="lianzhou", f=from_, t=to, d=code)
        ["statistics"]["completed"] == 0)
    page.select_option("#stat-dept", empty)
    page.click("#statistics form button[type=submit]")
    expect(tiles.locator(".stat-speedUpPercent")).to_contain_text("暂无数据")
    expect(tiles.locator(".stat-speedUpPercent .stat-value")).to_have_text("—")
    expect(formulas.locator("li[data-formula=speedUpPercent]")).to_contain_text("本期0件")
