"""Bad input is refused with UserErrors and changes nothing: calls outside the window's queues,
ratings of unfinished or rated cases. (Claims and walk-in parties with an invalid resident ID or USCC:
the core's, ``tests/test_walk_in_claims.py`` and ``tests/test_walk_ins.py``.)"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from core.plumbing.models import Rating

from ..models import OnSiteRating, Rectification, Ticket
from .drive import DISPLAY, CALL, FIGURES, RATE, RECALL, FINISH, SKIP, STATS, TAKE, TRANSFER, CALL_NEXT, codes, floor_driver

pytestmark = pytest.mark.anyio


@pytest.fixture
async def drive(app, govhall, gql, monkeypatch):
    return await floor_driver(govhall, gql, monkeypatch)


async def test_calls_and_ratings_that_do_not_fit(drive):
    b1 = await drive.run(None, TAKE, c="hall", q="B")
    assert codes(await drive.run(None, TAKE, c="hall", q="Q")) == ["unknown_queue"]
    assert codes(await drive.run(None, TAKE, c="hall", q="A", m="1380013")) == ["format.mobile"]
    assert codes(await drive.run("clerk1", CALL, c="hall", w="A01", t=b1["id"])) == ["wrong_queue"]
    assert codes(await drive.run("clerk1", CALL_NEXT, c="hall", w="A01")) == ["empty"]
    assert codes(await drive.run("app1", CALL_NEXT, c="hall", w="B01")) == ["forbidden"]
    assert codes(await drive.run("clerk1", CALL_NEXT, c="hall", w="Z09")) == ["unknown_window"]
    assert codes(await drive.run("clerk1", RECALL, c="hall", w="B01", t=b1["id"])) == ["state"]
    ticket = await Ticket.get(id=int(b1["id"]))
    assert ticket.status == "waiting" and ticket.calls == 0 and ticket.called_at is None

    called = await drive.run("clerk1", CALL_NEXT, c="hall", w="B01")
    assert (await drive.run("clerk1", RECALL, c="hall", w="B01", t=called["id"]))["calls"] == 2
    assert (await drive.run("clerk1", SKIP, c="hall", w="B01", t=called["id"]))["status"] == "skipped"
    assert (await drive.run("clerk1", CALL, c="hall", w="B01", t=called["id"]))["status"] == "called"  # came back

    # not served yet, an unfinished case, a level out of range: nothing recorded
    assert codes(await drive.run("clerk1", RATE, c="hall", w="B01", l=5, t=called["id"])) == ["not_served"]
    case = await drive.submit("app1")
    assert codes(await drive.run("clerk1", RATE, c="hall", w="A01", l=5, k=case["id"])) == ["not_completed"]
    assert codes(await drive.run("clerk1", RATE, c="hall", w="A01", l=7, k=case["id"])) == ["range", "not_completed"]
    assert codes(await drive.run("clerk1", RATE, c="hall", w="A01", l=2, k=case["id"], r="不喜欢")) == ["reason", "not_completed"]
    assert await Rating.all().count() == 0 and await OnSiteRating.all().count() == 0 and await Rectification.all().count() == 0


async def test_a_case_rated_online_is_not_rated_again_on_site(drive):
    quick = await drive.ok("clerk1", await drive.submit("app1", item="test-quick"), "finish_on_spot")
    rated = await drive.gql("mutation($id: ID!) { rateCase(id: $id, level: 5) { __typename } }", {"id": quick["id"]},
                            token=drive.hall.tokens["app1"])
    assert rated["rateCase"]["__typename"] != "UserErrors", rated
    again = await drive.run("clerk1", RATE, c="hall", w="A01", l=1, k=quick["id"], r="服务态度不好")
    assert codes(again) == ["duplicate"]
    # the window finishes its ticket with that case: the tablet has nothing to ask (it used to ask, and
    # every tap answered "该办件已评价过 /id" while the tablet stayed on that number)
    ticket = await drive.run(None, TAKE, c="hall", q="A")
    await drive.run("clerk1", CALL_NEXT, c="hall", w="A01")
    assert (await drive.run("clerk1", FINISH, c="hall", w="A01", t=ticket["id"], k=quick["id"]))["status"] == "done"
    window = await drive.run("clerk1", "query { hallWindowQueue(center: \"hall\", window: \"A01\") { lastDone { id } } }")
    assert window["lastDone"] is None
    tapped = await drive.run("clerk1", RATE, c="hall", w="A01", l=4, t=ticket["id"])
    assert codes(tapped) == ["duplicate"] and tapped["errors"][0]["path"] == "/case"
    assert await OnSiteRating.all().count() == 0 and await Rectification.all().count() == 0
    assert (await Rating.get(case_id=int(quick["id"]))).level == 5


async def test_rating_figures_of_a_period_beyond_the_calendar_are_refused_in_chinese(drive):
    for start, end in (("9995-01-01", "9999-12-31"), ("0001-01-01", "0001-12-31")):
        answer = await drive.gql.raw(FIGURES, {"c": "hall", "f": start, "t": end}, token=drive.hall.tokens["sup1"])
        (error,) = answer["errors"]  # 9999-12-31 was INTERNAL
        assert error["extensions"]["code"] == "BAD_USER_INPUT" and "2000年至2100年" in error["message"], answer
    assert await drive.run("sup1", FIGURES, c="hall", f="2091-01-01", t="2100-12-31") == []


async def test_wait_and_rating_figures_of_more_than_ten_years_are_refused_as_the_statistics_refuse_them(drive):
    """The core's ``statistics`` refuses a period over ten years (``period_problem``); the hall's figures
    used to count one of any length (2000–2099: a century of tickets read into memory)."""
    for query in (STATS, FIGURES):
        for start, end in (("2000-01-01", "2099-12-31"), ("2016-01-01", "2026-12-31"), ("2026-01-01", "9999-12-31")):
            answer = await drive.gql.raw(query, {"c": "hall", "f": start, "t": end}, token=drive.hall.tokens["sup1"])
            (error,) = answer["errors"]
            assert error["extensions"]["code"] == "BAD_USER_INPUT" and "统计期间不能超过十年" in error["message"], answer
    assert (await drive.run("sup1", STATS, c="hall", f="2017-01-01", t="2026-12-31"))["tickets"] == 0  # ten years
    assert await drive.run("sup1", FIGURES, c="hall", f="2017-01-01", t="2026-12-31") == []


async def test_a_rating_tapped_early_in_the_morning_counts_for_its_own_day(drive):
    """07:30 in the hall is 23:30 UTC of the day before: the day's figures include it."""
    from datetime import datetime, timezone

    rating = await OnSiteRating.create(center=drive.hall.center, window_code="A01", level=4)
    rating.at = datetime(2026, 3, 2, 23, 30, tzinfo=timezone.utc)  # 2026-03-03 07:30 in the hall
    await rating.save(update_fields=["at"])
    figures = await drive.run("sup1", FIGURES, c="hall", f="2026-03-03", t="2026-03-03")
    assert [(f["kind"], f["subject"], f["ratings"]) for f in figures] == [("window", "A01", 1)]
    assert await drive.run("sup1", FIGURES, c="hall", f="2026-03-02", t="2026-03-02") == []


async def test_a_ticket_of_an_earlier_day_cannot_be_called(drive):
    waiting = await drive.run(None, TAKE, c="hall", q="A")
    skipped = await drive.run(None, TAKE, c="hall", q="A")
    assert (await drive.run("clerk1", CALL, c="hall", w="A01", t=skipped["id"]))["status"] == "called"
    assert (await drive.run("clerk1", SKIP, c="hall", w="A01", t=skipped["id"]))["status"] == "skipped"
    drive.clock.moment += timedelta(days=1)  # the next morning: yesterday's tickets are not in today's line
    for old in (waiting, skipped):
        refused = await drive.run("clerk1", CALL, c="hall", w="A01", t=old["id"])
        assert codes(refused) == ["expired"] and "已过期" in refused["errors"][0]["message"], refused
        assert re.search(r"是\d{4}年\d{1,2}月\d{1,2}日的排队号", refused["errors"][0]["message"]), refused  # a date as people write it
    assert [t.status for t in await Ticket.all().order_by("id")] == ["waiting", "skipped"]
    assert (await Ticket.get(id=int(waiting["id"]))).calls == 0


async def test_a_number_left_called_overnight_is_not_called_again_but_can_be_finished(drive):
    left = await drive.run(None, TAKE, c="hall", q="A")
    assert (await drive.run("clerk1", CALL, c="hall", w="A01", t=left["id"]))["status"] == "called"
    drive.clock.moment += timedelta(days=1)
    refused = await drive.run("clerk1", RECALL, c="hall", w="A01", t=left["id"])
    assert codes(refused) == ["expired"] and "办结" in refused["errors"][0]["message"], refused
    assert (await Ticket.get(id=int(left["id"]))).calls == 1
    moved = await drive.run("clerk1", TRANSFER, c="hall", w="A01", t=left["id"], q="B")  # 转窗 would bring it back into a line
    assert codes(moved) == ["expired"] and (await Ticket.get(id=int(left["id"]))).queue == "A"
    assert (await drive.run("clerk1", FINISH, c="hall", w="A01", t=left["id"]))["status"] == "done"


LEFTOVER = """query($c: String!, $w: String!) { hallWindowQueue(center: $c, window: $w) {
  current { id number } waiting { id number } leftover { id number status } } }"""


async def test_a_number_left_called_overnight_is_nobodys_current_number_the_next_day(drive):
    """The hall display and the window screen show today's calls only; the window sees yesterday's
    number apart (leftover), to close it."""
    left = await drive.run(None, TAKE, c="hall", q="A")
    assert (await drive.run("clerk1", CALL, c="hall", w="A01", t=left["id"]))["status"] == "called"
    screen = await drive.run("clerk1", LEFTOVER, c="hall", w="A01")
    assert [t["number"] for t in screen["current"]] == [left["number"]] and screen["leftover"] == []
    drive.clock.moment += timedelta(days=1)
    screen = await drive.run("clerk1", LEFTOVER, c="hall", w="A01")
    assert screen["current"] == [] and screen["waiting"] == []
    assert screen["leftover"] == [{"id": left["id"], "number": left["number"], "status": "called"}]
    display = await drive.run(None, DISPLAY, c="hall")
    assert display["calls"] == [] and {q["code"]: q["waiting"] for q in display["queues"]} == {"A": 0, "B": 0}
    # today's first ticket gets the same number as yesterday's: only today's is current
    today = await drive.run(None, TAKE, c="hall", q="A")
    assert today["number"] == left["number"]
    assert (await drive.run("clerk1", CALL_NEXT, c="hall", w="A01"))["id"] == today["id"]
    screen = await drive.run("clerk1", LEFTOVER, c="hall", w="A01")
    assert [t["id"] for t in screen["current"]] == [today["id"]] and [t["id"] for t in screen["leftover"]] == [left["id"]]
    assert [c["number"] for c in (await drive.run(None, DISPLAY, c="hall"))["calls"]] == [today["number"]]
    assert (await drive.run("clerk1", FINISH, c="hall", w="A01", t=left["id"]))["status"] == "done"
    assert (await drive.run("clerk1", LEFTOVER, c="hall", w="A01"))["leftover"] == []


async def test_a_number_left_called_overnight_can_be_skipped_but_never_comes_back(drive):
    """过号 closes yesterday's leftover; it is not in today's line, callTicket refuses it (已过期)."""
    left = await drive.run(None, TAKE, c="hall", q="A")
    assert (await drive.run("clerk1", CALL, c="hall", w="A01", t=left["id"]))["status"] == "called"
    drive.clock.moment += timedelta(days=1)
    assert (await drive.run("clerk1", SKIP, c="hall", w="A01", t=left["id"]))["status"] == "skipped"
    screen = await drive.run("clerk1", LEFTOVER, c="hall", w="A01")
    assert screen == {"current": [], "waiting": [], "leftover": []}
    refused = await drive.run("clerk1", CALL, c="hall", w="A01", t=left["id"])
    assert codes(refused) == ["expired"] and "已过期" in refused["errors"][0]["message"], refused
    assert codes(await drive.run("clerk1", CALL_NEXT, c="hall", w="A01")) == ["empty"]
    assert codes(await drive.run("clerk1", SKIP, c="hall", w="A01", t=left["id"])) == ["state"]  # skipped once only
    row = await Ticket.get(id=int(left["id"]))
    assert (row.status, row.calls) == ("skipped", 1)
    assert (await drive.run(None, DISPLAY, c="hall"))["calls"] == []


async def test_the_window_lists_its_oldest_leftover_numbers_first_and_so_many_at_most(drive, monkeypatch):
    from plugins.hall_floor import tickets

    monkeypatch.setattr(tickets, "LEFTOVER_SHOWN", 1)
    older = await drive.run(None, TAKE, c="hall", q="A")
    assert (await drive.run("clerk1", CALL, c="hall", w="A01", t=older["id"]))["status"] == "called"
    drive.clock.moment += timedelta(days=1)
    newer = await drive.run(None, TAKE, c="hall", q="A")
    assert (await drive.run("clerk1", CALL, c="hall", w="A01", t=newer["id"]))["status"] == "called"
    drive.clock.moment += timedelta(days=1)
    assert [t["id"] for t in (await drive.run("clerk1", LEFTOVER, c="hall", w="A01"))["leftover"]] == [older["id"]]
    assert (await drive.run("clerk1", FINISH, c="hall", w="A01", t=older["id"]))["status"] == "done"
    assert [t["id"] for t in (await drive.run("clerk1", LEFTOVER, c="hall", w="A01"))["leftover"]] == [newer["id"]]


async def test_wait_and_rating_figures_of_a_reversed_period_are_refused_not_empty(drive):
    """A period typed back to front (to before from) is said as the core's statistics say it; it used to
    answer zero tickets, as if the hall had been empty."""
    for query in (STATS, FIGURES):
        for start, end, words in (("2026-12-31", "2026-01-01", "晚于结束日"), ("2026-11-30", "2026-11-29", "晚于结束日")):
            answer = await drive.gql.raw(query, {"c": "hall", "f": start, "t": end}, token=drive.hall.tokens["sup1"])
            (error,) = answer["errors"]
            assert error["extensions"]["code"] == "BAD_USER_INPUT" and words in error["message"], answer
    assert (await drive.run("sup1", STATS, c="hall", f="2026-01-01", t="2026-12-31"))["tickets"] == 0


async def test_the_window_names_the_case_served_by_its_number_typed_full_width(drive):
    case = await drive.submit("app1")
    ticket = await drive.run(None, TAKE, c="hall", q="A")
    await drive.run("clerk1", CALL_NEXT, c="hall", w="A01")
    typed = case["number"].lower().translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)})  # ｈａｌｌ－２０２…
    finished = await drive.run("clerk1", FINISH, c="hall", w="A01", t=ticket["id"], k=typed)
    assert finished["status"] == "done" and finished["caseId"] == case["id"], finished
