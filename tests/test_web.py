"""The browser front end (web/), driven end to end in headless Chromium against a real server.

The server is uvicorn on a free TCP port, in its own process (see ``SERVER``), over a fresh SQLite
database that ``govhall demo`` builds (centers, demo users with password demo1234, the items of
forms/ published for every demo center). Playwright's sync API drives the browser from plain test
functions.

1. An applicant submits an empty form (every required error appears next to its field), then a
   valid one (a case number appears); the Lianzhou front-desk clerk finds the case in the workbench
   and, an immediate item, finishes it on the spot (state 已办结，待出件, an acceptance notice that
   opens as a PDF).
2. The supervision board (with and without the server's supervision query) and the configurator.

Screenshots of the pages are left in the test's tmp_path.
"""

from __future__ import annotations

import asyncio
import atexit
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.demo_copy import demo_database
from tests.test_materials import PNG

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]
ROOT = Path(__file__).resolve().parent.parent
IS_POSTGRES = os.environ.get("GOVHALL_TEST_DATABASE", "sqlite").startswith(("postgres://", "postgresql://"))

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Identity numbers with valid check digits (GB 32100-2015, GB 11643-1999).
USCC = "91310115591693856A"
RESIDENT_ID = "11010519491231002X"
MOBILE = "13800138000"
CAPITAL_DUE = (date.today() + timedelta(days=3 * 365)).isoformat()  # paid in within 5 years of founding


def _free_port() -> int:
    """A free port: any, or the first free one of ``GOVHALL_TEST_PORTS`` (``8811-8819``) on a shared machine."""
    first, _, last = os.environ.get("GOVHALL_TEST_PORTS", "0").partition("-")
    for port in range(int(first), int(last or first) + 1):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return int(s.getsockname()[1])
    raise RuntimeError(f"no free port in GOVHALL_TEST_PORTS={os.environ['GOVHALL_TEST_PORTS']}")


# The server runs in its own process: the core keeps process-wide caches keyed by database ids
# (form validators, department ids, calendars), so an app on another database inside the pytest
# process would leave entries that later tests, on their own databases, would wrongly reuse.
SERVER = """
import sys
import uvicorn
from core.faces.app import create_app
from core.plumbing.settings import Settings
app = create_app(Settings(database_url=sys.argv[1]))
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), lifespan="on", log_level="warning")
"""


@contextmanager
def serving(url: str, env: dict[str, str], log_path: Path, script: str = SERVER) -> Iterator[str]:
    """uvicorn in its own process on the database ``url``, logging to ``log_path``: yields its base URL
    once ``/healthz`` answers, and stops the process afterwards. ``script`` starts it (``SERVER``, or
    one that sets something up first, with ``sys.argv[1:]`` the database and the port)."""
    import httpx

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [sys.executable, "-c", script, url, str(port)], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                pytest.fail(f"the server stopped during start-up:\n{log_path.read_text()}")
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"the server did not answer within 60 s:\n{log_path.read_text()}")
            time.sleep(0.1)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=5)


def require_browser() -> None:
    """Skip unless Debian's Chromium and Playwright are here. Browser tests run once: in whichever pass
    of ``./dev test`` claims their module first (``GOVHALL_BROWSER_CLAIMS``, see tests/conftest.py),
    else in the SQLite pass."""
    if not CHROMIUM.exists():
        pytest.skip("Chromium is not installed at /usr/bin/chromium")
    pytest.importorskip("playwright.sync_api")
    if IS_POSTGRES and not os.environ.get("GOVHALL_BROWSER_CLAIMS"):
        pytest.skip("the browser test runs once, in the SQLite pass (the UI does not depend on the engine)")


@pytest.fixture(scope="module")
def web_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real HTTP server (uvicorn) on a fresh demo database, one per module; yields its base URL."""
    require_browser()
    workdir = tmp_path_factory.mktemp("web")
    url = demo_database(workdir / "web.sqlite3")
    env = {**os.environ, "GOVHALL_DATABASE_URL": url}

    with serving(url, env, workdir / "server.log") as base:
        yield base


class _SharedChromium:
    """One Playwright driver and one Chromium per locale for the whole pytest process; each page gets
    a context of its own (cookies, storage and cache are a context's, so tests stay apart). Starting
    the driver and the browser cost about a second a test.

    Playwright's sync API leaves its event loop marked as the thread's running loop between its
    calls, which would stop the async tests that follow (their runner refuses to start inside a
    running loop). The loop is therefore marked only while a page is open (:meth:`enter`,
    :meth:`leave`), as Playwright itself does around its own calls."""

    def __init__(self) -> None:
        self.playwright: Any = None
        self.loop: Any = None
        self.browsers: dict[str, Any] = {}
        self.depth = 0

    def enter(self, locale: str) -> Any:
        """The browser for ``locale`` (launched, or again after a crash), with the driver's loop marked."""
        from playwright.sync_api import sync_playwright

        if self.playwright is None:
            self.playwright = sync_playwright().start()
            self.loop = asyncio._get_running_loop()
            atexit.register(self.stop)
        else:
            asyncio._set_running_loop(self.loop)
        self.depth += 1
        browser = self.browsers.get(locale)
        if browser is None or not browser.is_connected():
            browser = self.browsers[locale] = self.playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=[*CHROMIUM_ARGS, f"--lang={locale}"],
            )
        return browser

    def leave(self) -> None:
        self.depth -= 1
        if self.depth == 0:
            asyncio._set_running_loop(None)

    def stop(self) -> None:
        if self.playwright is None:
            return
        asyncio._set_running_loop(self.loop)
        try:
            for browser in self.browsers.values():
                browser.close()
            self.playwright.stop()
        finally:
            self.playwright = None
            asyncio._set_running_loop(None)


_CHROMIUM = _SharedChromium()


@contextmanager
def chromium_page(locale: str = "zh-CN", **context_options: Any) -> Iterator[Any]:
    """A fresh Chromium page at 1280 px in a browser of ``locale`` (``context_options``: Playwright's,
    e.g. a phone's viewport, ``is_mobile``, ``has_touch``, ``timezone_id``), in a context of its own
    in the process's shared browser; fails the test on any uncaught page error."""
    errors: list[str] = []
    browser = _CHROMIUM.enter(locale)
    try:
        context = browser.new_context(**{"viewport": {"width": 1280, "height": 900}, **context_options}, locale=locale)
        try:
            context.set_default_timeout(20_000)
            page = context.new_page()
            page.on("pageerror", lambda e: errors.append(str(e)))
            yield page
        finally:
            # a route handler still answering a request of this page would raise in the next test's
            # call (the driver is shared): its handlers go first, their late errors ignored
            try:
                for open_page in context.pages:
                    open_page.unroute_all(behavior="ignoreErrors")
                context.unroute_all(behavior="ignoreErrors")
            finally:
                context.close()
    finally:
        _CHROMIUM.leave()
    assert not errors, errors


@pytest.fixture
def browser_page(web_server: str) -> Iterator[Any]:
    """A fresh Chromium page at 1280 px (Chinese locale); fails the test on any uncaught page error."""
    with chromium_page() as page:
        yield page


def at(path: str) -> str:
    """The element that shows the field at a JSON pointer (form fields and table cells)."""
    return f'[data-path="{path}"]'


def login(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/web/#/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "demo1234")
    page.click("form.login-form button[type=submit]")
    page.wait_for_url(lambda u: "#/login" not in u)


def logout(page: Any) -> None:
    page.click("#userbox button:has-text('退出')")
    page.wait_for_url(re.compile(r"#/login"))


def fill_company_registration(page: Any) -> None:
    """The required fields of forms/scjg-gssldj.json, filled validly (and one optional checkbox)."""
    page.fill(at("/enterpriseName") + " input", "连州市示例科技有限公司")
    page.fill(at("/nameDeclarationNo") + " input", "LZ2026000123")
    page.select_option(at("/companyType") + " select", label="有限责任公司（自然人投资或控股）")
    page.fill(at("/address") + " input", "广东省清远市连州市连州镇中山路88号")
    page.fill(at("/registeredCapital") + " input", "100")
    page.fill(at("/businessScope") + " textarea", "一般项目：技术服务、技术开发、技术咨询。")
    page.check(at("/operatingTerm") + " label:has-text('长期') input")
    page.fill(at("/legalRepresentative/name") + " input", "张三")
    page.fill(at("/legalRepresentative/idNumber") + " input", RESIDENT_ID)
    page.select_option(at("/legalRepresentative/position") + " select", label="执行公司事务的董事")
    page.fill(at("/legalRepresentative/mobile") + " input", MOBILE)
    page.fill(at("/officers/0/name") + " input", "张三")
    page.fill(at("/officers/0/idNumber") + " input", RESIDENT_ID)
    page.select_option(at("/officers/0/position") + " select", label="执行董事")
    page.select_option(at("/officers/0/appointment") + " select", label="选举")
    page.fill(at("/shareholders/0/name") + " input", "张三")
    page.check(at("/shareholders/0/holderType") + " label:has-text('自然人') input")
    page.fill(at("/shareholders/0/idNumber") + " input", RESIDENT_ID)
    page.fill(at("/shareholders/0/subscribed") + " input", "60")
    page.select_option(at("/shareholders/0/method") + " select", label="货币")
    page.fill(at("/shareholders/0/ratio") + " input", "60")
    page.fill(at("/shareholders/0/dueDate") + " input", CAPITAL_DUE)
    # a second shareholder (a row added to the table): an enterprise, identified by its USCC
    page.click(at("/shareholders") + " button.add-row")
    page.fill(at("/shareholders/1/name") + " input", "连州示例投资有限公司")
    page.check(at("/shareholders/1/holderType") + " label:has-text('企业法人') input")
    page.fill(at("/shareholders/1/idNumber") + " input", USCC)
    page.fill(at("/shareholders/1/subscribed") + " input", "40")
    page.select_option(at("/shareholders/1/method") + " select", label="货币")
    page.fill(at("/shareholders/1/ratio") + " input", "40")
    page.fill(at("/shareholders/1/dueDate") + " input", CAPITAL_DUE)
    page.fill(at("/liaison/name") + " input", "李四")
    page.fill(at("/liaison/idNumber") + " input", "440524188001010014")
    page.fill(at("/liaison/mobile") + " input", MOBILE)
    page.fill(at("/phone") + " input", MOBILE)
    page.check(at("/bundledServices") + " label:has-text('印章刻制') input")



def typed_as_meant_then_submitted(page: Any, typed: dict[str, tuple[str, str]]) -> None:
    """Each field at its pointer given the text typed and left: it shows what was meant, without an
    error; then the application is submitted and taken."""
    from playwright.sync_api import expect

    for path, (text, meant) in typed.items():
        box = page.locator(f"{at(path)} input")
        box.fill(text)
        box.press("Tab")
        expect(box).to_have_value(meant)
        expect(page.locator(f"{at(path)} .field-error")).to_be_hidden()
    page.click("button:has-text('提交申请')")
    expect(page.locator(".success-box")).to_be_visible()


def test_apply_then_accept_in_the_browser(web_server: str, browser_page: Any, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    base, page = web_server, browser_page

    # --- the applicant: portal, center, item, guide, form
    login(page, base, "zhangsan")
    page.goto(f"{base}/web/#/hall")
    page.click("a[data-center=lianzhou]")
    page.fill("#item-search", "设立登记")
    page.click("form.searchbar button[type=submit]")
    item = page.locator("article[data-item=scjg-gssldj]")
    expect(item).to_be_visible()
    item.locator("a:has-text('办事指南')").click()
    try:  # on a loaded machine the results may be drawn again under the first click
        page.wait_for_url(re.compile(r"/item/scjg-gssldj"), timeout=5_000)
    except Exception:  # noqa: BLE001 - playwright's TimeoutError: click the link drawn since
        item.locator("a:has-text('办事指南')").click()
    guide = page.locator(".guide")
    for heading in ("设定依据", "受理条件", "申报材料", "办理时限", "收费", "办理窗口"):
        expect(guide.locator("h2", has_text=heading)).to_be_visible()
    expect(guide.locator(".tag-main").first).to_have_text("主件")
    expect(guide.locator(".tag-secondary").first).to_have_text("辅件")
    page.go_back()  # back to the list: as it was searched
    expect(page.locator("#item-search")).to_have_value("设立登记")
    expect(page.locator("article.item-card")).to_have_count(1)
    page.go_forward()
    page.locator("a:has-text('在线申报')").first.click()
    expect(page.locator("form.apply-form")).to_be_visible()

    # --- a file chosen, then the page reloaded (a phone dropped the tab): the unsent form keeps it
    page.locator(".material-row[data-material=m03] input[type=file]").set_input_files(
        files=[{"name": "股东身份证.png", "mimeType": "image/png", "buffer": PNG}])
    expect(page.locator(".material-row[data-material=m03] .chip-file")).to_contain_text("股东身份证.png")
    for _ in range(50):  # the draft is saved half a second after the change
        if page.evaluate("Object.keys(localStorage).some(k => k.endsWith('.materials') && localStorage.getItem(k).includes('m03'))"):
            break
        page.wait_for_timeout(100)
    page.reload()
    expect(page.locator("#draft-restored")).to_contain_text("已上传的 1 个材料文件")
    expect(page.locator(".material-row[data-material=m03] .chip-file")).to_contain_text("股东身份证.png")

    # --- submitted empty: every required error next to its field, all at once
    page.click("button:has-text('提交申请')")
    expect(page.locator("form.apply-form .error-summary")).to_be_visible()
    for path, label in [
        ("/enterpriseName", "企业名称"),
        ("/companyType", "公司类型"),
        ("/registeredCapital", "注册资本"),
        ("/operatingTerm", "营业期限"),
        ("/legalRepresentative/idNumber", "身份证号码"),
        ("/liaison/mobile", "手机号码"),
        ("/officers/0/name", "姓名"),
        ("/shareholders/0/holderType", "股东类型"),
        ("/phone", "公司联系电话"),
    ]:
        error = page.locator(f"{at(path)} > .field-error")
        expect(error).to_be_visible()
        expect(error).to_contain_text(label)
    # nothing was left over for the summary alone: each error found its field
    expect(page.locator("form.apply-form .error-summary code.path")).to_have_count(0)
    expect(page.locator(at("/businessPremises") + " > .field-error")).to_be_hidden()  # optional: no error
    page.screenshot(path=str(tmp_path / "portal-form-errors.png"), full_page=True)

    # --- filled validly: a case number
    fill_company_registration(page)
    page.click("button:has-text('提交申请')")
    number_el = page.locator(".success-box .case-number")
    expect(number_el).to_be_visible()
    number = number_el.inner_text().strip()
    assert re.fullmatch(r"[A-Z]+-\d{8}-\d{6}", number), number
    # sent: no draft is left (nor written by the last field's save, still waiting when it was sent)
    page.wait_for_timeout(1_000)
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('govhall.draft.'))") == []
    page.screenshot(path=str(tmp_path / "portal-submitted.png"), full_page=True)
    first_case = page.locator(".success-box a:has-text('查看办件')").get_attribute("href")

    # --- the same application again while the first is open: 您已有该事项的在办件, with a link to
    # it; confirmed (确认再次申报), it is filed all the same
    page.reload()  # still at the apply page (its address)
    expect(page.locator("form.apply-form")).to_be_visible()
    fill_company_registration(page)
    page.click("button:has-text('提交申请')")
    duplicate = page.locator(".duplicate-case")
    expect(duplicate).to_contain_text(f"您已有该事项的在办件 {number}（待受理），请勿重复申报")
    expect(duplicate.locator("#open-case-link")).to_have_attribute("href", first_case or "")
    duplicate.locator("button:has-text('确认再次申报')").click()
    again = page.locator(".success-box .case-number")
    expect(again).to_be_visible()
    assert again.inner_text().strip() != number
    page.goto(f"{base}/web/{first_case}")
    expect(page.locator("#case-state")).to_have_text("待受理")
    expect(page.locator(".timeline .event")).to_have_count(1)
    expect(page.locator("#case-materials")).to_contain_text("股东身份证.png")

    # --- the front-desk clerk: workbench, the case, 受理
    logout(page)
    login(page, base, "lz-clerk")
    page.goto(f"{base}/web/#/work/lianzhou?state=submitted")
    row = page.locator(f'tr[data-case="{number}"]')
    expect(row).to_be_visible()
    row.locator("a.case-link").click()
    # 公司设立登记 is an immediate item (即办件): finished on the spot, never accepted as a promised case
    accept = page.locator("button[data-action=finish_on_spot]")
    expect(accept).to_contain_text("即时办结")
    accept.click()
    # acceptance is checked against the item's review checklist (审查要点): unticked points are refused
    confirm = page.locator("button[data-confirm=finish_on_spot]")
    # nothing uploaded and nothing ticked as received: the main materials are missing
    confirm.click()
    expect(page.locator(f".action-panel {at('/received')} > .field-error")).to_contain_text("公司章程")
    for code in ("m01", "m02"):  # the main materials, received on paper at the counter
        page.check(f".receipt-row[data-material={code}] input[data-form=original]")
    confirm.click()
    expect(page.locator(f".action-panel {at('/checklist')} > .field-error")).to_contain_text("未勾选审查要点")
    points = page.locator(f".param-form {at('/checklist')} input[type=checkbox]")
    assert points.count() == 5  # forms/scjg-gssldj.json: c01..c05
    for i in range(points.count()):
        points.nth(i).check()
    page.check(f".param-form {at('/originalsChecked')} input[type=checkbox]")
    confirm.click()
    # finishing issues two PDFs (the acceptance notice and the licence): give a loaded machine time
    expect(page.locator("#case-state")).to_have_text("已办结，待出件", timeout=60_000)
    notice = page.locator("li[data-kind=acceptance_notice] a.doc-link")
    expect(notice).to_be_visible()
    # numbered with the transition, laid out just after: the case page refreshes it until ready
    expect(page.locator("li[data-kind=acceptance_notice][data-status=ready]")).to_be_visible(timeout=60_000)
    href = notice.get_attribute("href") or ""
    assert href.startswith("/documents/") and "sig=" in href and "token=" not in href, href  # a signed link
    assert notice.get_attribute("target") == "_blank"
    pdf = page.request.get(base + href)
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    expect(page.locator(".timeline .event")).to_have_count(2)
    page.screenshot(path=str(tmp_path / "case-accepted.png"), full_page=True)


def _without_query_fields(page: Any, names: set[str]) -> None:
    """Answers the app's schema introspection as if the server had no such query fields."""
    import json

    def handle(route: Any) -> None:
        if "__schema" not in (route.request.post_data or ""):
            route.continue_()
            return
        response = route.fetch()
        body = response.json()
        query_type = body["data"]["__schema"]["queryType"]
        query_type["fields"] = [f for f in query_type["fields"] if f["name"] not in names]
        route.fulfill(response=response, body=json.dumps(body), content_type="application/json")

    page.route("**/graphql", handle)


def test_supervision_board_and_configurator(web_server: str, browser_page: Any, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    base, page = web_server, browser_page

    # supervision: yellow/red counts and the year's figures (from 1 January to today by default)
    login(page, base, "lz-super")
    page.goto(f"{base}/web/#/supervision/lianzhou")
    expect(page.locator(".stat-yellow .stat-label")).to_have_text("黄牌")
    expect(page.locator(".stat-accepted .stat-label")).to_have_text("受理")
    assert page.input_value("#stat-from").endswith("-01-01")
    page.screenshot(path=str(tmp_path / "supervision.png"), full_page=True)

    # a server without the supervision query: a short note, the rest of the page still works
    _without_query_fields(page, {"supervision"})
    page.reload()
    expect(page.get_by_text("尚未在服务端启用")).to_be_visible()
    expect(page.locator(".stat-accepted")).to_be_visible()
    page.unroute("**/graphql")

    # configurator, in the designer's advanced (JSON) view: a JSON error is reported where it is,
    # server errors are listed by path (the designer itself: tests/test_designer_web.py)
    logout(page)
    login(page, base, "lz-config")
    page.goto(f"{base}/web/#/config/lianzhou")
    page.click("#dz-new")
    page.click("#dz-tab-json")
    document = page.input_value("#cfg-doc").replace('"legalDays": 20', '"legalDays": -1', 1)
    page.fill("#cfg-doc", '{"code": "x",')
    expect(page.locator("#cfg-parse")).to_contain_text("JSON 格式错误")
    page.fill("#cfg-doc", document)
    page.click("#cfg-save")
    expect(page.locator(".cfg-result code.path", has_text="/legalDays")).to_be_visible()


def test_dates_and_times_are_the_centers_whatever_the_devices_time_zone(web_server: str) -> None:
    """A device left on UTC (a kiosk, a hall display, a PC) at 01:30 in China on 29 November: the
    screens show China time and take 29 November as today, as the server counts days."""
    from playwright.sync_api import expect

    base = web_server
    with chromium_page(timezone_id="UTC") as page:
        page.clock.set_fixed_time("2026-11-28T17:30:00Z")
        page.goto(f"{base}/web/#/login")
        shown = page.evaluate("""async () => {
            const ui = await import('./ui.js');
            const kit = await import('./views/kit.js');
            return [ui.todayISO(), ui.fmt.datetime('2026-11-28T17:30:00Z'), kit.presetRange('month'), kit.periodKeys().month];
        }""")
        assert shown == ["2026-11-29", "2026年11月29日 01:30", ["2026-11-01", "2026-11-30"], "2026-11"]
        login(page, base, "zhangsan")
        page.goto(f"{base}/web/#/floor/mine/lianzhou")
        expect(page.locator("input[type=date]").first).to_have_value("2026-11-29")  # the booking day offered first
