"""刷卡考勤: three clock-ins a day (morning start, afternoon start, afternoon end), each made by the
person's own session or a card reader registered at a window, never for someone else. Late, early
and absent half days follow from the center's office hours (the first period is the morning, the
last the afternoon) and its working-day calendar; approved leave covers its half days.

Days count from the day the center began keeping attendance (:func:`attendance_start`), never
before: a center that registers its staff today does not find them all absent for the months
since their posting dates.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from core.api import (
    CENTER_TZ, Actor, Center, Forbidden, NotFound, User, UserErrorsException, Window, calendar_for, closed_window_error, now,
    parse_period,
)

from .leave import approved_halves
from .models import SLOTS, ClockDevice, ClockIn, StaffRecord
from .register import KEEPERS, is_overseer, record_of, staff_center


def office_periods(center: Center) -> tuple[tuple[time, time], tuple[time, time]]:
    """(morning, afternoon) office hours."""
    periods = [parse_period(p) for p in (center.office_hours or ["09:00-12:00", "13:30-17:00"])]
    return periods[0], periods[-1]


async def _clock(center: Center, user: User, device: ClockDevice | None) -> ClockIn:
    at = now()
    local = at.astimezone(CENTER_TZ)
    day, moment = local.date(), local.time()
    (_, am_end), (_, pm_end) = office_periods(center)
    taken = set(await ClockIn.filter(center_id=center.id, user_id=user.id, day=day).values_list("slot", flat=True))
    if moment < am_end:
        slot = "am_in"
    elif "pm_in" not in taken and moment < pm_end:
        slot = "pm_in"
    else:
        slot = "pm_out"
    if slot in taken:
        raise UserErrorsException.single("already_clocked", f"今天已刷过“{SLOTS[slot]}”卡", None)
    return await ClockIn.create(center=center, user=user, day=day, slot=slot, at=at, device=device)


async def clock_in(actor: Actor, center_code: str, username: str | None = None) -> ClockIn:
    """The actor's own clock-in. Naming anyone else is refused (不得代刷)."""
    center = await staff_center(center_code)
    user = actor.require_login()
    if username is not None and username.strip() != user.username:
        raise UserErrorsException.single("not_yourself", "一人一卡，不得代他人刷卡", "/username")
    if await record_of(center, user.id) is None:
        raise Forbidden("您不在本中心人员名册中，不能在此刷卡")
    return await _clock(center, user, None)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def device_clock_in(device_token: str, card: str) -> ClockIn:
    """A card read by a registered device: the card's holder clocks in."""
    device = await ClockDevice.get_or_none(token_hash=_hash(device_token), active=True).select_related("center")
    if device is None:
        raise Forbidden("考勤设备未登记或已停用")
    center = await staff_center(device.center.code)
    record = await StaffRecord.get_or_none(center_id=center.id, card=card.strip()).select_related("user")
    if record is None:
        raise NotFound("考勤卡未登记")
    return await _clock(center, record.user, device)


async def register_device(actor: Actor, center_code: str, window_code: str, name: str) -> tuple[ClockDevice, str]:
    """A card reader at a window, with its token (shown once)."""
    center = await staff_center(center_code)
    actor.require(center.id, *KEEPERS)
    window = await Window.get_or_none(center_id=center.id, code=window_code)
    if window is None:
        raise UserErrorsException.single("unknown_window", f"本中心没有窗口“{window_code}”", "/window")
    if closed := closed_window_error(window, "/window", doing="登记考勤设备"):
        raise UserErrorsException([closed])
    if not name.strip():
        raise UserErrorsException.single("required", "请填写设备名称", "/name")
    token = secrets.token_urlsafe(32)
    device = await ClockDevice.create(center=center, window=window, name=name.strip()[:64], token_hash=_hash(token))
    device.window = window
    return device, token


async def list_devices(actor: Actor, center_code: str) -> list[ClockDevice]:
    center = await staff_center(center_code)
    actor.require(center.id, *KEEPERS)
    return await ClockDevice.filter(center_id=center.id).select_related("window").order_by("id")


# --- the monthly sheet ----------------------------------------------------------------------------

MARKS = {"ok": "√", "late": "迟到", "early": "早退", "absent": "旷工", "leave": "请假", "rest": "休", "future": ""}


@dataclass
class Half:
    status: str  # ok, late, absent, leave, future
    leave_kind: str | None = None


@dataclass
class DaySheet:
    day: date
    workday: bool
    am: Half
    pm: Half
    early: bool
    clock_ins: dict[str, datetime] = field(default_factory=dict)


@dataclass
class PersonMonth:
    record: StaffRecord
    days: list[DaySheet]
    counted_from: date | None = None  # see counted_from()

    def halves(self) -> list[Half]:
        return [h for d in self.days if d.workday for h in (d.am, d.pm)]

    @property
    def absent_days(self) -> float:
        return sum(1 for h in self.halves() if h.status == "absent") / 2

    def leave_days(self, *kinds: str) -> float:
        return sum(1 for h in self.halves() if h.status == "leave" and h.leave_kind in kinds) / 2

    @property
    def late(self) -> int:
        return sum(1 for h in self.halves() if h.status == "late")

    @property
    def early(self) -> int:
        return sum(1 for d in self.days if d.early)


@dataclass(frozen=True)
class AttendanceStart:
    """The first day a center's attendance counts (None: not yet, nobody has clocked in) and why.

    Begun by a first clock-in, that day counts only for those who clocked in on it (``opened_by``,
    user ids); for everyone else counting begins on the next working day (``others_from``). Begun in
    the afternoon (no morning clock-in that day: the reader was not there yet), that day's morning
    counts for nobody (``afternoon_only``)."""

    day: date | None
    source: str  # "setting" (settings.staff.attendanceFrom), "first_clock_in" or "none"
    opened_by: frozenset[int] = frozenset()
    others_from: date | None = None  # None: the same day as everyone's
    afternoon_only: bool = False

    def counts(self, day: date, half: str) -> bool:
        """Whether ``day``'s ``half`` (am, pm) is after the start, as far as the center goes."""
        return not (self.afternoon_only and half == "am" and day == self.day)


async def attendance_start(center: Center) -> AttendanceStart:
    """``settings.staff.attendanceFrom`` when the center set it, else the day of the center's first
    clock-in: before a center keeps attendance, nobody's days count as attended or absent. A first
    clock-in (a new card reader's first swipe) is that person's: nobody else is absent on its day,
    when they had nothing to swipe on yet; made in the afternoon, nobody is absent that morning."""
    configured = ((center.settings or {}).get("staff") or {}).get("attendanceFrom")
    if configured:
        try:
            return AttendanceStart(date.fromisoformat(configured), "setting")
        except ValueError:  # the center file's pattern lets "2026-02-30" through: as if unset
            pass
    first = await ClockIn.filter(center_id=center.id).order_by("day").first()
    if first is None:
        return AttendanceStart(None, "none")
    opening = await ClockIn.filter(center_id=center.id, day=first.day).values_list("user_id", "slot")
    following = (await calendar_for(center)).add_working_days(first.day, 1, explain=False).due
    afternoon = all(slot != "am_in" for _, slot in opening)
    return AttendanceStart(day=first.day, source="first_clock_in", opened_by=frozenset(u for u, _ in opening),
                           others_from=following, afternoon_only=afternoon)


def counted_from(record: StaffRecord, start: AttendanceStart) -> date | None:
    """The first day of ``record``'s that counts: its posting date, not before the center's start
    (for someone who did not clock in on a first clock-in's day, not before the next working day)."""
    if start.day is None:
        return None
    begun = start.day
    if start.others_from is not None and record.user_id not in start.opened_by:  # type: ignore[attr-defined]
        begun = start.others_from
    return max(record.posted_on, begun)


def _half(day: date, half: str, today: date, counted: date | None, leave: dict[tuple[date, str], str],
          clocked: datetime | None, start: time, begun: AttendanceStart) -> Half:
    if (day, half) in leave:
        return Half("leave", leave[(day, half)])
    if day >= today or counted is None or day < counted or not begun.counts(day, half):
        return Half("future")
    if clocked is None:
        return Half("absent")
    return Half("late" if clocked.astimezone(CENTER_TZ).time() > start else "ok")


async def sheets(center: Center, records: list[StaffRecord], first: date, last: date) -> list[PersonMonth]:
    """Each person's days from ``first`` to ``last``: only days before today count as attended or
    absent, and only from the posting date on, once the center keeps attendance (:func:`counted_from`)."""
    calendar = await calendar_for(center)
    begun = await attendance_start(center)
    (am_start, _), (pm_start, pm_end) = office_periods(center)
    today = now().astimezone(CENTER_TZ).date()
    ids = [r.user_id for r in records]  # type: ignore[attr-defined]
    leave = await approved_halves(center, first, last, ids)
    clocks: dict[tuple[int, date], dict[str, datetime]] = {}
    for c in await ClockIn.filter(center_id=center.id, user_id__in=ids, day__gte=first, day__lte=last):
        clocks.setdefault((c.user_id, c.day), {})[c.slot] = c.at  # type: ignore[attr-defined]
    out = []
    for record in records:
        own_leave = leave.get(record.user_id, {})  # type: ignore[attr-defined]
        counted = counted_from(record, begun)
        days: list[DaySheet] = []
        day = first
        while day <= last:
            got = clocks.get((record.user_id, day), {})  # type: ignore[attr-defined]
            if not calendar.is_workday(day):
                rest = Half("rest")
                days.append(DaySheet(day=day, workday=False, am=rest, pm=rest, early=False, clock_ins=got))
            else:
                am = _half(
                    day=day,
                    half="am",
                    today=today,
                    counted=counted,
                    leave=own_leave,
                    clocked=got.get("am_in"),
                    start=am_start,
                    begun=begun,
                )
                pm = _half(
                    day=day,
                    half="pm",
                    today=today,
                    counted=counted,
                    leave=own_leave,
                    clocked=got.get("pm_in"),
                    start=pm_start,
                    begun=begun,
                )
                out_at = got.get("pm_out")
                early = pm.status in ("ok", "late") and (out_at is None or out_at.astimezone(CENTER_TZ).time() < pm_end)
                days.append(DaySheet(day=day, workday=True, am=am, pm=pm, early=early, clock_ins=got))
            day += timedelta(days=1)
        out.append(PersonMonth(record, days, counted))
    return out


def month_bounds(month: str) -> tuple[date, date]:
    try:
        year, number = (int(x) for x in month.split("-"))
        first = date(year, number, 1)
    except ValueError:
        raise UserErrorsException.single("format.month", "月份格式应为 YYYY-MM", "/month")
    if not 2000 <= year <= 2100:  # the years staffYearStanding takes; 9999-12 has no next month to end at
        raise UserErrorsException.single("range", "年份不正确（2000至2100年）", "/month")
    last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    return first, last


async def visible_records(actor: Actor, center: Center, username: str | None = None) -> list[StaffRecord]:
    """Overseers see everyone (or the one named); others only themselves."""
    user = actor.require_login()
    query = StaffRecord.filter(center_id=center.id)
    if not await is_overseer(actor, center):
        if username is not None and username != user.username:
            raise Forbidden("只能查看本人的考勤")
        username = user.username
    if username:
        query = query.filter(user__username=username)
    return await query.select_related("user", "department", "window").order_by("user__username")


async def month_sheet(actor: Actor, center_code: str, month: str, username: str | None = None) -> list[PersonMonth]:
    center = await staff_center(center_code)
    first, last = month_bounds(month)
    return await sheets(center, await visible_records(actor, center, username), first, last)


async def start_of(actor: Actor, center_code: str) -> AttendanceStart:
    """:func:`attendance_start` of the center, for anyone signed in there."""
    center = await staff_center(center_code)
    actor.require_login()
    return await attendance_start(center)


async def today(actor: Actor, center_code: str) -> list[ClockIn]:
    """The actor's clock-ins of today."""
    center = await staff_center(center_code)
    user = actor.require_login()
    day = now().astimezone(CENTER_TZ).date()
    return await ClockIn.filter(center_id=center.id, user_id=user.id, day=day).order_by("at")
