"""The hall floor's screens in headless Chromium on the demo data (Lianzhou): the kiosk takes a
ticket, the window calls it and the hall display shows the number within 3 s; the window finishes it
with a case and the rating tablet's tap lands on the case with channel 现场. The hall is open in these
stories: the server's clock (and the pages') is held at a working morning (``web_clock``), and moved
where a story needs the hall closed."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest

from core.api import CENTER_TZ, WorkCalendar
from tests.demo_copy import demo_database
from tests.test_web import browser_page, login, logout  # noqa: F401
from tests.test_web_screens import Api, api, demo_db  # noqa: F401

from .web_clock import HallClock, clocked_serving, morning_clock

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def hall_clock(demo_db: Path) -> HallClock:
    return morning_clock(demo_db.parent)


@pytest.fixture(scope="module")
def web_server(demo_db: Path, hall_clock: HallClock) -> Iterator[str]:
    """As ``tests.test_web_screens.web_server``, with the product's clock at the hall's moment."""
    with clocked_serving(demo_database(demo_db), demo_db.parent, hall_clock) as base:
        yield base


@pytest.fixture(autouse=True)
def hall_page(browser_page: Any, hall_clock: HallClock) -> Any:
    """Every page of the test (its context's) reads the hall's time."""
    hall_clock.install(browser_page)
    return browser_page


def test_display_shows_the_call_and_the_tablet_rates_the_case(web_server: str, browser_page: Any, api: Api) -> None:
    from playwright.sync_api import expect

    base, display = web_server, browser_page
    case = api.approved("连州市现场评价示例有限公司")  # a finished case, served at the comprehensive window

    # the kiosk (no login): a ticket of 综合
    display.goto(f"{base}/web/#/floor/kiosk/lianzhou")
    display.click("button.kiosk-queue[data-queue=A]")
    number = display.locator(".ticket-slip .ticket-number").inner_text().strip()
    assert re.fullmatch(r"A\d{3}", number)

    # the hall display, and the window calling in a second tab
    display.goto(f"{base}/web/#/floor/display/lianzhou")
    expect(display.locator(".display-waiting li[data-queue=A] strong")).to_have_text("1")
    window = display.context.new_page()
    login(window, base, "lz-clerk")
    window.goto(f"{base}/web/#/floor/window/lianzhou?window=ZH01")
    window.click("#call-next")
    expect(window.locator(".window-current .ticket-number-small")).to_have_text(number)
    display.locator(f'.called-number[data-number="{number}"]').wait_for(timeout=5000)  # the display polls every 3 s
    expect(display.locator(".called-window")).to_contain_text("综合受理窗口")
    expect(display.locator(".display-waiting li[data-queue=A] strong")).to_have_text("0")

    # recall, then finish with the case; the tablet asks about that ticket
    window.click(".window-current button[data-action=recall]")
    expect(window.locator(".window-status")).to_contain_text(number)
    tablet = display.context.new_page()
    tablet.goto(f"{base}/web/#/floor/tablet/lianzhou?window=ZH01")
    expect(tablet.locator(".tablet-body")).to_contain_text("等待窗口办结")
    window.locator(".window-current input").fill(case["id"])
    window.click(".window-current button[data-action=finish]")
    expect(window.locator(".window-status")).to_contain_text("已办结")
    expect(tablet.locator(".tablet-subject")).to_contain_text(number, timeout=10_000)
    tablet.click(".tablet-levels button[data-level='5']")
    expect(tablet.locator(".tablet-thanks")).to_contain_text("非常满意")

    rating = api("lz-clerk", "query($id: ID!) { case(id: $id) { rating } }", id=case["id"])["case"]["rating"]
    assert rating == 5
    on_site = api("lz-super", "query($k: ID!) { onSiteRating(center: \"lianzhou\", case: $k) { channel window staff level } }",
                  k=case["id"])["onSiteRating"]
    assert on_site["channel"] == "现场" and on_site["window"] == "ZH01" and on_site["level"] == 5

    # the supervisor finds it by the case number (the box asked for an internal 办件ID and found nothing)
    supervisor = display.context.new_page()
    login(supervisor, base, "lz-super")
    supervisor.goto(f"{base}/web/#/floor/supervisor/lianzhou?tab=rating")
    supervisor.fill("#rating-case", case["number"])
    supervisor.click("button:has-text('查询')")
    expect(supervisor.locator(".note", has_text=case["number"])).to_contain_text("现场 ZH01")


def test_supervisor_rectifies_a_bad_rating_and_reads_the_figures(web_server: str, browser_page: Any, api: Api, hall_clock: HallClock) -> None:
    from playwright.sync_api import expect

    base, page = web_server, browser_page
    ticket = api("lz-clerk", 'mutation { takeTicket(center: "lianzhou", queue: "C") { ... on HallTicket { id number } } }')["takeTicket"]
    called = api("lz-clerk", 'mutation { callNextTicket(center: "lianzhou", window: "W12") { ... on HallTicket { id number } } }')["callNextTicket"]
    assert called["id"] == ticket["id"]
    api("lz-clerk", 'mutation($t: ID!) { finishTicket(center: "lianzhou", window: "W12", ticket: $t) { __typename } }', t=ticket["id"])
    rated = api("lz-clerk", """mutation($t: ID!) { rateOnSite(center: "lianzhou", window: "W12", level: 2, ticket: $t, reason: "办事效率低") {
        __typename ... on OnSiteRating { id } } }""", t=ticket["id"])["rateOnSite"]
    assert rated["__typename"] == "OnSiteRating", rated

    login(page, base, "lz-super")
    page.goto(f"{base}/web/#/floor/supervisor/lianzhou")
    row = page.locator("tr", has_text="办事效率低")
    expect(row).to_contain_text("整改中")
    expect(row).to_contain_text("15个工作日")
    expect(row).to_contain_text(re.compile(r"\d{4}年\d{1,2}月\d{1,2}日 至 \d{4}年\d{1,2}月\d{1,2}日"))  # not 2026-11-29 至 …
    expect(row).to_contain_text("W12 国家税务局窗口")
    row.locator("textarea").fill("税务窗口高峰时段增派一人")
    row.locator("button:has-text('登记整改')").click()
    row = page.locator("tr", has_text="办事效率低")
    expect(row).to_contain_text("已整改")
    row.locator("textarea").fill("电话回访，申请人满意")
    row.locator("button:has-text('登记回访')").click()
    expect(page.locator("tr", has_text="办事效率低")).to_contain_text("回访：电话回访，申请人满意")

    page.click("a[data-tab=stats]")
    expect(page.locator(".wait-stats")).to_contain_text("平均等候")
    expect(page.locator("#wait-chart svg text.row-label", has_text="W12")).to_have_count(1)  # the waits drawn per window
    expect(page.locator("#wait-chart svg text.legend")).to_have_text(["平均等候", "最长等候"])
    expect(page.locator(".wait-stats tr", has_text="W12").first).to_contain_text("1")  # waits: one ticket served
    figures = page.locator(".wait-stats tr").filter(has=page.locator("td", has_text=re.compile(r"^窗口$")))
    expect(figures.filter(has_text="W12")).to_contain_text("2.00")  # the tablet's figures
    # the end of the day: today's figures first, each window by its name, the period kept over a reload
    today = hall_clock.today().isoformat()
    assert (page.input_value("#range-from"), page.input_value("#range-to")) == (today, today)
    expect(page.locator(".wait-stats td", has_text="W12 国家税务局窗口")).to_have_count(1)
    page.click("button[data-preset=year]")
    expect(page).to_have_url(re.compile(r"from=\d{4}-01-01&to=\d{4}-12-31"))
    page.reload()
    assert page.input_value("#range-from").endswith("-01-01") and page.input_value("#range-to").endswith("-12-31")
    page.click("button[data-preset=today]")
    expect(page).to_have_url(re.compile(f"from={today}&to={today}"))


def test_the_rectification_row_keeps_what_was_recorded(web_server: str, browser_page: Any, api: Api, hall_clock: HallClock) -> None:
    """整改 then 回访: the measures stay on the row once recorded (they vanished at 已整改 and 已回访办结),
    and an empty box is said under it in words (it showed the raw path /measures)."""
    from playwright.sync_api import expect

    base, page = web_server, browser_page
    api("lz-clerk", 'mutation { takeTicket(center: "lianzhou", queue: "C") { ... on HallTicket { id } } }')
    called = api("lz-clerk", 'mutation { callNextTicket(center: "lianzhou", window: "W13") { ... on HallTicket { id } } }')["callNextTicket"]
    api("lz-clerk", 'mutation($t: ID!) { finishTicket(center: "lianzhou", window: "W13", ticket: $t) { __typename } }', t=called["id"])
    rated = api("lz-clerk", """mutation($t: ID!) { rateOnSite(center: "lianzhou", window: "W13", level: 1, ticket: $t, reason: "环境设施不便") {
        __typename } }""", t=called["id"])["rateOnSite"]
    assert rated["__typename"] == "OnSiteRating", rated

    login(page, base, "lz-super")
    page.goto(f"{base}/web/#/floor/supervisor/lianzhou")
    row = page.locator("tr", has_text="环境设施不便")
    row.locator("button:has-text('登记整改')").click()
    expect(row.locator("[data-path='/measures'] .field-error")).to_contain_text("请填写整改措施")
    expect(row).not_to_contain_text("/measures")
    row.get_by_label("整改措施").fill("等候区加装两台空调，每日开门前检查")
    row.locator("button:has-text('登记整改')").click()
    row = page.locator("tr", has_text="环境设施不便")
    expect(row).to_contain_text("已整改")
    expect(row).to_contain_text("整改措施：等候区加装两台空调，每日开门前检查")
    row.get_by_label("回访记录").fill("电话回访，申请人认可")
    row.locator("button:has-text('登记回访')").click()
    row = page.locator("tr", has_text="环境设施不便")
    expect(row).to_contain_text("回访：电话回访，申请人认可（满意）")
    expect(row).to_contain_text("整改措施：等候区加装两台空调，每日开门前检查")


def _text_and_backdrop(page: Any, selector: str) -> tuple[str, str]:
    """A button's text colour and the colour it is drawn on (its own, else the nearest painted ancestor's)."""
    return page.locator(selector).evaluate("""(el) => {
      const text = getComputedStyle(el).color;
      for (let node = el; node; node = node.parentElement) {
        const bg = getComputedStyle(node).backgroundColor;
        if (bg && bg !== 'rgba(0, 0, 0, 0)' && bg !== 'transparent') return [text, bg];
      }
      return [text, 'rgb(255, 255, 255)'];
    }""")


def test_the_displays_sound_button_can_be_seen(web_server: str, browser_page: Any) -> None:
    """开启提示音 sits on the light page, not in the dark header: white ghost text vanished there."""
    browser_page.goto(f"{web_server}/web/#/floor/display/lianzhou")
    button = browser_page.get_by_role("button", name="开启提示音")
    button.wait_for()
    text, backdrop = _text_and_backdrop(browser_page, "button:has-text('开启提示音')")
    assert text != "rgb(255, 255, 255)" and text != backdrop, (text, backdrop)


def test_the_booking_screen_offers_no_past_slot(web_server: str, browser_page: Any, api: Api, hall_clock: HallClock) -> None:
    """A past working day's periods are listed without a 预约 button, with the reason; a day to come has buttons."""
    from playwright.sync_api import expect

    slots = "query($d: Date!) { hallSlots(center: \"lianzhou\", queue: \"A\", date: $d) { closedReason slots { period bookable } } }"
    past = hall_clock.today() - timedelta(days=2)
    while not api("zhangsan", slots, d=past.isoformat())["hallSlots"]["slots"]:
        past -= timedelta(days=1)
    listed = api("zhangsan", slots, d=past.isoformat())["hallSlots"]
    assert not any(s["bookable"] for s in listed["slots"]) and "已过" in listed["closedReason"], listed
    ahead = hall_clock.today() + timedelta(days=2)
    while not any(s["bookable"] for s in api("zhangsan", slots, d=ahead.isoformat())["hallSlots"]["slots"]):
        ahead += timedelta(days=1)

    base, page = web_server, browser_page
    login(page, base, "zhangsan")
    page.goto(f"{base}/web/#/floor/mine/lianzhou?tab=book")
    page.fill("#f-date", ahead.isoformat())
    expect(page.locator(".hall-slots button").first).to_have_text("预约")
    page.fill("#f-date", past.isoformat())
    expect(page.locator(".hall-slots")).to_contain_text("已过，不能预约")
    expect(page.locator(f'.hall-slots [data-period="{listed["slots"][0]["period"]}"]')).to_contain_text("已过")
    expect(page.locator(".hall-slots button")).to_have_count(0)


def test_an_unchanged_display_polls_a_few_bytes_and_a_change_still_shows(web_server: str, browser_page: Any, api: Api) -> None:
    """The display asks for hallDisplayVersion each poll and fetches the whole screen only when it changed."""
    from playwright.sync_api import expect

    for _ in range(4):  # a screen with calls on it: what an unchanged poll used to download again
        api("lz-clerk", 'mutation { takeTicket(center: "lianzhou", queue: "C") { __typename } }')
        api("lz-clerk", 'mutation { callNextTicket(center: "lianzhou", window: "W12") { __typename } }')
    page = browser_page
    exchanges: list[Any] = []
    page.on("requestfinished", lambda r: exchanges.append(r) if r.url.endswith("/graphql") else None)

    def sent() -> list[tuple[str, int]]:
        """What each /graphql request asked for, and its bytes (request and response bodies)."""
        out = [(r.post_data or "", len(r.post_data_buffer or b"") + len(r.response().body())) for r in exchanges]
        exchanges.clear()
        return out

    def poll_now() -> None:  # the poll runs at once when the page is shown again, as after 3 s
        with page.expect_response(lambda r: r.url.endswith("/graphql")):
            page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
        page.wait_for_timeout(300)  # a whole screen fetched after the digest would have started by now

    page.goto(f"{web_server}/web/#/floor/display/lianzhou")
    page.locator(".floor-display[data-version]:not([data-version=''])").wait_for()
    full = [size for query, size in sent() if "hallDisplay(" in query]
    assert full, "the first draw fetches the whole screen"
    for _ in range(2):
        poll_now()
        polls = sent()
        assert polls and all("hallDisplayVersion" in q and "hallDisplay(" not in q for q, _ in polls), polls
        assert all(size * 4 < full[0] for _, size in polls), (polls, full)
    version = page.locator(".floor-display").get_attribute("data-version")

    ticket = api("lz-clerk", 'mutation { takeTicket(center: "lianzhou", queue: "A") { ... on HallTicket { id number } } }')["takeTicket"]
    waiting = page.locator(".display-waiting li[data-queue=A] strong")
    before = int(waiting.inner_text())
    poll_now()
    assert any("hallDisplay(" in q for q, _ in sent()), "a change fetches the whole screen"
    expect(waiting).to_have_text(str(before + 1))
    assert page.locator(".floor-display").get_attribute("data-version") != version
    called = api("lz-clerk", 'mutation($t: ID!) { callTicket(center: "lianzhou", window: "ZH01", ticket: $t) { __typename } }', t=ticket["id"])
    assert called["callTicket"]["__typename"] == "HallTicket", called
    page.locator(f'.called-number[data-number="{ticket["number"]}"]').wait_for(timeout=5000)  # within the 3 s poll


def test_the_window_screen_keeps_yesterdays_number_apart_and_closes_it(web_server: str, browser_page: Any, api: Api, demo_db: Any) -> None:
    """A number left called yesterday is not the window's current number; 过号 closes it for good."""
    import sqlite3

    from playwright.sync_api import expect

    ticket = api("lz-clerk", 'mutation { takeTicket(center: "lianzhou", queue: "A") { ... on HallTicket { id number } } }')["takeTicket"]
    called = api("lz-clerk", 'mutation($t: ID!) { callTicket(center: "lianzhou", window: "ZH01", ticket: $t) { __typename } }', t=ticket["id"])
    assert called["callTicket"]["__typename"] == "HallTicket", called
    with sqlite3.connect(demo_db) as db:  # taken and called yesterday, left open overnight
        db.execute("UPDATE hall_floor_ticket SET day = date(day, '-1 day') WHERE id = ?", (int(ticket["id"]),))

    page = browser_page
    login(page, web_server, "lz-clerk")
    page.goto(f"{web_server}/web/#/floor/window/lianzhou?window=ZH01")
    leftover = page.locator(".window-leftover")
    expect(leftover).to_contain_text("前几天遗留的号")
    expect(leftover.locator(".ticket-number-small")).to_have_text(ticket["number"])
    expect(page.locator(".window-current")).not_to_contain_text(ticket["number"])
    leftover.locator("button[data-action=skip]").click()
    expect(page.locator(".window-status")).to_contain_text(f"{ticket['number']}：已过号")
    expect(leftover).to_be_empty()
    expect(page.locator(".window-line")).not_to_contain_text(ticket["number"])
    refused = api("lz-clerk", """mutation($t: ID!) { callTicket(center: "lianzhou", window: "ZH01", ticket: $t) {
        __typename ... on UserErrors { errors { code } } } }""", t=ticket["id"])["callTicket"]
    assert refused["errors"][0]["code"] == "expired", refused
    # a refusal nothing typed can fix is said as such, not as something to correct (请修改…)
    page.goto(f"{web_server}/web/#/floor/window/lianzhou?window=CJ01")
    page.click("#call-next")
    summary = page.locator(".window-desk .error-summary")
    expect(summary).to_contain_text("未能完成")
    expect(summary).not_to_contain_text("请修改")


def test_the_booking_screen_says_which_slot_is_already_mine(web_server: str, browser_page: Any, api: Api, demo_db: Any,
                                                             hall_clock: HallClock) -> None:
    """A slot the applicant holds shows 您已预约该时段 instead of a 预约 button; others still book it.
    Each booking shows its 预约码 (on the banner, in 我的预约 with every booking still to come);
    cancelling asks first; at the kiosk, with nobody logged in, the code of today's booking takes a
    预约号 in the booking's queue."""
    import sqlite3

    from playwright.sync_api import expect

    slots = "query($d: Date!) { hallSlots(center: \"lianzhou\", queue: \"A\", date: $d) { slots { period bookable } } }"
    ahead = hall_clock.today() + timedelta(days=4)
    while ahead < hall_clock.today() + timedelta(days=12) and not any(s["bookable"] for s in api("zhangsan", slots, d=ahead.isoformat())["hallSlots"]["slots"]):
        ahead += timedelta(days=1)
    period = next(s["period"] for s in api("zhangsan", slots, d=ahead.isoformat())["hallSlots"]["slots"] if s["bookable"])

    page = browser_page
    login(page, web_server, "zhangsan")
    page.goto(f"{web_server}/web/#/floor/mine/lianzhou?tab=book")
    page.fill("#f-date", ahead.isoformat())
    page.dispatch_event("#f-date", "change")
    page.locator(f'.hall-slots button[data-period="{period}"]').click()
    mine = page.locator(f'.hall-slots [data-period="{period}"]')
    expect(mine).to_have_text("您已预约该时段，无需重复预约")
    expect(page.locator(f'.hall-slots button[data-period="{period}"]')).to_have_count(0)
    expect(page.locator(".hall-bookings")).to_contain_text(period)
    expect(page.locator(".hall-bookings")).to_contain_text("A 综合")  # the queue by its name, not its bare code
    assert any(s["period"] == period and s["bookable"] for s in api("lisi", slots, d=ahead.isoformat())["hallSlots"]["slots"])

    # the 预约码: on the banner, and in 我的预约 beside the booking (every one still to come, not only the day's)
    mine_query = "{ myHallBookings(center: \"lianzhou\") { id queue date period code } }"
    booked = next(b for b in api("zhangsan", mine_query)["myHallBookings"]
                  if (b["date"], b["period"], b["queue"]) == (ahead.isoformat(), period, "A"))
    assert re.fullmatch(r"\d{6}", booked["code"]), booked
    expect(page.locator("#banner")).to_contain_text(f"预约码 {booked['code']}")
    row = page.locator(".hall-bookings tr[data-booking='%s']" % booked["id"])
    expect(row.locator(".booking-code")).to_have_text(booked["code"])
    expect(row).to_contain_text(f"{ahead.year}年{ahead.month}月{ahead.day}日")

    # a second booking, of 不动产 (D: no other story calls its windows), for the kiosk below
    page.select_option("#f-queue", "D")
    page.locator(f'.hall-slots button[data-period="{period}"]').click()
    expect(page.locator("#banner")).to_contain_text("预约码")
    kiosk = next(b for b in api("zhangsan", mine_query)["myHallBookings"]
                 if (b["date"], b["period"], b["queue"]) == (ahead.isoformat(), period, "D"))
    expect(page.locator(".hall-bookings tr[data-booking='%s'] .booking-code" % kiosk["id"])).to_have_text(kiosk["code"])

    # 取消 asks first, with the date and the period: declined, the booking stays; confirmed, it goes
    asked: list[str] = []

    def answer(accept: bool) -> Any:
        def handle(dialog: Any) -> None:
            asked.append(dialog.message)
            dialog.accept() if accept else dialog.dismiss()
        return handle

    page.once("dialog", answer(False))
    row.locator("button[data-cancel]").click()
    expect(row).to_have_count(1)
    assert asked and period in asked[0] and f"{ahead.month}月{ahead.day}日" in asked[0], asked
    page.once("dialog", answer(True))
    row.locator("button[data-cancel]").click()
    expect(row).to_have_count(0)
    assert len(asked) == 2
    assert booked["id"] not in {b["id"] for b in api("zhangsan", mine_query)["myHallBookings"]}

    # the day comes (the booking is moved to today): at the kiosk, logged out, the code takes a 预约号
    today = hall_clock.today()
    with sqlite3.connect(demo_db) as db:
        db.execute("UPDATE hall_floor_booking SET day = ? WHERE id = ?", (today.isoformat(), int(kiosk["id"])))
    logout(page)
    page.goto(f"{web_server}/web/#/floor/kiosk/lianzhou")
    page.fill("#kiosk-code", "000000" if kiosk["code"] != "000000" else "000001")
    page.click("form.kiosk-code button[type=submit]")
    expect(page.locator("form.kiosk-code")).to_contain_text("预约码不正确或不是今天的预约")
    # a mistyped mobile: said beside the mobile in words (not "/mobile"), the code's old refusal gone
    page.fill("#kiosk-mobile", "12345")
    page.click("button.kiosk-queue[data-queue=D]")
    expect(page.locator(".kiosk-phone .field-error")).to_contain_text("手机号码应为11位数字")
    expect(page.locator(".kiosk")).not_to_contain_text("/mobile")
    expect(page.locator("form.kiosk-code")).not_to_contain_text("预约码不正确")
    expect(page.locator(".ticket-slip")).to_have_count(0)
    page.fill("#kiosk-mobile", "")
    page.fill("#kiosk-code", kiosk["code"])
    page.clock.install(time=hall_clock.now())  # the kiosk's own timers, to let the half minute pass at once
    page.click("form.kiosk-code button[type=submit]")
    slip = page.locator(".ticket-slip")
    expect(slip).to_contain_text("预约号")
    assert re.fullmatch(r"D\d{3}", slip.locator(".ticket-number").inner_text().strip())
    page.clock.fast_forward("00:31")  # the next person does not find this number on the kiosk
    expect(slip).to_have_count(0)
    expect(page.locator("form.kiosk-code")).not_to_contain_text("预约码不正确")
    page.fill("#kiosk-code", kiosk["code"])  # used: not twice
    page.click("form.kiosk-code button[type=submit]")
    expect(page.locator("form.kiosk-code")).to_contain_text("已取号")


def called_at_window(page: Any, base: str, api: Api) -> tuple[str, Any]:
    """A new A number, called by lz-clerk on the window screen of ZH01: its number and its row there."""
    ticket = api("lz-clerk", 'mutation { takeTicket(center: "lianzhou", queue: "A") { ... on HallTicket { id number } } }')["takeTicket"]
    number = ticket["number"]
    login(page, base, "lz-clerk")
    page.goto(f"{base}/web/#/floor/window/lianzhou?window=ZH01")
    page.locator(f'.window-line button[data-call="{number}"]').click()
    return number, page.locator(".window-current tr", has=page.locator(".ticket-number-small", has_text=number))


def test_a_skipped_number_stays_on_the_window_and_is_called_again(web_server: str, browser_page: Any, api: Api) -> None:
    """过号 is "callable again": the visitor who comes back after the skip is found under 已过号 and called."""
    from playwright.sync_api import expect

    page = browser_page
    number, row = called_at_window(page, web_server, api)
    expect(row).to_have_count(1)
    # the picker offers the windows that call numbers, not the pickup or consulting windows
    expect(page.locator("#floor-window option[value=ZH01]")).to_have_count(1)
    expect(page.locator("#floor-window option[value=CJ01]")).to_have_count(0)
    row.locator("button[data-action=skip]").click()
    expect(page.locator(".window-status")).to_contain_text(f"{number}：已过号")
    expect(row).to_have_count(0)
    skipped = page.locator(".window-skipped")
    expect(skipped).to_contain_text("已过号")
    skipped.locator(f'button[data-call="{number}"]').click()  # the visitor is back
    expect(page.locator(".window-status")).to_contain_text(f"{number}：已叫号")
    expect(row).to_have_count(1)
    expect(skipped).not_to_contain_text(number)
    row.locator("button[data-action=recall]").click()
    expect(page.locator(".window-status")).to_contain_text(f"{number}：已重呼（第3次叫号）")
    # a mistyped case number: said beside its box in words (it read "…请核对办件编号 /case" above the list)
    row.locator(".case-field input").fill("LZ-20261129-99")
    row.locator("button[data-action=finish]").click()
    expect(row.locator(".case-field .field-error")).to_contain_text("请核对办件编号")
    expect(page.locator(".window-desk")).not_to_contain_text("/case")
    expect(page.locator(".window-status")).not_to_contain_text("已重呼")  # the last success is not left under a refusal
    row.locator(".case-field input").fill("")
    row.locator("button[data-action=finish]").click()
    expect(page.locator(".window-status")).to_contain_text(f"{number}：已办结")


def test_the_window_files_for_a_walk_in_by_the_items_name(web_server: str, browser_page: Any) -> None:
    """After registering the person at the window, the clerk picks the item by its name (no code to
    remember; the staff's own 内部事项 are not offered) and lands on its form filing for that person."""
    from playwright.sync_api import expect

    page = browser_page
    login(page, web_server, "lz-clerk")
    page.goto(f"{web_server}/web/#/floor/window/lianzhou?window=ZH01")
    walk_in = page.locator("form.walk-in")
    walk_in.locator("[name=idNumber]").fill("11010519491231002X")
    walk_in.locator("[name=name]").fill("王现场")
    walk_in.locator("[name=mobile]").fill("13800138123")
    walk_in.locator("button[type=submit]").click()
    expect(walk_in.locator(".walk-in-result")).to_contain_text("已登记：王现场")
    expect(page.locator("#walk-in-item option", has_text="工作人员请假单")).to_have_count(0)
    page.select_option("#walk-in-item", label="有限责任公司设立登记")
    walk_in.locator(".walk-in-result button:has-text('代为申报')").click()
    expect(page).to_have_url(re.compile(r"#/hall/lianzhou/item/scjg-gssldj/apply\?for="))
    expect(page.locator("form.apply-form")).to_be_visible()


def test_the_tablet_follows_the_windows_latest_visitor_and_skips_a_case_rated_online(web_server: str, browser_page: Any, api: Api) -> None:
    """The tablet asks about the window's latest finished number, also when the visitor before left without
    tapping; a number finished with a case its applicant already rated online is not asked about (every tap
    used to answer "该办件已评价过 /id" while the tablet stayed on that number for good)."""
    from playwright.sync_api import expect

    def served(case_id: str | None = None) -> str:
        ticket = api("lz-clerk", 'mutation { takeTicket(center: "lianzhou", queue: "A") { ... on HallTicket { id number } } }')["takeTicket"]
        api("lz-clerk", 'mutation($t: ID!) { callTicket(center: "lianzhou", window: "ZH01", ticket: $t) { __typename } }', t=ticket["id"])
        done = api("lz-clerk", 'mutation($t: ID!, $k: ID) { finishTicket(center: "lianzhou", window: "ZH01", ticket: $t, case: $k) { __typename } }',
                   t=ticket["id"], k=case_id)
        assert done["finishTicket"]["__typename"] == "HallTicket", done
        return ticket["number"]

    tablet = browser_page
    login(tablet, web_server, "lz-clerk")
    tablet.goto(f"{web_server}/web/#/floor/tablet/lianzhou?window=ZH01")
    first = served()
    expect(tablet.locator(".tablet-subject")).to_contain_text(first, timeout=10_000)
    second = served()  # the first visitor left without tapping
    expect(tablet.locator(".tablet-subject")).to_contain_text(second, timeout=10_000)
    tablet.click(".tablet-levels button[data-level='4']")
    expect(tablet.locator(".tablet-thanks")).to_contain_text("满意")

    case = api.approved("连州市网上已评价示例有限公司")
    rated = api("zhangsan", 'mutation($id: ID!) { rateCase(id: $id, level: 5) { __typename } }', id=case["id"])
    assert rated["rateCase"]["__typename"] != "UserErrors", rated
    third = served(case["id"])
    tablet.wait_for_timeout(4500)  # two polls
    expect(tablet.locator(".tablet-subject")).not_to_contain_text(third)
    expect(tablet.locator(".tablet-body")).not_to_contain_text("/id")


def test_the_window_transfers_a_visitor_to_another_queue_with_the_same_number(web_server: str, browser_page: Any, api: Api) -> None:
    """转窗: a tax question at the comprehensive window goes to 税务 with its number, without a new ticket;
    the tax window sees where it comes from (转入自 …) in its line, as its current number, and the hall
    display says so beside the call."""
    from playwright.sync_api import expect

    page = browser_page
    number, row = called_at_window(page, web_server, api)
    row.locator("select[data-transfer]").select_option("C")
    row.locator("button[data-action=transfer]").click()
    expect(page.locator(".window-status")).to_contain_text(f"{number}：已转至“C 税务”排队，号码不变")
    expect(row).to_have_count(0)
    page.goto(f"{web_server}/web/#/floor/window/lianzhou?window=W12")
    waiting = page.locator(".window-line tr", has=page.locator(f'button[data-call="{number}"]'))
    expect(waiting.locator(".transfer-mark")).to_have_text("转入自 ZH01 综合受理窗口（一窗受理），原排“A 综合”")
    other = api("lz-clerk", 'mutation { takeTicket(center: "lianzhou", queue: "C") { ... on HallTicket { number } } }')["takeTicket"]
    page.reload()
    expect(page.locator(".window-line tr", has_text=other["number"])).to_have_count(1)
    expect(page.locator(".window-line tr", has_text=other["number"]).locator(".transfer-mark")).to_have_count(0)
    page.locator(f'.window-line button[data-call="{number}"]').click()
    expect(page.locator(".window-current .ticket-number-small", has_text=number)).to_have_count(1)
    current = page.locator(".window-current tr", has=page.locator(".ticket-number-small", has_text=number))
    expect(current.locator(".transfer-mark")).to_have_text("转入自 ZH01 综合受理窗口（一窗受理），原排“A 综合”")
    display = page.context.new_page()
    display.goto(f"{web_server}/web/#/floor/display/lianzhou")
    expect(display.locator(".display-latest")).to_contain_text(f"请 {number} 号到 国家税务局窗口 办理")
    expect(display.locator(".display-latest .called-transfer")).to_have_text("转自综合受理窗口（一窗受理）")
    expect(display.locator(f'.display-calls li[data-number="{number}"] .call-transfer').first).to_have_text("转自综合受理窗口（一窗受理）")
    moved = api("lz-clerk", 'query { hallWindowQueue(center: "lianzhou", window: "W12") { current { number queue window } } }')
    assert {"number": number, "queue": "C", "window": "W12"} in moved["hallWindowQueue"]["current"]


def test_the_kiosk_shows_the_hours_and_gives_no_number_while_the_hall_is_closed(web_server: str, browser_page: Any, api: Api,
                                                                              hall_clock: HallClock) -> None:
    """The kiosk shows the hall's hours and that it gives numbers now; on a Sunday it says so with the next
    opening, its queue buttons off; a tap on a kiosk left from the day before, and a 预约码, are refused
    beside them with the same words, and no number is given."""
    from playwright.sync_api import expect

    page = browser_page
    page.goto(f"{web_server}/web/#/floor/kiosk/lianzhou")
    expect(page.locator(".kiosk-hours")).to_have_text(
        "办公时间：工作日 9:00–12:00、13:30–17:00；值班周六 9:00–12:00（每个时段结束前30分钟停止取号）")
    expect(page.locator(".kiosk-open")).to_have_text("正在取号 · 今天 9:00–12:00、13:30–17:00")
    expect(page.locator("button.kiosk-queue[data-queue=C]")).to_be_enabled()

    sunday = hall_clock.today() + timedelta(days=6 - hall_clock.today().weekday())
    monday = sunday + timedelta(days=1)
    while not WorkCalendar().is_workday(monday):
        monday += timedelta(days=1)
    weekday = "一二三四五六日"[monday.weekday()]
    said = f"本中心今日不办公（周末），下一个办公时间：{monday.year}年{monday.month}月{monday.day}日（星期{weekday}）9:00"
    with hall_clock.at(datetime.combine(sunday, time(10, 0), tzinfo=CENTER_TZ)):
        waiting = api("lz-clerk", '{ hallQueues(center: "lianzhou") { code waiting } }')["hallQueues"]
        # the screen still shows the morning: the tap is refused beside the buttons, and the screen catches up
        page.click("button.kiosk-queue[data-queue=C]")
        expect(page.locator(".kiosk-queue-field .field-error")).to_contain_text(said)
        expect(page.locator(".kiosk-closed")).to_have_text(said)
        expect(page.locator("button.kiosk-queue[data-queue=C]")).to_be_disabled()
        expect(page.locator(".ticket-slip")).to_have_count(0)
        page.reload()
        expect(page.locator(".kiosk-closed")).to_have_text(said)
        expect(page.locator("button.kiosk-queue")).to_have_count(4)
        for button in page.locator("button.kiosk-queue").all():
            expect(button).to_be_disabled()
        page.fill("#kiosk-code", "123456")
        page.click("form.kiosk-code button[type=submit]")
        expect(page.locator("form.kiosk-code .field-error")).to_contain_text(said)
        assert api("lz-clerk", '{ hallQueues(center: "lianzhou") { code waiting } }')["hallQueues"] == waiting
    page.reload()  # the hall's morning again
    expect(page.locator(".kiosk-open")).to_contain_text("正在取号")
    expect(page.locator("button.kiosk-queue[data-queue=C]")).to_be_enabled()
