"""预约服务和延时服务: booking a period of a working day at the zone (the enterprise zone's rules).

A center tunes it in its file, ``settings.appointments``: ``capacity`` (bookings per period, default
4), ``periods`` (office-hour periods), ``delayedPeriods`` (延时服务 outside office hours) and
``daysAhead`` (how far ahead one may book, default 30), and ``saturdayPeriods``: a center whose windows
keep a Saturday duty roster (周六轮值、预约服务) lists the periods bookable on an ordinary Saturday
(none by default; a Saturday inside a holiday stays closed). Capacity holds under concurrent bookings:
each period of each day has a slot row raised by one upsert only while it is below capacity.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from tortoise.transactions import in_transaction

from core.api import (
    Actor,
    Center,
    CENTER_TZ,
    DayInfo,
    Forbidden,
    NotFound,
    STAFF_ROLES,
    UserError,
    UserErrorsException,
    calendar_for,
    claim_place,
    cn_date,
    latest_version,
    local_today,
    now,
    parse_period,
    release_place,
    require_plugin,
)

from .models import Appointment, AppointmentSlot
from .zone import PLUGIN, public_item, zone_center

PERIODS = ("09:00-10:00", "10:00-11:00", "11:00-12:00", "13:30-14:30", "14:30-15:30", "15:30-17:00")
DELAYED_PERIODS = ("12:00-13:30", "17:00-18:30")
CAPACITY = 4
DAYS_AHEAD = 30


@dataclass(frozen=True)
class BookingRules:
    capacity: int
    periods: tuple[str, ...]
    delayed: tuple[str, ...]
    days_ahead: int
    saturday: tuple[str, ...] = ()

    @property
    def all_periods(self) -> tuple[str, ...]:
        return self.periods + self.delayed

    def periods_on(self, day: date, info: DayInfo) -> tuple[str, ...]:
        """The periods bookable on ``day``: a working day's, a duty Saturday's, or none."""
        if info.workday:
            return self.all_periods
        if day.weekday() == 5 and info.reason.startswith("周末"):
            return self.saturday
        return ()


def booking_rules(center: Center) -> BookingRules:
    conf: Mapping[str, Any] = (center.settings or {}).get("appointments") or {}
    return BookingRules(
        capacity=int(conf.get("capacity", CAPACITY)),
        periods=tuple(conf.get("periods", PERIODS)),
        delayed=tuple(conf.get("delayedPeriods", DELAYED_PERIODS)),
        days_ahead=int(conf.get("daysAhead", DAYS_AHEAD)),
        saturday=tuple(conf.get("saturdayPeriods", ())),
    )


async def _date_errors(center: Center, rules: BookingRules, day: date, period: str) -> list[UserError]:
    """Every reason the day and period cannot be booked (一次性告知)."""
    errors = []
    info = (await calendar_for(center)).day_info(day)
    open_periods = rules.periods_on(day, info)
    if period not in rules.all_periods + rules.saturday:
        errors.append(UserError("period", f"预约时段“{period}”不存在，可选：{'、'.join(open_periods or rules.all_periods)}", "/period"))
    elif open_periods and period not in open_periods:
        errors.append(UserError("period", f"{cn_date(day)}（周六值班）只能预约：{'、'.join(open_periods)}", "/period"))
    today = local_today()
    if day < today:
        errors.append(UserError("past", f"{cn_date(day)}已过，不能预约", "/date"))
    elif day > today + timedelta(days=rules.days_ahead):
        errors.append(UserError("too_far", f"只能预约{rules.days_ahead}天以内的日期", "/date"))
    elif day == today and period in open_periods and parse_period(period)[1] <= now().astimezone(CENTER_TZ).time():
        errors.append(UserError("period_over", f"今天{period}时段已结束，请选择其他时段", "/period"))
    if not open_periods:
        errors.append(UserError("not_workday", f"{cn_date(day)}不是工作日（{info.reason}），请选择工作日", "/date"))
    return errors


async def periods_on(center: Center, day: date) -> tuple[tuple[str, ...], BookingRules]:
    """The periods bookable on ``day`` at the center (empty on a closed day), with its rules."""
    rules = booking_rules(center)
    return rules.periods_on(day, (await calendar_for(center)).day_info(day)), rules


async def book(actor: Actor, center_code: str, item_code: str, day: date, period: str) -> Appointment:
    """Book a period of a working day for an item, within the slot's capacity."""
    user = actor.require_login()
    center = await zone_center(center_code)
    item = public_item(await latest_version(center, item_code))
    rules, period = booking_rules(center), period.strip()
    errors = await _date_errors(center, rules, day, period)
    if errors:
        raise UserErrorsException(errors)
    if rules.capacity < 1:
        raise UserErrorsException.single("closed", "本中心暂未开放预约", "/center")
    duplicate = UserErrorsException.single("duplicate", f"您已预约{cn_date(day)} {period}，无需重复预约", "/period")
    if await Appointment.exists(center=center, user=user, day=day, period=period, status="booked"):
        raise duplicate
    async with in_transaction():
        if not await claim_place(AppointmentSlot, center, f"{day.isoformat()} {period}", rules.capacity):
            raise UserErrorsException.single(
                "full", f"{cn_date(day)} {period}已约满（每时段{rules.capacity}人），请选择其他时段", "/period")
        # asked again once the slot row is ours: a booking of the same person committed meanwhile
        # (six bookings sent at once) is seen now, and this one's place is given back
        if await Appointment.exists(center=center, user=user, day=day, period=period, status="booked"):
            raise duplicate
        return await Appointment.create(
            center=center, user=user, item_code=item.code, item_name=item.name, day=day, period=period,
            delayed=period in rules.delayed, created_at=now(),
        )


async def cancel(actor: Actor, appointment_id: Any) -> Appointment:
    """The booker or a window clerk cancels; the period's place is freed."""
    user = actor.require_login()
    try:
        found = await Appointment.get_or_none(id=int(appointment_id)).select_related("center", "user")
    except (TypeError, ValueError):
        found = None
    if found is None:
        raise NotFound("预约不存在")
    require_plugin(found.center, PLUGIN)
    if found.user_id != user.id and not actor.has(found.center_id, "clerk", "head"):  # type: ignore[attr-defined]
        raise Forbidden("只能取消本人的预约")
    async with in_transaction():
        changed = await Appointment.filter(id=found.id, status="booked").update(status="cancelled")
        if not changed:
            raise UserErrorsException.single("state", "该预约已取消", "/appointment")
        key = f"{found.day.isoformat()} {found.period}"
        await release_place(AppointmentSlot, found.center_id, key)  # type: ignore[attr-defined]
    found.status = "cancelled"
    return found


UPCOMING_LIMIT = 200


async def list_appointments(actor: Actor, center_code: str, day: date | None) -> list[Appointment]:
    """Staff and agents see the day's bookings; anyone else only their own. Without ``day``: those of
    today and later (the first :data:`UPCOMING_LIMIT`), by day and period, so an applicant finds what
    they booked without remembering the date."""
    user = actor.require_login()
    center = await zone_center(center_code)
    if day is not None:
        query = Appointment.filter(center=center, day=day)
    else:
        query = Appointment.filter(center=center, day__gte=local_today()).limit(UPCOMING_LIMIT)
    if not actor.has(center.id, *STAFF_ROLES, "agent"):
        query = query.filter(user_id=user.id)
    return await query.order_by("day", "period", "id").select_related("user")
