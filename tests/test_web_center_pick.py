"""The workbench (工作台), the supervision board (电子监察) and the item designer (事项配置) opened for a
center, in headless Chromium on the demo data: a center where the user holds no post is said so in
Chinese, with the centers the user may enter, never another center's data under its name; a user with
posts in two centers sees the one in the address and switches between them.

They used to fall back to the user's first center: Lianzhou's queue, cards or items under an address
(and a footer) naming Wengyuan or Kunshan."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.cli import run
from tests.demo_copy import demo_database
from tests.test_web import browser_page, login, require_browser, serving  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WENGYUAN = "翁源县公共服务中心"
KUNSHAN = "昆山市行政审批服务中心"
# route, its own center selector, a user of Lianzhou only, the posts the refusal names
SCREENS = [
    ("work", "#q-center", "lz-clerk", "综合窗口、后台审批、首席代表、出件窗口、管理员或督查岗位"),
    ("supervision", "#sup-center", "lz-super", "督查、首席代表或管理员岗位"),
    ("config", "#cfg-center", "lz-config", "配置员或管理员岗位"),
]


@pytest.fixture(scope="module")
def web_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo data, where Lianzhou's chief representative (lz-head) is also Wengyuan's, and the
    configurator of both."""
    require_browser()
    workdir = tmp_path_factory.mktemp("centerpick")
    url = demo_database(workdir / "web.sqlite3")
    for center, role in (("wengyuan", "head"), ("lianzhou", "configurator"), ("wengyuan", "configurator")):
        granted = run(["user", "grant", "--center", center, "--role", role, "lz-head"], url)
        assert granted.returncode == 0, granted.stderr
    with serving(url, {**os.environ, "GOVHALL_DATABASE_URL": url}, workdir / "server.log") as base:
        yield base


@pytest.mark.parametrize(("route", "selector", "user", "posts"), SCREENS, ids=[s[0] for s in SCREENS])
def test_a_center_where_the_user_holds_no_post_is_refused_in_chinese(
        web_server: str, browser_page: Any, route: str, selector: str, user: str, posts: str) -> None:
    page, base = browser_page, web_server
    login(page, base, user)
    page.goto(f"{base}/web/#/{route}/wengyuan")
    refused = page.locator("#center-refused")
    expect(refused).to_contain_text(f"您在“{WENGYUAN}”没有{posts}，不能查看或管理该中心")
    expect(page.locator(".page-head .center-name")).to_have_text(WENGYUAN)
    assert page.locator(selector).count() == 0
    assert "连州" not in page.locator(".page").inner_text().replace(refused.locator("a").inner_text(), "")
    refused.locator("a").click()  # the center the user may enter, by its own name and address
    expect(page.locator(selector)).to_have_value("lianzhou")
    assert page.url.endswith(f"#/{route}/lianzhou")
    page.goto(f"{base}/web/#/{route}/nosuch")
    expect(page.locator("#center-refused")).to_contain_text("没有代码为“nosuch”的中心")
    assert page.locator(selector).count() == 0


@pytest.mark.parametrize(("route", "selector"), [s[:2] for s in SCREENS], ids=[s[0] for s in SCREENS])
def test_a_user_with_posts_in_two_centers_sees_the_one_asked_for(web_server: str, browser_page: Any, route: str, selector: str) -> None:
    page, base = browser_page, web_server
    login(page, base, "lz-head")  # of Lianzhou and Wengyuan, not of Kunshan
    page.goto(f"{base}/web/#/{route}/wengyuan")
    expect(page.locator(selector)).to_have_value("wengyuan")
    expect(page.locator("#footer-hours")).to_contain_text(WENGYUAN)
    page.select_option(selector, "lianzhou")
    page.wait_for_url(f"**/#/{route}/lianzhou*")
    expect(page.locator(selector)).to_have_value("lianzhou")
    page.goto(f"{base}/web/#/{route}/kunshan")
    refused = page.locator("#center-refused")
    expect(refused).to_contain_text(f"您在“{KUNSHAN}”没有")
    expect(refused.locator("a")).to_have_count(2)  # both of the user's centers, and nothing of either
    assert page.locator(selector).count() == 0
    links = refused.locator("a").all_inner_texts()
    assert WENGYUAN in links and "连州" not in page.locator(".page").inner_text().replace("".join(links), "")

