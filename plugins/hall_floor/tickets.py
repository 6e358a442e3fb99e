"""排队叫号: tickets taken at the kiosk (or by the clerk), called by windows, finished or skipped.

A window calls only the queues that list it. An appointment's ticket (取号 with a booking) carries
its period's start: from that moment it is called before every ordinary ticket of its queue. Two
windows calling at once never get the same ticket: a ticket is taken by one conditional update.
When a call leaves N tickets ahead of someone who gave a mobile (``nearAhead``), they get an SMS.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from tortoise.expressions import F
from tortoise.transactions import in_transaction

from core.api import (
    CENTER_TZ, Actor, Case, Center, Forbidden, NotFound, Rating, UserError, UserErrorsException, cn_date, is_valid_mobile,
    local_today, next_value, now, parse_period, send_sms, typed_case_number,
)

from . import hours
from .booking_codes import booking_by_code
from .events import announce
from .floor import STAFF, Queue, floor_center, near_ahead, queue, queues, window
from .models import Booking, OnSiteRating, Ticket

DISPLAY_CALLS = 8


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(timezone.utc)


async def take_ticket(
    govhall: Any, actor: Actor, center_code: str, queue_code: str | None, mobile: str = "", booking_id: Any = None,
    booking_code: str | None = None, address: str | None = None,
) -> Ticket:
    """A ticket of the queue for today; anyone at the kiosk may take one, within the hall's hours
    (:mod:`.hours`: refused as ``closed`` with the next opening otherwise). With a booking of this
    queue for today the ticket jumps ahead at the period's start: by its ID (the booker, or a clerk
    for them), or by its 预约码 (``booking_code``, anyone: the public kiosk), which also gives the
    queue; wrong codes are counted per client ``address``."""
    center = await floor_center(center_code)
    mobile = mobile.strip()
    if mobile and not is_valid_mobile(mobile):
        raise UserErrorsException.single("format.mobile", "手机号码应为11位数字，以1开头", "/mobile")
    if booking_code is not None and booking_id:
        raise UserErrorsException.single("conflict", "凭预约取号时只需填写预约码", "/bookingCode")
    booking: Booking | None = None
    taken = now()
    floor = await hours.load(center)
    if booking_code is not None:
        hours.may_look_up_booking(floor, taken)  # a closed hall: no code is looked up (nor a wrong one counted)
        coded = await booking_by_code(center, booking_code, address)
        found, booking = await queue(center, coded.queue), coded
        hours.check_booking(floor, found, period=booking.period, moment=taken, path="/bookingCode")
    elif not queue_code:
        raise UserErrorsException.single("required", "请选择办理的业务", "/queue")
    else:
        found = await queue(center, queue_code)
        booking = await _booking_for(actor, center, found, booking_id) if booking_id else None
        if booking is not None:
            hours.check_booking(floor, found, period=booking.period, moment=taken, path="/booking")
        else:
            hours.check_walk_in(floor, found, taken)
    day = local_today(taken)
    due = None
    if booking is not None:
        due = datetime.combine(day, parse_period(booking.period)[0], tzinfo=CENTER_TZ)
    async with in_transaction():
        if booking is not None:
            if not await Booking.filter(id=booking.id, status="booked").update(status="arrived"):
                where = "/bookingCode" if booking_code is not None else "/booking"
                raise UserErrorsException.single("booking_used", "该预约已取号，不能重复取号", where)
        seq = await next_value(f"hall_floor:{center.id}:{day.isoformat()}:{found.code}")
        return await Ticket.create(
            center=center, queue=found.code, day=day, number=f"{found.code}{seq:03d}", mobile=mobile,
            booking=booking, due_at=_utc(due) if due else None, taken_at=taken,
        )


async def _booking_for(actor: Actor, center: Center, found: Queue, booking_id: Any) -> Booking:
    try:
        booking = await Booking.get_or_none(id=int(booking_id), center=center)
    except (TypeError, ValueError):
        booking = None
    if booking is None:
        raise UserErrorsException.single("unknown_booking", "预约不存在", "/booking")
    user = actor.user
    if (user is None or booking.user_id != user.id) and not actor.has(center.id, *STAFF):  # type: ignore[attr-defined]
        raise Forbidden("只能凭本人的预约取号")
    problems = []
    if booking.queue != found.code:
        problems.append(("booking_queue", f"该预约是“{booking.queue}”类业务，请取对应的号"))
    if booking.day != local_today():
        problems.append(("booking_day", f"该预约的日期是{cn_date(booking.day)}，不是今天"))
    if booking.status != "booked":
        problems.append(("booking_used", "该预约已取号或已取消"))
    if problems:
        raise UserErrorsException([UserError(c, m, "/booking") for c, m in problems])
    return booking


async def _window_queues(actor: Actor, center_code: str, window_code: str) -> tuple[Center, list[Queue]]:
    center = await floor_center(center_code)
    actor.require(center.id, "clerk", "head")
    await window(center, window_code)
    served = [q for q in await queues(center) if window_code in q.windows]
    return center, served


def _order(tickets: list[Ticket], now: datetime) -> list[Ticket]:
    """Appointment tickets whose time has come first (by their time), then the rest as taken."""
    due = sorted((t for t in tickets if t.due_at and t.due_at <= now), key=lambda t: (t.due_at, t.id))
    rest = sorted((t for t in tickets if not (t.due_at and t.due_at <= now)), key=lambda t: (t.taken_at, t.id))
    return due + rest


async def waiting(center: Center, queue_codes: list[str]) -> list[Ticket]:
    """Today's waiting tickets of these queues, in calling order."""
    rows = await Ticket.filter(center=center, day=local_today(), queue__in=queue_codes, status="waiting")
    return _order(list(rows), now())


async def _mark_called(ticket: Ticket, window_code: str, actor: Actor) -> bool:
    moment = now()
    changed = await Ticket.filter(id=ticket.id, status="waiting").update(
        status="called", called_at=moment, last_call_at=moment, window_code=window_code, called_by_id=actor.user.id,  # type: ignore[union-attr]
        calls=F("calls") + 1,
    )
    return bool(changed)


async def call_next(govhall: Any, actor: Actor, center_code: str, window_code: str) -> Ticket:
    """The window calls the next ticket of the queues it serves."""
    center, served = await _window_queues(actor, center_code, window_code)
    if not served:
        raise UserErrorsException.single("no_queue", f"窗口{window_code}未配置叫号业务", "/window")
    for _ in range(10):  # another window may take the first candidate: take the next
        candidates = await waiting(center, [q.code for q in served])
        if not candidates:
            raise UserErrorsException.single("empty", "当前没有等候的号", "/window")
        if await _mark_called(candidates[0], window_code, actor):
            return await _after_call(govhall, center, candidates[0].id, window_code)
    raise UserErrorsException.single("busy", "叫号繁忙，请重试", "/window")


async def _ticket(center: Center, ticket_id: Any) -> Ticket:
    try:
        found = await Ticket.get_or_none(id=int(ticket_id), center=center)
    except (TypeError, ValueError):
        found = None
    if found is None:
        raise NotFound("排队号不存在")
    return found


async def call_ticket(govhall: Any, actor: Actor, center_code: str, window_code: str, ticket_id: Any) -> Ticket:
    """The window calls one waiting ticket (a skipped one coming back is taken again first)."""
    center, served = await _window_queues(actor, center_code, window_code)
    ticket = await _ticket(center, ticket_id)
    if ticket.day != local_today():
        raise UserErrorsException.single(
            "expired", f"{ticket.number}是{cn_date(ticket.day)}的排队号，已过期，不能叫号", "/ticket")
    if ticket.queue not in {q.code for q in served}:
        names = "、".join(q.name for q in served) or "无"
        raise UserErrorsException.single(
            "wrong_queue", f"{ticket.number}不是本窗口办理的业务（本窗口：{names}），请到对应窗口叫号", "/ticket")
    if ticket.status == "skipped":
        await Ticket.filter(id=ticket.id, status="skipped").update(status="waiting")
    elif ticket.status != "waiting":
        raise UserErrorsException.single("state", f"{ticket.number}已叫号或已办结", "/ticket")
    if not await _mark_called(ticket, window_code, actor):
        raise UserErrorsException.single("state", f"{ticket.number}已被其他窗口叫号", "/ticket")
    return await _after_call(govhall, center, ticket.id, window_code)


async def _after_call(govhall: Any, center: Center, ticket_id: int, window_code: str, recall: bool = False) -> Ticket:
    ticket = await Ticket.get(id=ticket_id)
    await announce(govhall, center, "hall_ticket_called", ticket=ticket, window=window_code, recall=recall)
    if not recall:
        await _notify_near(govhall, center, ticket.queue)
    return ticket


async def _own_called(actor: Actor, center_code: str, window_code: str, ticket_id: Any) -> tuple[Center, Ticket]:
    center, _ = await _window_queues(actor, center_code, window_code)
    ticket = await _ticket(center, ticket_id)
    if ticket.status != "called" or ticket.window_code != window_code:
        raise UserErrorsException.single("state", f"{ticket.number}不是本窗口正在办理的号", "/ticket")
    return center, ticket


async def recall(govhall: Any, actor: Actor, center_code: str, window_code: str, ticket_id: Any) -> Ticket:
    """重呼: the display shows the number again."""
    center, ticket = await _own_called(actor, center_code, window_code, ticket_id)
    if ticket.day != local_today():  # finishing it stays allowed: the window closes what it left open
        raise UserErrorsException.single(
            "expired", f"{ticket.number}是{cn_date(ticket.day)}的排队号，已过期，不能重呼；请点“办结”或“过号”结束它", "/ticket")
    await Ticket.filter(id=ticket.id).update(calls=F("calls") + 1, last_call_at=now())
    return await _after_call(govhall, center, ticket.id, window_code, recall=True)


async def skip(actor: Actor, center_code: str, window_code: str, ticket_id: Any) -> Ticket:
    """过号: the visitor did not come; a window may call the ticket again later, today. A number left
    called since an earlier day may be skipped too (the window closes what it left open), but it
    never comes back: :func:`call_ticket` refuses it as expired and :func:`waiting` lists only today's."""
    _, ticket = await _own_called(actor, center_code, window_code, ticket_id)
    await Ticket.filter(id=ticket.id, status="called").update(status="skipped")
    return await Ticket.get(id=ticket.id)


async def transfer(actor: Actor, center_code: str, window_code: str, ticket_id: Any, queue_code: str) -> Ticket:
    """转窗: the visitor at the window needs another queue's windows (a tax question at the comprehensive
    window). The ticket, with its number, goes back to waiting in that queue, in its place by the time it
    was taken (ahead of everyone who came later): nobody takes a new number and queues again."""
    center, ticket = await _own_called(actor, center_code, window_code, ticket_id)
    if ticket.day != local_today():
        raise UserErrorsException.single(
            "expired", f"{ticket.number}是{cn_date(ticket.day)}的排队号，已过期，不能转窗；请点“办结”或“过号”结束它", "/ticket")
    target = await queue(center, queue_code)
    if target.code == ticket.queue:
        raise UserErrorsException.single("same_queue", f"{ticket.number}已在“{target.code} {target.name}”队列，请选择其他业务", "/queue")
    if not target.windows:
        raise UserErrorsException.single("no_window", f"“{target.code} {target.name}”没有办理窗口，不能转入", "/queue")
    # the window that called it stays on it (its wait counts there) until a window of the new queue calls it
    # the receiving windows see where it comes from (转入自 …): the latest transfer, if it is sent on again
    if not await Ticket.filter(id=ticket.id, status="called", window_code=window_code).update(
            status="waiting", queue=target.code, transferred_from=window_code, transferred_from_queue=ticket.queue,
            transferred_at=now()):
        raise UserErrorsException.single("state", f"{ticket.number}不是本窗口正在办理的号", "/ticket")
    return await Ticket.get(id=ticket.id)


async def finish(actor: Actor, center_code: str, window_code: str, ticket_id: Any, case_id: Any = None) -> Ticket:
    """办结: the service time ends; the case served (if any) is linked for the rating tablet."""
    center, ticket = await _own_called(actor, center_code, window_code, ticket_id)
    case_pk = None
    if case_id:
        # the clerk knows the case by its number (LZ-20261129-000005), a client by its ID
        key = str(case_id).strip()
        case = await Case.get_or_none(id=int(key), center_id=center.id) if key.isdigit() else None
        if case is None and not key.isdigit():
            case = await Case.get_or_none(number=typed_case_number(key), center_id=center.id)
        if case is None:
            raise UserErrorsException.single("unknown_case", f"办件“{key}”不存在或不属于本中心，请核对办件编号", "/case")
        case_pk = case.id
    await Ticket.filter(id=ticket.id, status="called").update(
        status="done", finished_at=now(), case_id=case_pk)
    return await Ticket.get(id=ticket.id)


async def _notify_near(govhall: Any, center: Center, queue_code: str) -> None:
    """前面还有 N 人: the ticket with exactly N ahead, once."""
    ahead = near_ahead(center)
    line = await waiting(center, [queue_code])
    if len(line) <= ahead:
        return
    ticket = line[ahead]
    if not ticket.mobile or ticket.near_notified:
        return
    if await Ticket.filter(id=ticket.id, near_notified=False).update(near_notified=True):
        await send_sms(govhall, center, ticket.mobile,
                       f"【{center.name}】您的排队号{ticket.number}前面还有{ahead}人，请留意叫号，及时到窗口办理。")


LEFTOVER_SHOWN = 50  # the oldest first: closing them shows the next ones


@dataclass(frozen=True)
class WindowView:
    """What the window screen shows."""

    current: list[Ticket]
    """Today's tickets the window is serving (called, not finished)."""
    waiting: list[Ticket]
    """Today's waiting line of its queues, in calling order."""
    last_done: Ticket | None
    """The last ticket it finished today that can still be rated (what its rating tablet asks about): not
    rated on site, and not finished with a case its applicant already rated (online)."""
    leftover: list[Ticket]
    """Numbers it left called on an earlier day (the oldest :data:`LEFTOVER_SHOWN`): expired, never current
    again; only 办结 or 过号 close them."""
    skipped: list[Ticket] = field(default_factory=list)
    """Today's skipped (过号) tickets of its queues, the latest first: the visitor who comes back is called
    again with 叫此号."""
    center: Center | None = None
    """The window's center (names its windows on the screen)."""


async def window_view(actor: Actor, center_code: str, window_code: str) -> WindowView:
    """The window screen: today's current ticket(s) and line, the last finished ticket to rate, and
    the numbers it left open on earlier days (kept apart, so that yesterday's number is never today's)."""
    center, served = await _window_queues(actor, center_code, window_code)
    today = local_today()
    called = Ticket.filter(center=center, window_code=window_code, status="called")
    current = await called.filter(day=today).order_by("-id")
    leftover = await called.filter(day__lt=today).order_by("day", "id").limit(LEFTOVER_SHOWN)
    last = await Ticket.filter(center=center, day=today, window_code=window_code, status="done").order_by("-finished_at", "-id").first()
    if last is not None and (await OnSiteRating.exists(ticket_id=last.id)
                             or last.case_id is not None and await Rating.exists(case_id=last.case_id)):  # type: ignore[attr-defined]
        last = None
    codes = [q.code for q in served]
    skipped = await Ticket.filter(center=center, day=today, queue__in=codes, status="skipped").order_by("-last_call_at", "-id")
    return WindowView(current=list(current), waiting=await waiting(center, codes), last_done=last, leftover=list(leftover),
                      skipped=list(skipped), center=center)


async def display(center_code: str) -> tuple[Center, list[Ticket], dict[str, int], list[Queue]]:
    """The hall screen: today's last calls (a number left called on an earlier day is not shown), the
    waiting count per queue (no personal data: anonymous)."""
    center = await floor_center(center_code)
    day = local_today()
    calls = await Ticket.filter(center=center, day=day, last_call_at__not_isnull=True).order_by("-last_call_at", "-id").limit(DISPLAY_CALLS)
    counts: dict[str, int] = {}
    for code in await Ticket.filter(center=center, day=day, status="waiting").values_list("queue", flat=True):
        counts[str(code)] = counts.get(str(code), 0) + 1
    return center, list(calls), counts, await queues(center)
