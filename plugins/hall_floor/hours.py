"""取号时间: when the kiosk gives queue numbers, and what it says when it does not.

``settings.hallFloor.hours`` of the center file (checked by ``schemas/center.schema.json``)::

    {"periods": ["09:00-12:00", "13:30-17:00"],  # working days; default: the center's officeHours
     "saturdayPeriods": ["09:00-12:00"],          # the roster's duty Saturdays (周六轮值)
     "stopBefore": 30}                             # minutes before each period ends: 停止取号 (default 0)

A working day is one of the center's calendar (holidays and make-up working days 调休 included). A
duty Saturday (:func:`.roster.duty_saturday`) opens ``saturdayPeriods`` (default: the roster's
Saturday booking periods, adjoining ones joined) for the queues with a window on duty only. Any other
day the hall is closed. Each period gives numbers from its start until ``stopBefore`` minutes before
its end.

A booking's ticket (预约号) follows the same hours, and besides may be taken from the hall's opening
that day until its booked period ends: a booking of the roster's 错时/延时 periods (lunch, after
closing) or of a period that ends after the day's 停止取号 is kept.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from core.api import CENTER_TZ, Center, UserErrorsException, WorkCalendar, calendar_for, cn_date, parse_period

from .floor import Queue, conf, queues
from .roster import Roster, current_roster, duty_saturday

Period = tuple[time, time]
DEFAULT_PERIODS = ("09:00-12:00", "13:30-17:00")
WEEKDAYS = "一二三四五六日"
SEARCH_DAYS = 400
"""How far ahead the next opening is looked for: past any holiday, also of a year not yet entered."""


@dataclass(frozen=True)
class Hours:
    """The hall's ticket hours, as the center set them."""

    periods: tuple[Period, ...]
    saturday_periods: tuple[Period, ...]
    stop_before: int
    """Minutes before each period's end from which no number is given."""


@dataclass(frozen=True)
class HallDay:
    """One day of the hall: its periods (none: closed), the queues it serves, and why."""

    day: date
    periods: tuple[Period, ...]
    queues: frozenset[str] | None
    """``None``: every queue; a duty Saturday: the queues with a window on duty."""
    reason: str
    """Why the hall is closed (the calendar's words: 周末, 法定节假日：国庆节…), or 周六值班."""
    stop_before: int
    booking_end: time | None
    """The end of the day's last bookable period of the roster (错时/延时 included): a booking's
    ticket may be taken until then."""

    def serves(self, queue: str | None) -> bool:
        """Open at some time of the day for the queue (``None``: for any)."""
        if not self.periods:
            return False
        return self.queues is None or (bool(self.queues) if queue is None else queue in self.queues)

    def ticket_periods(self) -> list[Period]:
        """Each period from its start until its 停止取号 (``stop_before`` minutes before its end)."""
        found = []
        for start, end in self.periods:
            stop = _minus(end, self.stop_before)
            if stop > start:
                found.append((start, stop))
        return found

    def opens(self) -> time | None:
        return self.periods[0][0] if self.periods else None


@dataclass(frozen=True)
class Floor:
    """What the hours of any day depend on, loaded once for a request."""

    center: Center
    hours: Hours
    roster: Roster
    calendar: WorkCalendar
    queues: tuple[Queue, ...]

    def day(self, day: date) -> HallDay:
        info = self.calendar.day_info(day)
        stop = self.hours.stop_before
        if info.workday:
            bookable = self.roster.periods + self.roster.extended
            return HallDay(day=day, periods=self.hours.periods, queues=None, reason="", stop_before=stop,
                           booking_end=_last_end(bookable))
        if duty_saturday(self.roster, info):
            on_duty = frozenset(q.code for q in self.queues if any(w in self.roster.saturday_windows for w in q.windows))
            return HallDay(day=day, periods=self.hours.saturday_periods, queues=on_duty, reason="周六值班", stop_before=stop,
                           booking_end=_last_end(self.roster.saturday_periods))
        return HallDay(day=day, periods=(), queues=frozenset(), reason=info.reason.split("（暂定")[0], stop_before=stop,
                       booking_end=None)


async def load(center: Center) -> Floor:
    rules = await current_roster(center)
    return Floor(center=center, hours=hours_of(center, rules), roster=rules, calendar=await calendar_for(center),
                 queues=tuple(await queues(center)))


def hours_of(center: Center, rules: Roster) -> Hours:
    """``settings.hallFloor.hours``, with its defaults (the center's office hours; the roster's Saturday)."""
    doc = conf(center).get("hours") or {}
    periods = _periods(doc.get("periods") or center.office_hours or DEFAULT_PERIODS)
    saturday = doc.get("saturdayPeriods")
    return Hours(periods=periods,
                 saturday_periods=_periods(saturday) if saturday else _joined(_periods(rules.saturday_periods)) or periods,
                 stop_before=int(doc.get("stopBefore", 0)))


def _periods(texts: Iterable[str]) -> tuple[Period, ...]:
    return tuple(sorted(parse_period(t) for t in texts))


def _joined(periods: Sequence[Period]) -> tuple[Period, ...]:
    """Booking periods as opening hours: ``09:00-10:00`` and ``10:00-11:00`` are ``09:00-11:00``."""
    out: list[Period] = []
    for start, end in sorted(periods):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(end, out[-1][1]))
        else:
            out.append((start, end))
    return tuple(out)


def _last_end(texts: Iterable[str]) -> time | None:
    ends = [parse_period(t)[1] for t in texts]
    return max(ends) if ends else None


def _minus(moment: time, minutes: int) -> time:
    total = max(moment.hour * 60 + moment.minute - minutes, 0)
    return time(total // 60, total % 60)


def hm(moment: time) -> str:
    """``9:00``, ``13:30``: a time as the hall's notices write it."""
    return f"{moment.hour}:{moment.minute:02d}"


def span_text(periods: Iterable[Period]) -> str:
    """``9:00–12:00、13:30–17:00``."""
    return "、".join(f"{hm(a)}–{hm(b)}" for a, b in periods)


def when_text(moment: datetime) -> str:
    """``2026年11月30日（星期一）9:00``."""
    local = moment.astimezone(CENTER_TZ)
    return f"{cn_date(local.date())}（星期{WEEKDAYS[local.weekday()]}）{hm(local.time())}"


def _local(moment: datetime) -> tuple[date, time]:
    local = moment.astimezone(CENTER_TZ)
    return local.date(), local.time()


def is_open(hall_day: HallDay, at: time, queue: str | None) -> bool:
    return hall_day.serves(queue) and any(start <= at < stop for start, stop in hall_day.ticket_periods())


def next_open(floor: Floor, moment: datetime, queue: str | None = None) -> datetime | None:
    """The first moment (UTC) at or after ``moment`` when the kiosk gives numbers of ``queue`` (``None``:
    of any queue); ``None`` when no day within :data:`SEARCH_DAYS` opens."""
    today, at = _local(moment)
    for offset in range(SEARCH_DAYS):
        day = today + timedelta(days=offset)
        hall_day = floor.day(day)
        if not hall_day.serves(queue):
            continue
        for start, stop in hall_day.ticket_periods():
            if offset == 0 and at >= stop:
                continue
            if offset == 0 and at >= start:
                return moment.astimezone(timezone.utc)
            return datetime.combine(day, start, tzinfo=CENTER_TZ).astimezone(timezone.utc)
    return None


@dataclass(frozen=True)
class Status:
    """The kiosk now: open or not, and if not, why and until when, in words."""

    open: bool
    message: str
    next_open: datetime | None


def status(floor: Floor, moment: datetime, queue: Queue | None = None) -> Status:
    """Whether a number of ``queue`` (``None``: of any queue) is given at ``moment``; if not, the
    Chinese message the applicant reads, with the next opening."""
    today, at = _local(moment)
    hall_day = floor.day(today)
    code = queue.code if queue else None
    if is_open(hall_day, at, code):
        return Status(True, "", None)
    upcoming = next_open(floor, moment, code)
    then = f"下一个办公时间：{when_text(upcoming)}" if upcoming else "暂无下一个办公时间的安排，请留意本中心公告"
    periods = hall_day.ticket_periods()
    if not hall_day.periods:
        why = f"本中心今日不办公（{hall_day.reason}）"
    elif not hall_day.serves(code):
        why = f"今天是值班周六，“{queue.name}”业务不办理" if queue else "今天是值班周六，没有值班的业务"
    elif not periods or at >= periods[-1][1]:
        last_end = hall_day.periods[-1][1]
        why = "本中心今日已停止取号" + (f"（{hm(periods[-1][1])}起停止取号）" if periods and at < last_end else "")
    elif at < periods[0][0]:
        why = f"本中心今日尚未开始取号（{hm(periods[0][0])}开始取号）"
    else:
        stop = max(s for _, s in periods if s <= at)
        resume = min(a for a, _ in periods if a > at)
        why = f"本中心{hm(stop)}至{hm(resume)}暂停取号"
    return Status(False, f"{why}，{then}", upcoming)


def closed(message: str, path: str) -> UserErrorsException:
    return UserErrorsException.single("closed", message, path)


def check_walk_in(floor: Floor, queue: Queue, moment: datetime) -> None:
    """Refuses (``closed``, at ``/queue``) a number of ``queue`` outside the hall's hours."""
    found = status(floor, moment, queue)
    if not found.open:
        raise closed(found.message, "/queue")


def may_look_up_booking(floor: Floor, moment: datetime) -> None:
    """Before a 预约码 is looked up (and a wrong one counted): refuses (``closed``, at
    ``/bookingCode``) when no booking's ticket could be taken now: the hall closed today, not yet
    open, or past both its 停止取号 and the end of the day's last bookable period."""
    today, at = _local(moment)
    hall_day = floor.day(today)
    if is_open(hall_day, at, None):
        return
    opens = hall_day.opens()
    if opens is not None and hall_day.booking_end is not None and opens <= at < hall_day.booking_end:
        return
    raise closed(status(floor, moment).message, "/bookingCode")


def check_booking(floor: Floor, queue: Queue, period: str, moment: datetime, path: str) -> None:
    """Refuses (``closed``) a booking's ticket outside the hall's hours, unless the hall has opened
    today and the booked ``period`` has not ended (the booking is today's: checked before)."""
    today, at = _local(moment)
    hall_day = floor.day(today)
    if is_open(hall_day, at, queue.code):
        return
    opens = hall_day.opens()
    if opens is not None and opens <= at < parse_period(period)[1]:
        return
    raise closed(status(floor, moment, queue).message, path)


@dataclass(frozen=True)
class Board:
    """The kiosk's notice of hours (``hallHours``)."""

    status: Status
    open_queues: list[str]
    today: list[str]
    periods: list[str]
    saturday_periods: list[str]
    stop_before: int
    text: str


def _strings(periods: Iterable[Period]) -> list[str]:
    return [f"{a:%H:%M}-{b:%H:%M}" for a, b in periods]


async def board(center: Center, moment: datetime) -> Board:
    """What the kiosk shows: the hours in words, today's, and whether (and which queues) it gives numbers now."""
    floor = await load(center)
    today, at = _local(moment)
    hall_day = floor.day(today)
    hours = floor.hours
    parts = [f"工作日 {span_text(hours.periods)}"]
    if floor.roster.saturdays:
        parts.append(f"值班周六 {span_text(hours.saturday_periods)}")
    text = "办公时间：" + "；".join(parts)
    if hours.stop_before:
        text += f"（每个时段结束前{hours.stop_before}分钟停止取号）"
    return Board(
        status=status(floor, moment),
        open_queues=[q.code for q in floor.queues if is_open(hall_day, at, q.code)],
        today=_strings(hall_day.periods), periods=_strings(hours.periods), saturday_periods=_strings(hours.saturday_periods),
        stop_before=hours.stop_before, text=text,
    )
