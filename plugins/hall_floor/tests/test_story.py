"""The hall floor's story through GraphQL: tickets of two queues called at two windows (an
appointment's ticket first at its time), the waiting statistics, a walk-in enterprise's case
accepted and claimed online, and an on-site 差评 opening a rectification task."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from core.services.clock import calendar_for
from core.plumbing.models import Case, Notification, Rating, WalkInParty

from ..models import OnSiteRating, Rectification, Ticket
from .drive import (
    BOOK, CALL, CALL_NEXT, CLAIM, DISPLAY, ENTERPRISE, FIGURES, FINISH, FOLLOW_UP, ON_SITE, RATE, RECTIFICATIONS, RECTIFY,
    REGISTER, SEND_CODE, STATS, TAKE, TRANSFER, WINDOW, codes, floor_driver,
)

pytestmark = pytest.mark.anyio


@pytest.fixture
async def drive(app, govhall, gql, monkeypatch):
    return await floor_driver(govhall, gql, monkeypatch)


async def test_tickets_calls_and_waiting_times(drive):
    day = drive.clock.moment.date()
    booking = await drive.run("app1", BOOK, c="hall", q="A", d=day.isoformat(), p="10:00-11:00")
    assert booking["__typename"] == "HallBooking", booking

    drive.clock.at(9, 10)
    a1 = await drive.run(None, TAKE, c="hall", q="A", m="13800138000")  # the kiosk: no login
    drive.clock.at(9, 12)
    b1 = await drive.run(None, TAKE, c="hall", q="B")
    drive.clock.at(9, 15)
    a2 = await drive.run(None, TAKE, c="hall", q="A")
    assert [a1["number"], b1["number"], a2["number"]] == ["A001", "B001", "A002"]
    display = await drive.run(None, DISPLAY, c="hall")
    assert {q["code"]: q["waiting"] for q in display["queues"]} == {"A": 2, "B": 1}

    # a window calls only its own queue: B001 at A01 is refused and stays waiting
    refused = await drive.run("clerk1", CALL, c="hall", w="A01", t=b1["id"])
    assert codes(refused) == ["wrong_queue"] and "B001" in refused["errors"][0]["message"]
    assert (await Ticket.get(id=int(b1["id"]))).status == "waiting"

    drive.clock.at(9, 20)
    called = await drive.run("clerk1", CALL_NEXT, c="hall", w="A01")
    assert called["number"] == "A001" and called["waitSeconds"] == 600
    assert (await drive.run("clerk1", FINISH, c="hall", w="A01", t=called["id"]))["status"] == "done"
    called_b = await drive.run("clerk1", CALL_NEXT, c="hall", w="B01")
    assert called_b["number"] == "B001" and called_b["window"] == "B01"
    display = await drive.run(None, DISPLAY, c="hall")
    assert [c["number"] for c in display["calls"]][:2] == ["B001", "A001"]
    assert display["calls"][0]["windowName"] == "企业服务窗口"

    # the appointment's ticket, taken at 10:00, is called before A002 (waiting since 09:15)
    drive.clock.at(10, 0)
    a3 = await drive.run("app1", TAKE, c="hall", q="A", b=booking["id"])
    assert a3["number"] == "A003" and a3["appointment"] is True
    line = await drive.run("clerk1", WINDOW, c="hall", w="A01")
    assert [t["number"] for t in line["waiting"]] == ["A003", "A002"]
    drive.clock.at(10, 5)
    first = await drive.run("clerk1", CALL_NEXT, c="hall", w="A01")
    assert first["number"] == "A003" and first["waitSeconds"] == 300
    drive.clock.at(10, 6)
    second = await drive.run("clerk1", CALL_NEXT, c="hall", w="A01")
    assert second["number"] == "A002" and second["waitSeconds"] == (10 * 60 + 6 - 9 * 60 - 15) * 60
    assert codes(await drive.run("clerk1", CALL_NEXT, c="hall", w="A01")) == ["empty"]
    drive.clock.at(10, 16)
    await drive.run("clerk1", FINISH, c="hall", w="A01", t=second["id"])

    stats = await drive.run("sup1", STATS, c="hall", f=day.isoformat(), t=day.isoformat())
    waits = [600, 480, 300, 3060]
    assert stats["tickets"] == 4 and stats["called"] == 4
    assert stats["averageWait"] == sum(waits) / 4 and stats["longestWait"] == max(waits)
    per = {w["window"]: w for w in stats["windows"]}
    assert per["A01"]["served"] == 3 and per["A01"]["longestWait"] == 3060 and per["B01"]["served"] == 1
    assert per["A01"]["averageService"] == (0 + 600) / 2  # A001 finished as called, A002 in 10 minutes; A003 open


async def test_a_visitor_at_the_wrong_window_is_transferred_with_the_same_number(drive):
    """转窗: A001 turns out to be an enterprise matter; the comprehensive window sends it to 企业. It keeps
    its number and its place by the time it was taken (before B002, who came later), the enterprise
    window calls it next and the display shows it there; only the window serving it may transfer it."""
    drive.clock.at(9, 0)
    a1 = await drive.run(None, TAKE, c="hall", q="A")
    drive.clock.at(9, 5)
    b1 = await drive.run(None, TAKE, c="hall", q="B")
    drive.clock.at(9, 6)
    b2 = await drive.run(None, TAKE, c="hall", q="B")
    drive.clock.at(9, 7)
    called_b1 = await drive.run("clerk1", CALL_NEXT, c="hall", w="B01")
    assert called_b1["id"] == b1["id"]
    called = await drive.run("clerk1", CALL_NEXT, c="hall", w="A01")
    assert called["id"] == a1["id"]

    # refused: not this window's number, an unknown or the same queue; nothing moves
    assert codes(await drive.run("clerk1", TRANSFER, c="hall", w="B01", t=a1["id"], q="B")) == ["state"]
    assert codes(await drive.run("clerk1", TRANSFER, c="hall", w="A01", t=a1["id"], q="Z")) == ["unknown_queue"]
    assert codes(await drive.run("clerk1", TRANSFER, c="hall", w="A01", t=a1["id"], q="A")) == ["same_queue"]
    assert codes(await drive.run("app1", TRANSFER, c="hall", w="A01", t=a1["id"], q="B")) == ["forbidden"]
    assert (await Ticket.get(id=int(a1["id"]))).status == "called"

    drive.clock.at(9, 10)
    moved = await drive.run("clerk1", TRANSFER, c="hall", w="A01", t=a1["id"], q="B")
    assert (moved["number"], moved["queue"], moved["status"]) == ("A001", "B", "waiting")
    assert (await drive.run("clerk1", WINDOW, c="hall", w="A01"))["current"] == []
    line = await drive.run("clerk1", WINDOW, c="hall", w="B01")
    assert [t["number"] for t in line["waiting"]] == ["A001", "B002"]
    display = await drive.run(None, DISPLAY, c="hall")
    assert {q["code"]: q["waiting"] for q in display["queues"]} == {"A": 0, "B": 2}
    assert (await drive.run("clerk1", FINISH, c="hall", w="B01", t=called_b1["id"]))["status"] == "done"
    drive.clock.at(9, 12)
    again = await drive.run("clerk1", CALL_NEXT, c="hall", w="B01")
    assert (again["number"], again["window"], again["calls"]) == ("A001", "B01", 2)
    display = await drive.run(None, DISPLAY, c="hall")
    assert (display["calls"][0]["number"], display["calls"][0]["windowName"]) == ("A001", "企业服务窗口")
    assert b2["number"] == "B002" and (await Ticket.get(id=int(b2["id"]))).status == "waiting"


async def test_walk_in_enterprise_claims_and_rates(drive, govhall):
    party = await drive.run("clerk1", REGISTER, c="hall", k="enterprise", i=ENTERPRISE["uscc"], n=ENTERPRISE["name"],
                            m=ENTERPRISE["mobile"], p=ENTERPRISE["contact"])
    assert party["__typename"] == "WalkInParty" and party["name"] == ENTERPRISE["name"]
    # the account's name goes into addresses (the apply page's ?for=): it never carries the code
    assert ENTERPRISE["uscc"].lower() not in party["username"].lower() and party["username"].startswith("party-")
    data = {"companyName": ENTERPRISE["name"], "uscc": ENTERPRISE["uscc"], "contactMobile": ENTERPRISE["mobile"]}
    case = await drive.submit("clerk1", data=data, behalf=party["username"])
    assert case["__typename"] == "Case", case
    case = await drive.ok("clerk1", case, "accept")
    notice = next(d for d in case["documents"] if d["kind"] == "acceptance_notice")
    text = await drive.pdf("clerk1", notice["url"])
    assert f"号{ENTERPRISE['name']}：" in text  # the notice is addressed to the enterprise
    row = await Case.get(id=int(case["id"]))
    assert row.applicant_id == (await WalkInParty.get(id=int(party["id"]))).account_id

    # claimed online by app2: ID + case number, then the SMS code sent to the party's mobile
    wrong = await drive.run("app2", SEND_CODE, c="hall", n=case["number"], i="91350100M000100Y43")
    assert codes(wrong) == ["no_match"]
    # typed on a phone: the number in lower case, with a space after it (was no_match: 不匹配)
    typed = f"{case['number'].lower()} "
    sent = await drive.run("app2", SEND_CODE, c="hall", n=typed, i=ENTERPRISE["uscc"])
    assert sent["mobile"] == "139****5678", sent
    sms = await Notification.filter(recipient=ENTERPRISE["mobile"]).order_by("-id").first()
    code = re.search(r"验证码(\d{6})", sms.text).group(1)
    assert codes(await drive.run("app2", CLAIM, c="hall", n=case["number"], i=ENTERPRISE["uscc"], x="000000" if code != "000000" else "111111")) == ["code"]
    claimed = await drive.run("app2", CLAIM, c="hall", n=typed, i=ENTERPRISE["uscc"], x=code)
    assert claimed["number"] == case["number"] and claimed["applicantName"] == ENTERPRISE["name"]
    assert (await drive.get("app2", case))["id"] == case["id"]
    assert codes(await drive.run("app2", CLAIM, c="hall", n=case["number"], i=ENTERPRISE["uscc"], x=code)) == ["no_match"]

    # an immediate item served at window A01 on a ticket, then 差评 on the tablet
    drive.clock.at(9, 30)
    ticket = await drive.run(None, TAKE, c="hall", q="A")
    await drive.run("clerk1", CALL_NEXT, c="hall", w="A01")
    quick = await drive.submit("clerk1", item="test-quick", data=data, behalf=party["username"])
    quick = await drive.ok("clerk1", quick, "finish_on_spot")
    # the clerk types the case number printed on the papers (the ID works too, for other clients)
    unknown = await drive.run("clerk1", FINISH, c="hall", w="A01", t=ticket["id"], k="HALL-20990101-000001")
    assert codes(unknown) == ["unknown_case"] and "请核对办件编号" in unknown["errors"][0]["message"], unknown
    finished = await drive.run("clerk1", FINISH, c="hall", w="A01", t=ticket["id"], k=f" {quick['number'].lower()} ")
    assert finished["status"] == "done" and finished["caseId"] == quick["id"], finished
    missing = await drive.run("clerk1", RATE, c="hall", w="A01", l=1, t=ticket["id"])
    assert codes(missing) == ["reason"] and not await Rating.exists(case_id=int(quick["id"]))
    rated = await drive.run("clerk1", RATE, c="hall", w="A01", l=1, t=ticket["id"], r="等候时间过长")
    assert rated["channel"] == "现场" and rated["caseNumber"] == quick["number"] and rated["ticketNumber"] == "A001"
    assert rated["staff"] == "clerk1" and rated["levelLabel"] == "非常不满意"
    stored = await Rating.get(case_id=int(quick["id"]))
    assert (stored.level, stored.channel) == (1, "on_site")
    on_case = await drive.query("sup1", "query($id: ID!) { case(id: $id) { rating ratingChannel } }", id=quick["id"])
    assert on_case["case"] == {"rating": 1, "ratingChannel": "现场"}
    assert (await drive.run("sup1", ON_SITE, c="hall", k=quick["id"]))["reason"] == "等候时间过长"
    # the supervisor looks it up by the case number on the paper (it used to find nothing: "该办件没有现场评价")
    assert (await drive.run("sup1", ON_SITE, c="hall", k=f" {quick['number'].lower()} "))["reason"] == "等候时间过长"
    # the rating's time is the database's, not the story's clock: ask for a wide period (statistics allow ten years)
    today = date.today()
    figures = await drive.run("sup1", FIGURES, c="hall", f=(today - timedelta(days=1800)).isoformat(),
                              t=(today + timedelta(days=1800)).isoformat())
    assert figures == [{"kind": "staff", "subject": "clerk1", "ratings": 1, "average": 1.0, "bad": 1},
                       {"kind": "window", "subject": "A01", "ratings": 1, "average": 1.0, "bad": 1}]

    (task,) = await drive.run("sup1", RECTIFICATIONS, c="hall", s="open")
    calendar = await calendar_for(drive.hall.center)
    due, counted = drive.clock.moment.date(), 0
    while counted < 15:
        due += timedelta(days=1)
        counted += calendar.is_workday(due)
    assert task["due"] == due.isoformat() and task["openedOn"] == drive.clock.moment.date().isoformat()

    # a second rating of the case changes nothing
    again = await drive.run("clerk1", RATE, c="hall", w="A01", l=5, k=quick["id"])
    assert codes(again) == ["duplicate"]
    assert await OnSiteRating.filter(case_id=int(quick["id"])).count() == 1 and await Rectification.all().count() == 1

    assert codes(await drive.run("sup1", FOLLOW_UP, r=task["id"], n="电话回访，申请人表示满意", s=True)) == ["state"]
    done = await drive.run("sup1", RECTIFY, r=task["id"], m="高峰时段增开综合窗口，增加导办人员")
    assert done["status"] == "rectified"
    closed = await drive.run("sup1", FOLLOW_UP, r=task["id"], n="电话回访，申请人表示满意", s=True)
    assert closed["status"] == "closed" and closed["followUpSatisfied"] is True


async def test_an_sms_when_three_are_ahead(drive):
    mobiles = ["", "", "", "13700000004", "13700000005"]
    tickets = [await drive.run(None, TAKE, c="hall", q="A", m=m or None) for m in mobiles]
    assert await Notification.filter(text__contains="前面还有").count() == 0
    await drive.run("clerk1", CALL_NEXT, c="hall", w="A01")  # A002 A003 A004 A005 wait: A005 has three ahead
    (sms,) = await Notification.filter(text__contains="前面还有")
    assert sms.recipient == "13700000005" and tickets[4]["number"] in sms.text and "前面还有3人" in sms.text
    await drive.run("clerk1", CALL_NEXT, c="hall", w="A01")  # nobody has three ahead now: A005 was told once
    assert await Notification.filter(text__contains="前面还有").count() == 1
