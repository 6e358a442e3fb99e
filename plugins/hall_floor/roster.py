"""值班表与预约: the duty roster says which periods are open on which days, bookings fill them.

The roster in force is the one saved on the supervisor's screen (:mod:`.roster_edit`), else
``settings.hallFloor.roster`` of the center file::

    {"capacity": 3, "daysAhead": 14,
     "periods": ["09:00-10:00", ...],              # ordinary working days
     "extendedPeriods": ["12:00-13:30", ...],      # 错时/延时服务 on working days
     "saturdays": "every" | ["2026-12-05", ...],   # 周六轮值: the duty Saturdays
     "saturdayPeriods": ["09:00-10:00", ...], "saturdayWindows": ["ZH01"],
     "queues": ["A", "B"]}                          # the bookable queues (default: all)

A duty Saturday opens only the queues with a window on duty; a holiday stays closed (a make-up
working Saturday is an ordinary working day). Capacity holds under concurrent bookings: each
period's slot row is raised by one upsert only while below capacity, and one person holds at most
one place per slot (a unique key), both inside the booking's transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from core.api import (
    CENTER_TZ,
    Actor,
    Center,
    DayInfo,
    Forbidden,
    NotFound,
    UserError,
    UserErrorsException,
    calendar_for,
    claim_place,
    cn_date,
    local_today,
    lock_scope,
    now,
    parse_period,
    release_place,
    send_sms,
)

from .booking_codes import new_code
from .floor import STAFF, Queue, conf, floor_center, queue, queues
from .models import Booking, BookingSlot, StoredRoster

PERIODS = ("09:00-10:00", "10:00-11:00", "11:00-12:00", "14:00-15:00", "15:00-16:00", "16:00-17:00")


@dataclass(frozen=True)
class Roster:
    capacity: int
    days_ahead: int
    periods: tuple[str, ...]
    extended: tuple[str, ...]
    saturdays: str | frozenset[str]
    saturday_periods: tuple[str, ...]
    saturday_windows: tuple[str, ...]
    queues: tuple[str, ...] | None


@dataclass(frozen=True)
class Slot:
    period: str
    extended: bool
    capacity: int
    booked: int
    closed: str = ""
    """Why the slot cannot be booked (its day or its time is past, it is full); empty when it can."""


def roster(center: Center, stored: Mapping[str, Any] | None = None) -> Roster:
    """The center's roster: the one saved on the supervisor's screen (``stored``), else the center file's."""
    doc: Mapping[str, Any] = stored if stored is not None else conf(center).get("roster") or {}
    saturdays = doc.get("saturdays", ())
    return Roster(
        capacity=int(doc.get("capacity", 3)), days_ahead=int(doc.get("daysAhead", 14)),
        periods=tuple(doc.get("periods", PERIODS)), extended=tuple(doc.get("extendedPeriods", ())),
        saturdays="every" if saturdays == "every" else frozenset(saturdays),
        saturday_periods=tuple(doc.get("saturdayPeriods", ())), saturday_windows=tuple(doc.get("saturdayWindows", ())),
        queues=tuple(doc["queues"]) if doc.get("queues") else None,
    )


ROSTER_LOCK = "hall_floor.roster"
"""Bookings hold it shared while they check the roster; saving a roster holds it exclusively."""


async def current_roster(center: Center) -> Roster:
    """The roster in force: the stored one (:class:`.models.StoredRoster`) if any, else the center file's."""
    stored = await StoredRoster.get_or_none(center_id=center.id)
    return roster(center, stored.document if stored else None)


async def open_periods(
    center: Center, found: Queue, day: date, rules: Roster | None = None,
) -> tuple[tuple[str, ...], Roster, str]:
    """The periods of ``day`` open for the queue under ``rules`` (default: the roster in force), the
    roster, and why closed when none is."""
    rules = rules or await current_roster(center)
    if rules.queues is not None and found.code not in rules.queues:
        return (), rules, f"“{found.name}”业务不接受预约"
    info = (await calendar_for(center)).day_info(day)
    if info.workday:
        return rules.periods + rules.extended, rules, ""
    if duty_saturday(rules, info):
        if any(w in rules.saturday_windows for w in found.windows):
            return rules.saturday_periods, rules, ""
        return (), rules, f"{cn_date(day)}（周六值班）“{found.name}”窗口不值班"
    return (), rules, f"{cn_date(day)}不是工作日（{info.reason}），也不是值班的周六"


def duty_saturday(rules: Roster, info: DayInfo) -> bool:
    """A Saturday of the roster's duty (周六轮值): an ordinary weekend Saturday the roster lists (or
    every one); a holiday stays closed, a make-up working Saturday is an ordinary working day."""
    day = info.day
    listed = rules.saturdays == "every" or day.isoformat() in rules.saturdays
    return not info.workday and day.weekday() == 5 and info.reason.startswith("周末") and listed


OWN_BOOKING = "您已预约该时段，无需重复预约"


async def slots(center_code: str, queue_code: str, day: date, user_id: int | None = None) -> tuple[list[Slot], str]:
    """The slots of a day with their counts (anyone may look); a slot bookHallSlot would refuse (a
    past day or period, a day beyond the horizon, the caller ``user_id``'s own place in it, a full
    slot) says why in ``closed``, in the order :func:`book` checks them."""
    center = await floor_center(center_code)
    found = await queue(center, queue_code)
    periods, rules, why = await open_periods(center, found, day)
    keys = {f"{found.code} {day.isoformat()} {p}": p for p in periods}
    counts = {r.slot: r.booked for r in await BookingSlot.filter(center=center, slot__in=list(keys))}
    own: set[str] = set()
    if user_id is not None and keys:  # the unique key book() relies on: a place held (booked or arrived)
        own = set(await Booking.filter(center=center, slot__in=list(keys), holder=user_id).values_list("slot", flat=True))
    moment = now().astimezone(CENTER_TZ)
    refused = _day_refused(rules, day, moment)
    listed = []
    for key, period in keys.items():
        booked = counts.get(key, 0)
        closed = refused.message if refused else _period_over(day, period, moment) or (
            OWN_BOOKING if key in own else "已约满" if booked >= rules.capacity else "")
        listed.append(Slot(period=period, extended=period in rules.extended, capacity=rules.capacity, booked=booked, closed=closed))
    return listed, why or (refused.message if refused else "")


def _day_refused(rules: Roster, day: date, moment: datetime) -> UserError | None:
    """A day before today or beyond the booking horizon (``moment`` in the center's time zone)."""
    if day < moment.date():
        return UserError("past", f"{cn_date(day)}已过，不能预约", "/date")
    if day > moment.date() + timedelta(days=rules.days_ahead):
        return UserError("too_far", f"只能预约{rules.days_ahead}天以内的日期", "/date")
    return None


def _period_over(day: date, period: str, moment: datetime) -> str:
    """Why today's period can no longer be booked (it has ended), or empty."""
    if day == moment.date() and parse_period(period)[1] <= moment.time():
        return f"今天{period}时段已结束，请选择其他时段"
    return ""


async def _errors(center: Center, found: Queue, day: date, period: str) -> tuple[list[UserError], Roster]:
    periods, rules, why = await open_periods(center, found, day)
    moment = now().astimezone(CENTER_TZ)
    refused = _day_refused(rules, day, moment)
    errors = [refused] if refused else []
    if not periods:
        errors.append(UserError("closed", f"该时段不开放预约：{why}", "/date"))
    elif period not in periods:
        errors.append(UserError("closed", f"{cn_date(day)}不开放“{period}”时段，可选：{'、'.join(periods)}", "/period"))
    elif over := _period_over(day, period, moment):
        errors.append(UserError("period_over", over, "/period"))
    return errors, rules


def _duplicate(day: date, period: str) -> UserErrorsException:
    return UserErrorsException.single("duplicate", f"您已预约{cn_date(day)} {period}，无需重复预约", "/period")


async def book(actor: Actor, center_code: str, queue_code: str, day: date, period: str, *, govhall: Any = None) -> Booking:
    """Book a place in an open period of the roster, within its capacity, once per person; the
    booking gets its 预约码 (:mod:`.booking_codes`), which is texted to the booker's phone on record
    once the booking is committed (with ``govhall``)."""
    user = actor.require_login()
    center = await floor_center(center_code)
    found = await queue(center, queue_code)
    period = period.strip()
    key = f"{found.code} {day.isoformat()} {period}"
    try:
        async with in_transaction():
            # the roster is checked and the place taken under the roster's lock: a roster being
            # saved meanwhile waits, then sees this booking (and refuses to strand it)
            await lock_scope(center, ROSTER_LOCK, shared=True)
            errors, rules = await _errors(center, found, day, period)
            if errors:
                raise UserErrorsException(errors)
            if await Booking.exists(center=center, slot=key, holder=user.id):
                raise _duplicate(day, period)
            if not await claim_place(BookingSlot, center, key, rules.capacity):
                raise UserErrorsException.single(
                    "full", f"{cn_date(day)} {period}已约满（每时段{rules.capacity}人），请选择其他时段", "/period")
            # the code's lock (per center and day) is taken last, after the slot's row: a booking holding it
            # never waits for another booking's slot
            booking = await Booking.create(
                center=center, user=user, queue=found.code, day=day, period=period, slot=key, holder=user.id,
                extended=period in rules.extended, code=await new_code(center, day), created_at=now(),
            )
    except IntegrityError:  # the same person booking the same slot at the same moment
        raise _duplicate(day, period) from None
    if govhall is not None and user.phone:
        await send_sms(govhall, center, user.phone, booked_text(center, found, booking))
    return booking


def booked_text(center: Center, found: Queue, booking: Booking) -> str:
    """The booking's SMS: what to type at the kiosk, and when."""
    day = booking.day
    return (f"【{center.name}】您已预约{day.year}年{day.month}月{day.day}日{booking.period}的“{found.name}”业务，"
            f"预约码{booking.code}。当天请在大厅取号机输入预约码取号，预约时段开始后优先叫号。")


async def cancel(actor: Actor, booking_id: Any) -> Booking:
    """The booker or a clerk cancels; the place is freed."""
    user = actor.require_login()
    found = await Booking.get_or_none(id=int(booking_id)).select_related("center") if str(booking_id).isdigit() else None
    if found is None:
        raise NotFound("预约不存在")
    await floor_center(found.center.code)
    if found.user_id != user.id and not actor.has(found.center_id, "clerk", "head"):  # type: ignore[attr-defined]
        raise Forbidden("只能取消本人的预约")
    async with in_transaction():
        if not await Booking.filter(id=found.id, status="booked").update(status="cancelled", holder=None):
            raise UserErrorsException.single("state", "该预约已取消或已取号", "/booking")
        await release_place(BookingSlot, found.center_id, found.slot)  # type: ignore[attr-defined]
    return await Booking.get(id=found.id).select_related("user")


async def list_bookings(actor: Actor, center_code: str, day: date) -> list[Booking]:
    """Staff see the day's bookings; anyone else their own."""
    user = actor.require_login()
    center = await floor_center(center_code)
    query = Booking.filter(center=center, day=day)
    if not actor.has(center.id, *STAFF):
        query = query.filter(user_id=user.id)
    return list(await query.order_by("period", "id").select_related("user"))


async def my_bookings(actor: Actor, center_code: str) -> list[Booking]:
    """The signed-in caller's bookings still booked from today on, by day and period."""
    user = actor.require_login()
    center = await floor_center(center_code)
    rows = await Booking.filter(center=center, user_id=user.id, status="booked", day__gte=local_today()) \
        .order_by("day", "period", "id").select_related("user")
    return list(rows)


def period_start(day: date, period: str, tz: Any) -> datetime:
    return datetime.combine(day, parse_period(period)[0], tzinfo=tz)


async def queue_list(center_code: str) -> tuple[Center, list[Queue]]:
    center = await floor_center(center_code)
    return center, await queues(center)
