"""Working-day calendar: deadlines are checked against chinese_calendar by an independent day loop."""

from __future__ import annotations

from functools import lru_cache
from datetime import date, datetime, time, timedelta, timezone

import chinese_calendar
import pytest

from core.services.calendar import (
    DayOverride,
    OfficeHours,
    WorkCalendar,
    explain_text,
)
from tests.helpers import CallCounter

SHANGHAI = timezone(timedelta(hours=8))

# The package's own answer, memoised only because it costs ~20 µs a call.
is_workday = lru_cache(maxsize=None)(chinese_calendar.is_workday)


def ref_due(start: date, n: int) -> date:
    """Reference implementation: the n-th chinese_calendar working day after start (0: start or next)."""
    d = start
    if n == 0:
        while not is_workday(d):
            d += timedelta(days=1)
        return d
    found = 0
    while found < n:
        d += timedelta(days=1)
        if is_workday(d):
            found += 1
    return d


def ref_dues(start: date, max_n: int) -> list[date]:
    """ref_due(start, n) for n = 0..max_n in one walk (the same loop, kept incremental for speed)."""
    dues = [ref_due(start, 0)]
    d = start
    while len(dues) <= max_n:
        d += timedelta(days=1)
        if is_workday(d):
            dues.append(d)
    return dues


def ref_between(start: date, end: date) -> int:
    return sum(
        1
        for k in range(1, (end - start).days + 1)
        if is_workday(start + timedelta(days=k))
    )


@pytest.fixture
def cal() -> WorkCalendar:
    return WorkCalendar()


# --- agreement with chinese_calendar ---------------------------------------------------------------


def test_every_2026_deadline_matches_brute_force(cal: WorkCalendar) -> None:
    checked = 0
    start = date(2026, 1, 1)
    while start < date(2026, 12, 1):
        for n, expected in enumerate(ref_dues(start, 22)):
            deadline = cal.add_working_days(start, n)
            assert deadline.due == expected, (start, n)
            assert not deadline.provisional and not deadline.paused
            counted = [e for e in deadline.explanation if e.counted]
            assert [e.ordinal for e in counted] == list(range(1, n + 1))
            assert all(is_workday(e.day) for e in counted)
            checked += 1
        start += timedelta(days=1)
    assert checked > 7000


def test_day_reasons_2026() -> None:
    cal = WorkCalendar()
    assert cal.day_info(date(2026, 2, 17)).reason == "法定节假日：春节"
    assert cal.day_info(date(2026, 2, 14)).reason == "调休上班：春节"
    assert cal.day_info(date(2026, 2, 14)).workday is True
    assert cal.day_info(date(2026, 2, 28)).workday is True
    assert cal.day_info(date(2026, 9, 20)).reason == "调休上班：国庆节"
    assert cal.day_info(date(2026, 10, 10)).workday is True
    assert cal.day_info(date(2026, 3, 7)).reason == "周末"
    assert cal.day_info(date(2026, 2, 20)).reason == "调休放假：春节"  # a bridging day off, not statutory
    assert cal.day_info(date(2026, 10, 6)).reason == "调休放假：国庆节"
    assert cal.day_info(date(2026, 3, 2)).reason == "工作日"
    for d in range(1, 8):
        info = cal.day_info(date(2026, 10, d))
        assert not info.workday and "国庆节" in info.reason and not info.provisional
    assert "抗日战争" in cal.day_info(date(2015, 9, 3)).reason


def test_spring_festival_2026_make_up_saturdays(cal: WorkCalendar) -> None:
    # Friday 13 Feb: the next working day is the make-up Saturday, then nothing until the 24th.
    assert cal.add_working_days(date(2026, 2, 13), 1).due == date(2026, 2, 14)
    assert cal.add_working_days(date(2026, 2, 13), 2).due == date(2026, 2, 24)
    assert cal.add_working_days(date(2026, 2, 12), 5).due == date(2026, 2, 26)
    assert cal.add_working_days(date(2026, 2, 27), 1).due == date(2026, 2, 28)


def test_national_day_2026(cal: WorkCalendar) -> None:
    assert cal.add_working_days(date(2026, 9, 18), 1).due == date(2026, 9, 20)  # make-up Sunday
    deadline = cal.add_working_days(date(2026, 9, 30), 3)
    assert deadline.due == date(2026, 10, 10)  # make-up Saturday is the 3rd day
    assert [e.day for e in deadline.explanation if e.counted] == [
        date(2026, 10, 8),
        date(2026, 10, 9),
        date(2026, 10, 10),
    ]


def test_acceptance_on_a_holiday_counts_from_the_next_working_day(cal: WorkCalendar) -> None:
    assert cal.add_working_days(date(2026, 10, 1), 1).due == date(2026, 10, 8)
    assert cal.add_working_days(date(2026, 10, 3), 2).due == date(2026, 10, 9)
    # On the spot, on a holiday: the first working day afterwards.
    on_spot = cal.add_working_days(date(2026, 10, 1), 0)
    assert on_spot.due == date(2026, 10, 8)
    assert [e.day for e in on_spot.explanation][0] == date(2026, 10, 1)


def test_on_the_spot_on_a_working_day(cal: WorkCalendar) -> None:
    deadline = cal.add_working_days(date(2026, 3, 2), 0)
    assert deadline.due == date(2026, 3, 2)
    assert len(deadline.explanation) == 1
    assert "当场办结" in explain_text(deadline)


def test_extension_adds_working_days(cal: WorkCalendar) -> None:
    start = date(2026, 9, 15)
    extended = cal.add_working_days(start, 20, extra_days=10)
    assert extended.due == ref_due(start, 30)
    assert extended.due == cal.add_working_days(start, 30).due
    assert extended.due > cal.add_working_days(start, 20).due  # type: ignore[operator]
    assert max(e.ordinal or 0 for e in extended.explanation) == 30
    with pytest.raises(ValueError):
        cal.add_working_days(start, -1)
    with pytest.raises(ValueError):
        cal.add_working_days(start, 1, extra_days=-1)


# --- pauses ---------------------------------------------------------------------------------------


def test_days_inside_a_pause_are_not_counted(cal: WorkCalendar) -> None:
    start = date(2026, 3, 2)  # Monday
    assert cal.add_working_days(start, 5).due == date(2026, 3, 9)
    # Paused Wednesday and Thursday (end exclusive: Friday counts again).
    deadline = cal.add_working_days(start, 5, paused=[(date(2026, 3, 4), date(2026, 3, 6))])
    assert deadline.due == date(2026, 3, 11)
    assert not deadline.paused
    by_day = {e.day: e for e in deadline.explanation}
    assert not by_day[date(2026, 3, 4)].counted and "暂停计时" in by_day[date(2026, 3, 4)].reason
    assert not by_day[date(2026, 3, 5)].counted
    assert by_day[date(2026, 3, 6)].ordinal == 2


def test_pause_over_a_holiday_and_two_pauses(cal: WorkCalendar) -> None:
    start = date(2026, 9, 28)
    pauses = [(date(2026, 9, 29), date(2026, 10, 9)), (date(2026, 10, 12), date(2026, 10, 13))]
    deadline = cal.add_working_days(start, 3, paused=pauses)
    # Counted: 9 Oct (Fri), 10 Oct (make-up Sat), 13 Oct (Tue); 12 Oct is paused.
    assert [e.day for e in deadline.explanation if e.counted] == [
        date(2026, 10, 9),
        date(2026, 10, 10),
        date(2026, 10, 13),
    ]
    assert deadline.due == date(2026, 10, 13)


def test_open_pause_leaves_the_deadline_undetermined(cal: WorkCalendar) -> None:
    deadline = cal.add_working_days(date(2026, 3, 2), 5, paused=[(date(2026, 3, 4), None)])
    assert deadline.due is None and deadline.paused
    assert deadline.explanation[-1].day == date(2026, 3, 4)
    assert "尚未恢复" in deadline.explanation[-1].reason
    assert [e.ordinal for e in deadline.explanation if e.counted] == [1]
    # A pause that starts only after the due date does not change it.
    later = cal.add_working_days(date(2026, 3, 2), 5, paused=[(date(2026, 3, 20), None)])
    assert later.due == date(2026, 3, 9) and not later.paused


def test_reversed_pause_is_rejected(cal: WorkCalendar) -> None:
    with pytest.raises(ValueError):
        cal.add_working_days(date(2026, 3, 2), 5, paused=[(date(2026, 3, 6), date(2026, 3, 4))])


# --- years without a published schedule -------------------------------------------------------------


def test_2027_is_provisional_until_entered() -> None:
    start = date(2027, 2, 3)  # Wednesday before the 2027 Spring Festival
    guess = WorkCalendar().add_working_days(start, 5)
    assert guess.due == date(2027, 2, 10)
    assert guess.provisional
    assert all("暂定" in e.reason for e in guess.explanation)

    overrides = [DayOverride(date(2027, 2, 6) + timedelta(days=k), False, "春节") for k in range(7)]
    overrides.append(DayOverride(date(2027, 2, 14), True, "春节调休"))
    entered = WorkCalendar(overrides, entered_years=[2027])
    final = entered.add_working_days(start, 5)
    assert final.due == date(2027, 2, 16)
    assert not final.provisional
    assert entered.has_schedule(2027) and not WorkCalendar().has_schedule(2027)
    assert entered.day_info(date(2027, 2, 14)).workday
    assert "春节" in entered.day_info(date(2027, 2, 8)).reason


def test_entered_year_without_overrides_is_weekends_only() -> None:
    cal = WorkCalendar(entered_years=[2027])
    info = cal.day_info(date(2027, 1, 1))  # a fixed holiday, but the center said "nothing off"
    assert info.workday and not info.provisional
    assert cal.day_info(date(2027, 1, 2)).reason == "周末"


def test_fixed_date_holidays_in_an_unknown_year() -> None:
    cal = WorkCalendar()
    for d in [date(2027, 1, 1), date(2027, 5, 1), date(2027, 5, 2), date(2027, 10, 1), date(2027, 10, 3)]:
        info = cal.day_info(d)
        assert not info.workday and info.provisional and "法定节假日" in info.reason
    assert cal.day_info(date(2027, 10, 4)).workday is True  # Monday: only the fixed days are known
    assert cal.day_info(date(2027, 5, 3)).workday is True
    assert cal.day_info(date(2027, 10, 4)).provisional


def test_deadline_crossing_into_an_unknown_year_is_provisional(cal: WorkCalendar) -> None:
    deadline = cal.add_working_days(date(2026, 12, 28), 5)
    # 29, 30, 31 Dec count; 1 Jan 2027 is New Year; 2–3 Jan weekend; 4 and 5 Jan count.
    assert deadline.due == date(2027, 1, 5)
    assert deadline.provisional
    assert not cal.add_working_days(date(2026, 12, 1), 5).provisional


def test_year_before_the_package_data_is_provisional() -> None:
    info = WorkCalendar().day_info(date(2003, 10, 1))
    assert info.provisional and not info.workday


def test_center_overrides_win_over_the_package() -> None:
    closed = DayOverride(date(2026, 2, 24), False, "大厅检修")
    cal = WorkCalendar([closed])
    assert cal.add_working_days(date(2026, 2, 12), 5).due == date(2026, 2, 27)
    assert "大厅检修" in cal.day_info(date(2026, 2, 24)).reason
    opened = WorkCalendar([DayOverride(date(2026, 10, 7), True, "国庆加班")])
    assert opened.add_working_days(date(2026, 9, 30), 1).due == date(2026, 10, 7)


def test_contradictory_overrides_are_rejected() -> None:
    with pytest.raises(ValueError):
        WorkCalendar([DayOverride(date(2027, 2, 6), False, "a"), DayOverride(date(2027, 2, 6), True, "b")])


# --- explanation ------------------------------------------------------------------------------------


def test_explanation_covers_every_day_with_reasons(cal: WorkCalendar) -> None:
    deadline = cal.add_working_days(date(2026, 2, 12), 5)
    days = [e.day for e in deadline.explanation]
    assert days == [date(2026, 2, 13) + timedelta(days=k) for k in range(14)]
    reasons = {e.day: e.reason for e in deadline.explanation}
    assert reasons[date(2026, 2, 14)] == "调休上班：春节"
    assert reasons[date(2026, 2, 17)] == "法定节假日：春节"
    text = explain_text(deadline)
    lines = text.splitlines()
    assert len(lines) == 14
    assert lines[0].startswith("2026年2月13日（周五）第1个工作日")  # dates as people read them
    assert lines[1].startswith("2026年2月14日（周六）第2个工作日：调休上班：春节")
    assert "不计：法定节假日：春节" in lines[4]
    assert lines[-1].endswith("← 到期日") and lines[-1].startswith("2026年2月26日")
    assert sum("← 到期日" in line for line in lines) == 1


# --- elapsed and remaining days ---------------------------------------------------------------------


def test_working_days_between_matches_brute_force(cal: WorkCalendar) -> None:
    starts = [date(2026, 1, 1) + timedelta(days=k) for k in range(0, 360, 7)]
    for start in starts:
        for span in (0, 1, 3, 10, 25):
            end = start + timedelta(days=span)
            if end.year == 2026:
                assert cal.working_days_between(start, end) == ref_between(start, end), (start, end)
    assert cal.working_days_between(date(2026, 2, 13), date(2026, 2, 24)) == 2
    assert cal.working_days_between(date(2026, 3, 5), date(2026, 3, 1)) == 0
    assert cal.working_days_between(date(2026, 3, 2), date(2026, 3, 2)) == 0


def test_working_days_between_and_due_agree(cal: WorkCalendar) -> None:
    for n in (1, 5, 20):
        due = cal.add_working_days(date(2026, 9, 25), n).due
        assert due is not None
        assert cal.working_days_between(date(2026, 9, 25), due) == n


def test_remaining_working_days(cal: WorkCalendar) -> None:
    due = date(2026, 2, 24)
    assert cal.remaining_working_days(date(2026, 2, 13), due) == 2
    assert cal.remaining_working_days(date(2026, 2, 20), due) == 1
    assert cal.remaining_working_days(due, due) == 0
    assert cal.remaining_working_days(date(2026, 2, 25), due) == -1
    assert cal.remaining_working_days(date(2026, 2, 28), due) == -4  # the make-up Saturday counts
    assert cal.remaining_working_days(date(2026, 3, 1), due) == -4


# A 20-working-day deadline walks about 28 days: ~63 Python calls each today (a day's lookup is a
# couple of calls); a per-deadline cost that grew with the calendar's history would pass this at once.
LIMIT_PER_DEADLINE = 150


def test_bulk_recomputation_is_fast() -> None:
    cal = WorkCalendar([DayOverride(date(2026, 6, 1), False, "检修")])
    starts = [date(2025, 1, 1) + timedelta(days=k % 700) for k in range(5000)]
    with CallCounter() as counter:  # the work, in Python calls: a loaded machine is slow, not costly
        dues = [cal.add_working_days(s, 20).due for s in starts]
    assert all(d is not None for d in dues)
    assert counter.calls < 5000 * LIMIT_PER_DEADLINE, f"5000 deadlines made {counter.calls} calls"


# --- office hours -------------------------------------------------------------------------------------


def at(y: int, m: int, d: int, hh: int, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=SHANGHAI)


def test_office_hours_with_lunch_break() -> None:
    hours = OfficeHours()
    texts = ["09:00-12:00", "13:30-17:00"]
    assert hours == OfficeHours(texts) == OfficeHours.parse(texts)  # type: ignore[arg-type]
    assert hours.as_strings() == texts
    assert not hours.is_open(at(2026, 3, 2, 8, 59))
    assert hours.is_open(at(2026, 3, 2, 9, 0))
    assert hours.is_open(at(2026, 3, 2, 11, 59))
    assert not hours.is_open(at(2026, 3, 2, 12, 0))
    assert not hours.is_open(at(2026, 3, 2, 12, 30))
    assert hours.is_open(at(2026, 3, 2, 13, 30))
    assert not hours.is_open(at(2026, 3, 2, 17, 0))
    # 04:30 UTC is 12:30 in Shanghai: lunch; 02:00 UTC is 10:00: open.
    assert not hours.is_open(datetime(2026, 3, 2, 4, 30, tzinfo=timezone.utc))
    assert hours.is_open(datetime(2026, 3, 2, 2, 0, tzinfo=timezone.utc))
    assert hours.next_open(at(2026, 3, 2, 12, 30)) == at(2026, 3, 2, 13, 30)
    assert hours.next_open(at(2026, 3, 2, 10, 15)) == at(2026, 3, 2, 10, 15)
    assert hours.next_open(at(2026, 3, 2, 17, 30)) == at(2026, 3, 3, 9, 0)
    with pytest.raises(ValueError):
        hours.is_open(datetime(2026, 3, 2, 10, 0))  # naive


def test_office_hours_validation() -> None:
    with pytest.raises(ValueError):
        OfficeHours(["13:30-17:00", "09:00-12:00"])
    with pytest.raises(ValueError):
        OfficeHours(["12:00-09:00"])
    with pytest.raises(ValueError):
        OfficeHours(["9-12"])
    assert OfficeHours([(time(8, 30), time(12, 0))]).as_strings() == ["08:30-12:00"]


def test_office_time_follows_the_calendar() -> None:
    cal = WorkCalendar()
    hours = OfficeHours()
    assert cal.is_office_time(at(2026, 2, 14, 10), hours)  # make-up Saturday
    assert not cal.is_office_time(at(2026, 2, 17, 10), hours)  # Spring Festival
    assert not cal.is_office_time(at(2026, 3, 7, 10), hours)  # ordinary Saturday
    assert not cal.is_office_time(at(2026, 3, 2, 12, 45), hours)  # lunch
    assert cal.next_office_time(at(2026, 2, 13, 17, 30), hours) == at(2026, 2, 14, 9)
    assert cal.next_office_time(at(2026, 2, 14, 17, 30), hours) == at(2026, 2, 24, 9)
    assert cal.next_office_time(at(2026, 3, 6, 12, 10), hours) == at(2026, 3, 6, 13, 30)
