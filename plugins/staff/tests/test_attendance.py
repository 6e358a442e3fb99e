"""刷卡考勤: three clock-ins a day by the person's own session or a registered device, never for
someone else; late, early and absent half days from the office hours (09:00-12:00, 13:30-17:00)
and the calendar."""

from __future__ import annotations

import pytest

from core.plumbing.models import Center, User

from .drive import CLOCK_IN, DEVICE_CLOCK_IN, MONTH, REGISTER_DEVICE, SHEET, YEAR, build_staff, codes

pytestmark = pytest.mark.anyio


@pytest.fixture
async def drive(app, govhall, gql, monkeypatch):
    return await build_staff(govhall, gql, monkeypatch)


async def test_three_clock_ins_a_day_by_the_person_themself(drive):
    slots = [(await drive.clock("clerk1", f"2026-03-02 {t}"))["slot"] for t in ("08:50", "13:20", "17:05")]
    assert slots == ["am_in", "pm_in", "pm_out"]
    again = await drive.clock("clerk1", "2026-03-02 17:30")
    assert codes(again) == ["already_clocked"]


async def test_nobody_clocks_in_for_someone_else(drive):
    drive.at("2026-03-02 08:50")
    result = await drive.run("clerk1", CLOCK_IN, c="hall", u="win2")
    assert codes(result) == ["not_yourself"]
    own = await drive.run("clerk1", CLOCK_IN, c="hall", u="clerk1")
    assert (own["username"], own["slot"]) == ("clerk1", "am_in")
    sheet = await drive.run("sup1", SHEET, c="hall", m="2026-03", u="win2")
    assert all(not any(d["clockIns"]) for d in sheet[0]["days"])
    stranger = await drive.run("app1", CLOCK_IN, c="hall")
    assert codes(stranger) == ["forbidden"]


async def test_a_device_at_the_window_clocks_in_the_card_holder(drive):
    await drive.add_person("win2", "window_staff", window="A01", partner="clerk1", card="K-0002")
    device = await drive.run("admin1", REGISTER_DEVICE, c="hall", w="A01", n="一楼A01读卡器")
    assert device["device"]["window"] == "A01" and len(device["token"]) > 30
    drive.at("2026-03-02 08:59")
    clocked = await drive.run("admin1", DEVICE_CLOCK_IN, t=device["token"], card="K-0002")
    assert (clocked["username"], clocked["slot"], clocked["device"]) == ("win2", "am_in", "一楼A01读卡器")
    await User.filter(username="win2").update(display_name="王二（A01窗口）")  # the reader shows whose card it was
    drive.at("2026-03-02 13:29")
    clocked = await drive.run("admin1", DEVICE_CLOCK_IN, t=device["token"], card="K-0002")
    assert (clocked["displayName"], clocked["slot"]) == ("王二（A01窗口）", "pm_in")
    assert codes(await drive.run("admin1", DEVICE_CLOCK_IN, t="forged-token", card="K-0002")) == ["forbidden"]
    assert codes(await drive.run("admin1", DEVICE_CLOCK_IN, t=device["token"], card="K-9999")) == ["not_found"]
    assert codes(await drive.run("clerk1", REGISTER_DEVICE, c="hall", w="A01", n="自带读卡器")) == ["forbidden"]


async def test_the_monthly_sheet_marks_late_early_and_absent(drive):
    await drive.add_person("clerk1", "window_staff", window="A01", partner="win2", posted="2026-03-02")
    for t in ("08:55", "13:25", "17:01"):  # Monday: on time
        await drive.clock("clerk1", f"2026-03-02 {t}")
    for t in ("09:05", "13:25", "16:50"):  # Tuesday: late in the morning, early in the afternoon
        await drive.clock("clerk1", f"2026-03-03 {t}")
    await drive.clock("clerk1", "2026-03-04 08:55")  # Wednesday: the afternoon missed; Thursday: nothing
    drive.at("2026-03-06 10:00")  # Friday: today, not yet counted
    (sheet,) = await drive.run("sup1", SHEET, c="hall", m="2026-03", u="clerk1")
    days = {d["date"]: d for d in sheet["days"]}
    assert (days["2026-03-02"]["am"], days["2026-03-02"]["pm"], days["2026-03-02"]["early"]) == ("ok", "ok", False)
    assert days["2026-03-02"]["clockIns"] == ["08:55", "13:25", "17:01"]
    assert (days["2026-03-03"]["am"], days["2026-03-03"]["early"]) == ("late", True)
    assert (days["2026-03-04"]["am"], days["2026-03-04"]["pm"]) == ("ok", "absent")
    assert (days["2026-03-05"]["am"], days["2026-03-05"]["pm"]) == ("absent", "absent")
    assert days["2026-03-06"]["am"] == "future" and not days["2026-03-07"]["workday"]
    assert (sheet["lateCount"], sheet["earlyCount"], sheet["absentDays"]) == (1, 1, 1.5)
    assert codes_of_refusal(await drive.gql.raw(SHEET, {"c": "hall", "m": "2026-03", "u": "clerk1"},
                                                token=drive.hall.tokens["win2"])) == "FORBIDDEN"
    (own,) = await drive.run("clerk1", SHEET, c="hall", m="2026-03")
    assert own["absentDays"] == 1.5


def codes_of_refusal(body: dict) -> str:
    (error,) = body["errors"]
    return error["extensions"]["code"]


START = "query($c: String!) { attendanceStart(center: $c) { day source sourceLabel } }"
START_HALF = "query($c: String!) { attendanceStart(center: $c) { day afternoonOnly } }"


async def test_days_count_from_the_centers_first_clock_in_not_from_the_posting_dates(drive):
    """Staff posted in January, attendance kept from a Wednesday in March: nobody is absent before it."""
    drive.at("2026-03-02 10:00")
    assert await drive.run("sup1", START, c="hall") == {
        "day": None, "source": "none", "sourceLabel": "本中心尚未有人刷卡，尚未开始计算考勤"}
    (before,) = await drive.run("sup1", SHEET, c="hall", m="2026-02", u="win2")
    assert before["absentDays"] == 0 and before["countedFrom"] is None
    await drive.clock("clerk1", "2026-03-04 08:55")  # the center's first clock-in (a Wednesday)
    drive.at("2026-03-09 10:00")
    assert (await drive.run("sup1", START, c="hall"))["day"] == "2026-03-04"
    (win2,) = await drive.run("sup1", SHEET, c="hall", m="2026-03", u="win2")
    days = {d["date"]: d for d in win2["days"]}
    assert (days["2026-03-03"]["am"], days["2026-03-04"]["am"], days["2026-03-05"]["am"]) == ("future", "future", "absent")
    # Wednesday was clerk1's first clock-in, not win2's absence: Thu, Fri; today not yet
    assert win2["countedFrom"] == "2026-03-05" and win2["absentDays"] == 2
    (year,) = await drive.run("sup1", YEAR, c="hall", y=2026, u="win2")
    assert year["absentDays"] == 2  # not two months of absence before the center kept attendance


async def test_a_new_card_readers_first_swipe_records_only_the_card_holder(drive):
    """The center's first clock-in is a new reader's first swipe, on a Wednesday morning: that day counts
    for the one who swiped, not as everyone else's absence; for them counting begins on Thursday."""
    await drive.add_person("win2", "window_staff", window="A01", partner="clerk1", card="K-0002")
    device = await drive.run("admin1", REGISTER_DEVICE, c="hall", w="A01", n="一楼A01读卡器")
    drive.at("2026-03-04 08:59")
    swiped = await drive.run("admin1", DEVICE_CLOCK_IN, t=device["token"], card="K-0002")
    assert (swiped["username"], swiped["slot"]) == ("win2", "am_in")
    drive.at("2026-03-06 10:00")
    assert (await drive.run("sup1", START_HALF, c="hall")) == {"day": "2026-03-04", "afternoonOnly": False}
    (win2,) = await drive.run("sup1", SHEET, c="hall", m="2026-03", u="win2")
    days = {d["date"]: d for d in win2["days"]}
    assert win2["countedFrom"] == "2026-03-04" and (days["2026-03-04"]["am"], days["2026-03-04"]["pm"]) == ("ok", "absent")
    (clerk1,) = await drive.run("sup1", SHEET, c="hall", m="2026-03", u="clerk1")
    days = {d["date"]: d for d in clerk1["days"]}
    assert (days["2026-03-04"]["am"], days["2026-03-04"]["pm"], days["2026-03-04"]["mark"]) == ("future", "future", "")
    assert (days["2026-03-05"]["am"], days["2026-03-05"]["pm"]) == ("absent", "absent")
    assert clerk1["countedFrom"] == "2026-03-05" and clerk1["absentDays"] == 1  # Thursday alone; Friday is today
    (month,) = await drive.run("sup1", MONTH, c="hall", m="2026-03", u="lead1")
    assert month["absentDays"] == 1


async def test_a_new_card_readers_first_swipe_in_the_afternoon_leaves_that_morning_uncounted(drive):
    """The reader is installed at noon and first swiped at 13:20: nobody could swipe that morning, the card
    holder included; the afternoon counts for the card holder."""
    await drive.add_person("win2", "window_staff", window="A01", partner="clerk1", card="K-0002")
    device = await drive.run("admin1", REGISTER_DEVICE, c="hall", w="A01", n="一楼A01读卡器")
    drive.at("2026-03-04 13:20")
    swiped = await drive.run("admin1", DEVICE_CLOCK_IN, t=device["token"], card="K-0002")
    assert (swiped["username"], swiped["slot"]) == ("win2", "pm_in")
    drive.at("2026-03-06 10:00")
    assert (await drive.run("sup1", START_HALF, c="hall")) == {"day": "2026-03-04", "afternoonOnly": True}
    (win2,) = await drive.run("sup1", SHEET, c="hall", m="2026-03", u="win2")
    days = {d["date"]: d for d in win2["days"]}
    assert win2["countedFrom"] == "2026-03-04" and (days["2026-03-04"]["am"], days["2026-03-04"]["pm"]) == ("future", "ok")
    assert win2["absentDays"] == 1  # Thursday alone: not Wednesday morning
    (month,) = await drive.run("sup1", MONTH, c="hall", m="2026-03", u="win2")
    assert month["absentDays"] == 1
    (clerk1,) = await drive.run("sup1", SHEET, c="hall", m="2026-03", u="clerk1")
    assert clerk1["countedFrom"] == "2026-03-05" and clerk1["absentDays"] == 1


async def test_a_center_sets_the_day_its_attendance_counts_from(drive):
    center = await Center.get(code="hall")
    center.settings = {**(center.settings or {}), "staff": {"attendanceFrom": "2026-03-02"}}
    await center.save()
    await drive.clock("clerk1", "2026-03-04 08:55")
    drive.at("2026-03-05 10:00")
    assert await drive.run("sup1", START, c="hall") == {
        "day": "2026-03-02", "source": "setting", "sourceLabel": "中心设置的考勤起算日期"}
    (win2,) = await drive.run("sup1", SHEET, c="hall", m="2026-03", u="win2")
    assert win2["countedFrom"] == "2026-03-02" and win2["absentDays"] == 3  # Mon, Tue, Wed
    late = await drive.add_person("win3", "window_staff", window="A01", posted="2026-03-04")
    assert late["postedOn"] == "2026-03-04"
    (win3,) = await drive.run("sup1", SHEET, c="hall", m="2026-03", u="win3")
    assert win3["countedFrom"] == "2026-03-04" and win3["absentDays"] == 1  # posted later: from the posting date


async def test_a_bad_attendance_start_is_refused_in_the_center_file_and_never_breaks_the_sheet(drive, govhall):
    from core.services.centers import check_center_document

    center = await Center.get(code="hall")
    doc = {"code": "x", "name": "测试中心", "plugins": ["staff"], "settings": {"staff": {"attendanceFrom": "三月一日"}}}
    assert any("attendanceFrom" in (e.path or "") for e in check_center_document(doc, govhall.hub.installed))
    center.settings = {**(center.settings or {}), "staff": {"attendanceFrom": "2026-02-30"}}  # the pattern lets it through
    await center.save()
    await drive.clock("clerk1", "2026-03-04 08:55")
    drive.at("2026-03-05 10:00")
    assert (await drive.run("sup1", START, c="hall"))["source"] == "first_clock_in"
    (win2,) = await drive.run("sup1", SHEET, c="hall", m="2026-03", u="win2")
    assert win2["countedFrom"] == "2026-03-05"  # the day after clerk1's first clock-in


async def test_a_month_outside_the_years_kept_is_refused_in_chinese(drive):
    for month in ("9999-12", "0001-01", "2101-01"):
        for query in (SHEET, MONTH):
            answer = await drive.gql.raw(query, {"c": "hall", "m": month}, token=drive.hall.tokens["sup1"])
            (error,) = answer["errors"]
            assert error["extensions"]["code"] == "BAD_USER_INPUT" and "年份不正确" in error["message"], answer
    future = await drive.run("sup1", MONTH, c="hall", m="2100-12")  # the last month kept: nothing counted yet
    assert future and all(s["absentDays"] == 0 for s in future)


CLOSE = """mutation($c: String!, $code: String!) { closeWindow(center: $c, code: $code) { __typename } }"""


async def test_a_closed_window_takes_no_new_device_and_a_device_there_keeps_reading(drive):
    """撤销: a reader is not registered at a window closed on 中心管理 (``window_closed``, as a new post
    there); one registered before keeps clocking in its card holders."""
    await drive.add_person("win2", "window_staff", window="A01", partner="clerk1", card="K-0002")
    device = await drive.run("admin1", REGISTER_DEVICE, c="hall", w="A01", n="一楼A01读卡器")
    assert (await drive.run("admin1", CLOSE, c="hall", code="A01"))["__typename"] == "Window"
    refused = await drive.run("admin1", REGISTER_DEVICE, c="hall", w="A01", n="二号读卡器")
    assert codes(refused) == ["window_closed"]
    (error,) = refused["errors"]
    assert error["path"] == "/window" and error["message"] == "窗口“综合受理窗口”已撤销，不能再登记考勤设备"
    drive.at("2026-03-02 08:59")
    clocked = await drive.run("admin1", DEVICE_CLOCK_IN, t=device["token"], card="K-0002")
    assert (clocked["username"], clocked["device"]) == ("win2", "一楼A01读卡器")
