"""转窗 marks: a number sent on by a window (transferTicket) shows at the receiving windows where it
comes from, 转入自 the sending window (by its name) out of its earlier queue, in the waiting line, as
their current number once called, and on the hall display's calls; a number sent on twice shows the
latest window, and one never transferred shows nothing."""

from __future__ import annotations

import pytest

from .drive import CALL_NEXT, TAKE, floor_driver

pytestmark = pytest.mark.anyio

MARK = "number queue transferredFrom transferredFromName transferredFromQueue transferredAt"
WINDOW = f"query($c: String!, $w: String!) {{ hallWindowQueue(center: $c, window: $w) {{ current {{ {MARK} }} waiting {{ {MARK} }} }} }}"
MOVE = f"""mutation($c: String!, $w: String!, $t: ID!, $q: String!) {{ transferTicket(center: $c, window: $w, ticket: $t, queue: $q) {{
  __typename ... on HallTicket {{ {MARK} }} ... on UserErrors {{ errors {{ code message }} }} }} }}"""
DISPLAY = "query($c: String!) { hallDisplay(center: $c) { calls { number windowName transferredFromName } } }"


@pytest.fixture
async def drive(app, govhall, gql, monkeypatch):
    return await floor_driver(govhall, gql, monkeypatch)


def mark(ticket: dict) -> tuple:
    return ticket["number"], ticket["queue"], ticket["transferredFrom"], ticket["transferredFromName"], ticket["transferredFromQueue"]


async def test_the_receiving_window_sees_where_a_transferred_number_comes_from(drive):
    drive.clock.at(9, 0)
    a1 = await drive.run(None, TAKE, c="hall", q="A")
    b1 = await drive.run(None, TAKE, c="hall", q="B")
    assert (await drive.run("clerk1", CALL_NEXT, c="hall", w="A01"))["id"] == a1["id"]
    drive.clock.at(9, 10)
    moved = await drive.run("clerk1", MOVE, c="hall", w="A01", t=a1["id"], q="B")
    assert mark(moved) == ("A001", "B", "A01", "综合受理窗口", "A")
    assert moved["transferredAt"].startswith("2") and moved["transferredAt"].endswith("+00:00")

    line = await drive.run("clerk1", WINDOW, c="hall", w="B01")
    assert [mark(t) for t in line["waiting"]] == [("A001", "B", "A01", "综合受理窗口", "A"),
                                                 ("B001", "B", None, None, None)]
    called = await drive.run("clerk1", CALL_NEXT, c="hall", w="B01")
    assert called["number"] == "A001"
    (current,) = (await drive.run("clerk1", WINDOW, c="hall", w="B01"))["current"]
    assert mark(current) == ("A001", "B", "A01", "综合受理窗口", "A")
    calls = (await drive.run(None, DISPLAY, c="hall"))["calls"]
    assert calls[0] == {"number": "A001", "windowName": "企业服务窗口", "transferredFromName": "综合受理窗口"}

    # sent back on to 综合 by the enterprise window: the latest transfer is the one shown
    again = await drive.run("clerk1", MOVE, c="hall", w="B01", t=a1["id"], q="A")
    assert mark(again) == ("A001", "A", "B01", "企业服务窗口", "B")
    assert [mark(t) for t in (await drive.run("clerk1", WINDOW, c="hall", w="A01"))["waiting"]] == \
        [("A001", "A", "B01", "企业服务窗口", "B")]
    assert b1["number"] == "B001"
