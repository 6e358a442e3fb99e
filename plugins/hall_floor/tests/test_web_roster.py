"""The duty roster on the supervisor's screen (连州, headless Chromium): the roster of the center file is
shown; a capacity of 0 and an overlapping extended period are refused next to their fields; removing a
booked period is refused with the booking listed; a valid change is saved, in force for the booking
screen, and recorded with who made it."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.test_web import browser_page, login  # noqa: F401
from tests.test_web_screens import Api, api, demo_db, web_server  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROSTER = "query { hallRoster(center: \"lianzhou\") { periods extendedPeriods capacity } }"
BOOK = """mutation($d: Date!, $p: String!) { bookHallSlot(center: "lianzhou", queue: "A", date: $d, period: $p) {
  __typename ... on HallBooking { id } ... on UserErrors { errors { code message } } } }"""
SLOTS = "query($d: Date!) { hallSlots(center: \"lianzhou\", queue: \"A\", date: $d) { slots { period capacity } } }"


def bookable_day(api: Api) -> tuple[str, str]:
    """A working day (Monday to Friday) within the booking horizon with an open period of queue A, and that period."""
    day = date.today() + timedelta(days=1)
    for _ in range(14):
        slots = api("lz-clerk", SLOTS, d=day.isoformat())["hallSlots"]["slots"] if day.weekday() < 5 else []
        if slots:
            return day.isoformat(), slots[-1]["period"]
        day += timedelta(days=1)
    raise AssertionError("no open day")


def test_the_supervisor_edits_the_roster_and_bookings_are_protected(web_server: str, browser_page: Any, api: Api, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    base, page = web_server, browser_page
    before = api("lz-super", ROSTER)["hallRoster"]
    day, period = bookable_day(api)
    booked = api("zhangsan", BOOK, d=day, p=period)["bookHallSlot"]
    assert booked["__typename"] == "HallBooking", booked

    login(page, base, "lz-super")
    page.goto(f"{base}/web/#/floor/supervisor/lianzhou?tab=roster")
    expect(page.locator("#roster-current")).to_contain_text("取自中心配置文件")
    expect(page.locator("#roster-current")).to_contain_text(before["periods"][0])
    assert page.locator("#f-periods").input_value().split("\n") == before["periods"]

    page.fill("#f-capacity", "0")
    page.fill("#f-extendedPeriods", "\n".join([*before["extendedPeriods"], before["periods"][0]]))
    page.click("#roster-save")
    expect(page.locator("[data-path='/capacity'] .field-error")).to_contain_text("每时段人数上限应为1至200之间的整数")
    expect(page.locator("[data-path='/extendedPeriods'] .field-error")).to_contain_text("重叠")

    page.fill("#f-capacity", str(before["capacity"] + 2))
    page.fill("#f-extendedPeriods", "\n".join(before["extendedPeriods"]))
    page.fill("#f-periods", "\n".join(p for p in before["periods"] if p != period))
    page.fill("#f-extendedPeriods", "\n".join(p for p in before["extendedPeriods"] if p != period))
    page.click("#roster-save")
    printed = date.fromisoformat(day)  # the message names the day as people write it
    expect(page.locator("[data-path='/periods'] .field-error")).to_contain_text(
        f"{printed.year}年{printed.month}月{printed.day}日 {period} A类")
    page.screenshot(path=str(tmp_path / "screens-roster-refused.png"), full_page=True)

    page.fill("#f-periods", "\n".join(before["periods"]))
    page.fill("#f-extendedPeriods", "\n".join(before["extendedPeriods"]))
    page.click("#roster-save")
    expect(page.locator(".banner-success")).to_contain_text("值班表已保存")
    expect(page.locator("#roster-current")).to_contain_text("最近由 钱伟（连州督查科）")
    expect(page.locator("#roster-history tbody tr").first).to_contain_text(f"每时段人数上限：{before['capacity']} → {before['capacity'] + 2}")
    page.screenshot(path=str(tmp_path / "screens-roster.png"), full_page=True)
    capacities = {s["capacity"] for s in api("lz-clerk", SLOTS, d=day)["hallSlots"]["slots"]}
    assert capacities == {before["capacity"] + 2}
