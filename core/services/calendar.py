"""The working-day calendar of one center, and deadlines counted on it.

Legal and promised time limits are in working days (Administrative Licensing Law arts. 42, 82), so a
due date depends on weekends, public holidays and make-up working days (调休). Where a day comes from,
in order:

1. the center's own overrides (entered by hand or imported from a calendar file);
2. the ``chinese_calendar`` package, for the years whose State Council schedule it ships;
3. a year the center entered itself (``entered_years``): weekends plus its overrides, nothing else;
4. any other year (the schedule is not published yet): weekends and the fixed-date statutory holidays,
   marked *provisional* so the clerk knows the date may still move.

Pure Python and no database: the caller loads the overrides and passes them in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import chinese_calendar

__all__ = [
    "CENTER_TZ",
    "DayInfo",
    "DayOverride",
    "Deadline",
    "ExplainedDay",
    "OfficeHours",
    "WorkCalendar",
    "check_periods",
    "cn_day",
    "explain_text",
    "parse_period",
]

CENTER_TZ = ZoneInfo("Asia/Shanghai")
ONE_DAY = timedelta(days=1)
WEEKDAY_NAMES = "一二三四五六日"

# chinese_calendar names its holidays in English (the values of its ``Holiday`` enum).
HOLIDAY_NAMES: dict[str, str] = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}

# Statutory holidays whose Gregorian date never moves (全国年节及纪念日放假办法, 2024 revision); the
# lunar ones and the bridging days are only known once the year's schedule is published.
FIXED_HOLIDAYS: dict[tuple[int, int], str] = {
    (1, 1): "元旦",
    (5, 1): "劳动节",
    (5, 2): "劳动节",
    (10, 1): "国庆节",
    (10, 2): "国庆节",
    (10, 3): "国庆节",
}

# No realistic calendar goes this long without a working day; a longer search means bad input.
_MAX_SEARCH_DAYS = 3660


@dataclass(frozen=True, slots=True)
class DayOverride:
    """A day a center (or the administrator) entered: a holiday (``workday=False``) or a make-up
    working day 调休 (``workday=True``). It wins over every other source."""

    day: date
    workday: bool
    name: str


@dataclass(frozen=True, slots=True)
class DayInfo:
    """Whether ``day`` is a working day, and why, in words a clerk can repeat to an applicant."""

    day: date
    workday: bool
    reason: str
    provisional: bool = False


@dataclass(frozen=True, slots=True)
class ExplainedDay:
    """One calendar day of a deadline's window; ``ordinal`` is 1..n for the days that counted."""

    day: date
    counted: bool
    ordinal: int | None
    reason: str


@dataclass(frozen=True)
class Deadline:
    """A computed due date with the day-by-day reasoning behind it.

    ``due`` is None while the clock is paused without an end (``paused`` is then True); ``provisional``
    says some day of the window was decided without a published schedule for its year.
    """

    due: date | None
    provisional: bool
    paused: bool
    explanation: list[ExplainedDay] = field(default_factory=list, hash=False)


def _chinese_name(name: str | None) -> str | None:
    if name is None:
        return None
    return HOLIDAY_NAMES.get(name, name)


def _package_day(d: date) -> DayInfo:
    on_holiday, name = chinese_calendar.get_holiday_detail(d)
    cn = _chinese_name(name)
    if on_holiday:
        if cn is None:
            return DayInfo(d, False, "周末")
        if chinese_calendar.is_in_lieu(d):
            return DayInfo(d, False, f"调休放假：{cn}")
        return DayInfo(d, False, f"法定节假日：{cn}")
    if cn is not None:
        return DayInfo(d, True, f"调休上班：{cn}")
    return DayInfo(d, True, "工作日")


@lru_cache(maxsize=None)
def _package_year(year: int) -> dict[date, DayInfo] | None:
    """Every day of ``year`` as ``chinese_calendar`` sees it, or None when it has no data for the year.

    Built once per year and process: the package's data never changes at run time, and recomputing
    thousands of deadlines asks about the same few hundred days over and over.
    """
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError:
        return None
    table: dict[date, DayInfo] = {}
    d = date(year, 1, 1)
    while d.year == year:
        table[d] = _package_day(d)
        d += ONE_DAY
    return table


def _provisional_day(d: date) -> DayInfo:
    note = f"（暂定：{d.year}年放假安排未公布）"
    fixed = FIXED_HOLIDAYS.get((d.month, d.day))
    if fixed is not None:
        return DayInfo(d, False, f"法定节假日：{fixed}{note}", provisional=True)
    if d.weekday() >= 5:
        return DayInfo(d, False, f"周末{note}", provisional=True)
    return DayInfo(d, True, f"工作日{note}", provisional=True)


def _check_pauses(paused: Sequence[tuple[date, date | None]]) -> list[tuple[date, date | None]]:
    for begin, end in paused:
        if end is not None and end < begin:
            raise ValueError(f"pause ends before it starts: {begin} .. {end}")
    return list(paused)


def _pause_at(pauses: list[tuple[date, date | None]], d: date) -> tuple[date, date | None] | None:
    """The pause covering ``d`` (start inclusive, end exclusive, open end = still paused)."""
    for begin, end in pauses:
        if begin <= d and (end is None or d < end):
            return begin, end
    return None


class WorkCalendar:
    """The working-day calendar of one center; answers are cached per date for bulk recomputation."""

    def __init__(self, overrides: Iterable[DayOverride] = (), entered_years: Iterable[int] = ()) -> None:
        self._overrides: dict[date, DayOverride] = {}
        for override in overrides:
            previous = self._overrides.get(override.day)
            if previous is not None and previous.workday != override.workday:
                raise ValueError(f"contradictory overrides for {override.day.isoformat()}")
            self._overrides[override.day] = override
        self.entered_years: frozenset[int] = frozenset(entered_years)
        self._cache: dict[date, DayInfo] = {}

    def __repr__(self) -> str:
        return f"WorkCalendar({len(self._overrides)} overrides, entered_years={sorted(self.entered_years)})"

    def has_schedule(self, year: int) -> bool:
        """True when days of ``year`` are decided for good (package data or entered by the center)."""
        return year in self.entered_years or _package_year(year) is not None

    def day_info(self, d: date) -> DayInfo:
        """Whether ``d`` is a working day for this center, and why."""
        info = self._cache.get(d)
        if info is None:
            info = self._cache[d] = self._compute(d)
        return info

    def is_workday(self, d: date) -> bool:
        return self.day_info(d).workday

    def _compute(self, d: date) -> DayInfo:
        override = self._overrides.get(d)
        if override is not None:
            label = "调休上班" if override.workday else "节假日"
            name = f"：{override.name}" if override.name else ""
            return DayInfo(d, override.workday, f"{label}{name}（中心日历）")
        table = _package_year(d.year)
        if table is not None:
            return table[d]
        if d.year in self.entered_years:
            return DayInfo(d, False, "周末") if d.weekday() >= 5 else DayInfo(d, True, "工作日")
        return _provisional_day(d)

    def add_working_days(
        self,
        start: date,
        n: int,
        *,
        paused: Sequence[tuple[date, date | None]] = (),
        extra_days: int = 0,
        explain: bool = True,
    ) -> Deadline:
        """The due date ``n`` (+ ``extra_days`` of approved extension) working days after ``start``.

        Counting starts the day after ``start`` (Civil Code arts. 201, 203); a total of 0 means "on the
        spot": ``start`` itself if it is a working day, else the next one. Days inside a pause
        ``(begin, end)`` (begin inclusive, end exclusive) do not count; a pause with ``end=None`` that
        is reached before the due date leaves the deadline undetermined (``due=None, paused=True``).
        The explanation runs from the first day considered (the day after ``start``, or ``start``
        itself for a total of 0) through the due date, or through the day the open pause began;
        ``explain=False`` leaves it empty (the clock, which keeps only the date: a transition
        computes two deadlines of up to 60 days each).
        """
        if n < 0 or extra_days < 0:
            raise ValueError("n and extra_days must not be negative")
        total = n + extra_days
        pauses = _check_pauses(paused)
        explanation: list[ExplainedDay] = []
        provisional = False
        counted = 0
        d = start if total == 0 else start + ONE_DAY
        for _ in range(_MAX_SEARCH_DAYS):
            info = self.day_info(d)
            provisional = provisional or info.provisional
            pause = _pause_at(pauses, d) if pauses else None
            if pause is not None:
                still_paused = pause[1] is None
                if explain:
                    label = "暂停计时（尚未恢复）" if still_paused else "暂停计时"
                    explanation.append(ExplainedDay(d, False, None, f"{label}：{info.reason}"))
                if still_paused:
                    return Deadline(None, provisional, True, explanation)
            elif not info.workday:
                if explain:
                    explanation.append(ExplainedDay(d, False, None, info.reason))
            elif total == 0:
                if explain:
                    explanation.append(ExplainedDay(d, False, None, info.reason))
                return Deadline(d, provisional, False, explanation)
            else:
                counted += 1
                if explain:
                    explanation.append(ExplainedDay(d, True, counted, info.reason))
                if counted == total:
                    return Deadline(d, provisional, False, explanation)
            d += ONE_DAY
        raise ValueError(f"no working day found within {_MAX_SEARCH_DAYS} days after {start}")

    def working_days_between(
        self, start: date, end: date, *, paused: Sequence[tuple[date, date | None]] = ()
    ) -> int:
        """Working days after ``start`` up to and including ``end`` (0 when end <= start).

        The "actual days" of the statistics: a case accepted and completed the same day took 0.
        Paused days are left out when ``paused`` is given.
        """
        pauses = _check_pauses(paused)
        count = 0
        d = start + ONE_DAY
        while d <= end:
            if self.day_info(d).workday and (not pauses or _pause_at(pauses, d) is None):
                count += 1
            d += ONE_DAY
        return count

    def remaining_working_days(self, today: date, due: date) -> int:
        """Working days left until ``due``: 0 on the due day, -k when k working days have passed it.

        A non-working day right after the due date still gives 0 (no working day lost yet); use
        ``today > due`` to decide that a case is overdue.
        """
        if today <= due:
            return self.working_days_between(today, due)
        return -self.working_days_between(due, today)

    def is_office_time(self, dt: datetime, hours: OfficeHours | None = None) -> bool:
        """Open now: a working day of this calendar and within office hours (Asia/Shanghai)."""
        hours = hours or OfficeHours()
        return self.is_workday(_local(dt).date()) and hours.is_open(dt)

    def next_office_time(self, dt: datetime, hours: OfficeHours | None = None) -> datetime:
        """The first moment at or after ``dt`` when the center is open (``dt`` itself if open)."""
        hours = hours or OfficeHours()
        candidate = hours.next_open(dt)
        for _ in range(_MAX_SEARCH_DAYS):
            if self.is_workday(candidate.date()):
                return candidate
            candidate = datetime.combine(candidate.date() + ONE_DAY, hours.periods[0][0], tzinfo=CENTER_TZ)
        raise ValueError(f"no working day found within {_MAX_SEARCH_DAYS} days after {dt}")


def cn_day(day: date) -> str:
    """``2026年10月11日``: a day as people read it. :func:`core.services.documents.kinds.cn_date`
    (dates of any form, on documents and in messages) prints with it; the calendar, its files and
    the clock, which the documents build on, use it directly."""
    return f"{day.year}年{day.month}月{day.day}日"


def explain_text(deadline: Deadline) -> str:
    """The deadline's window, one Chinese line per day, so a clerk can say why the date is what it is."""
    lines = []
    for item in deadline.explanation:
        weekday = WEEKDAY_NAMES[item.day.weekday()]
        if item.counted:
            label = f"第{item.ordinal}个工作日"
        elif item.day == deadline.due:
            label = "当场办结"
        else:
            label = "不计"
        mark = " ← 到期日" if item.day == deadline.due else ""
        lines.append(f"{cn_day(item.day)}（周{weekday}）{label}：{item.reason}{mark}")
    return "\n".join(lines)


# --- office hours -------------------------------------------------------------------------------

_PERIOD_RE = re.compile(r"([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)")


def parse_period(text: str) -> tuple[time, time]:
    """``"09:00-12:00"`` -> ``(time(9), time(12))``; ValueError with a Chinese message otherwise."""
    match = _PERIOD_RE.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"办公时段“{text}”格式不正确，应为 HH:MM-HH:MM，例如 09:00-12:00")
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    return time(h1, m1), time(h2, m2)


def check_periods(periods: Sequence[tuple[time, time]], label: str = "办公时段",
                  code: str = "office_hours") -> list[tuple[int, str, str]]:
    """Problems with a list of periods as ``(index, code, Chinese message)``; empty when fine.
    ``label`` names the periods in the messages (预约时段…) and ``code`` begins the codes
    (``office_hours.order`` for the office hours, ``periods.order`` for the other lists of a center
    file): ``.empty``, ``.range`` (a period ending before it begins), ``.order`` (out of order or
    overlapping).

    Shared by :class:`OfficeHours`, the calendar-file importer, which reports every problem, and the
    center file's lists of periods.
    """
    problems: list[tuple[int, str, str]] = []
    if not periods:
        problems.append((0, f"{code}.empty", f"至少需要一个{label}"))
    previous_end: time | None = None
    for i, (begin, end) in enumerate(periods):
        if begin >= end:
            message = f"{label}开始时间 {begin:%H:%M} 应早于结束时间 {end:%H:%M}"
            problems.append((i, f"{code}.range", message))
        elif previous_end is not None and begin < previous_end:
            message = f"{label}应按先后排列且互不重叠：{begin:%H:%M} 早于上一时段的结束时间 {previous_end:%H:%M}"
            problems.append((i, f"{code}.order", message))
        if begin < end:
            previous_end = end
    return problems


def _local(dt: datetime) -> datetime:
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError("office-hour checks need an aware datetime")
    return dt.astimezone(CENTER_TZ)


@dataclass(frozen=True)
class OfficeHours:
    """The hall's opening periods in Asia/Shanghai local time (end exclusive), lunch break included.

    ``OfficeHours(["09:00-12:00", "13:30-17:00"])`` and ``OfficeHours([(time(9), time(12)), ...])``
    are the same; the default is the 004 timetable.
    """

    periods: tuple[tuple[time, time], ...] = ((time(9, 0), time(12, 0)), (time(13, 30), time(17, 0)))

    def __post_init__(self) -> None:
        periods = tuple(parse_period(p) if isinstance(p, str) else (p[0], p[1]) for p in self.periods)
        problems = check_periods(periods)
        if problems:
            raise ValueError("；".join(message for _, _, message in problems))
        object.__setattr__(self, "periods", periods)

    @classmethod
    def parse(cls, texts: Iterable[str]) -> OfficeHours:
        """Build from ``["09:00-12:00", "13:30-17:00"]`` (the calendar file's ``officeHours``)."""
        return cls(tuple(parse_period(t) for t in texts))

    def as_strings(self) -> list[str]:
        return [f"{b:%H:%M}-{e:%H:%M}" for b, e in self.periods]

    def is_open(self, dt: datetime) -> bool:
        """Within a period by the clock only; :meth:`WorkCalendar.is_office_time` adds the calendar."""
        now = _local(dt).time()
        return any(begin <= now < end for begin, end in self.periods)

    def next_open(self, dt: datetime) -> datetime:
        """``dt`` (in Asia/Shanghai) if open, else the start of the next period, ignoring the calendar."""
        local = _local(dt)
        now = local.time()
        for begin, end in self.periods:
            if now < end:
                return local if now >= begin else datetime.combine(local.date(), begin, tzinfo=CENTER_TZ)
        return datetime.combine(local.date() + ONE_DAY, self.periods[0][0], tzinfo=CENTER_TZ)
