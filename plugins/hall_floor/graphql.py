"""The fields the hall floor contributes: tickets and calls, the hall display, the
rating tablet and rectification, the roster's bookings.

Every resolver refuses a center that has not enabled the plugin: a query with a FORBIDDEN error,
a mutation with ``UserErrors`` code ``forbidden``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from datetime import date
from typing import Annotated

import strawberry

from core.api import Center, Info, UserErrors, Window, client_address, mutation_result, now

from . import hours, ratings, roster, stats, tickets
from .floor import BAD_REASONS
from .models import Ticket
from .graphql_types import (
    BookingType,
    CallType,
    DisplayType,
    HoursType,
    QueueType,
    RatingFiguresType,
    RatingType,
    RectificationType,
    SlotsType,
    SlotType,
    TicketType,
    WaitStatsType,
    WindowFiguresType,
    WindowQueueType,
    booking_type,
    rating_type,
    rectification_type,
    ticket_type,
)

Day = Annotated[date, strawberry.argument(name="date", description="日期")]
TicketResult = Annotated[TicketType | UserErrors, strawberry.union("HallTicketResult")]
RatingResult = Annotated[RatingType | UserErrors, strawberry.union("OnSiteRatingResult")]
RectificationResult = Annotated[RectificationType | UserErrors, strawberry.union("RectificationResult")]
BookingResult = Annotated[BookingType | UserErrors, strawberry.union("HallBookingResult")]




@strawberry.type
class Query:
    @strawberry.field(description="本中心的叫号业务类别及等候人数（取号机）")
    async def hall_queues(self, center: str) -> list[QueueType]:
        _, _, counts, found = await tickets.display(center)
        return [QueueType(code=q.code, name=q.name, windows=list(q.windows), waiting=counts.get(q.code, 0)) for q in found]

    @strawberry.field(description="大厅取号时间：办公时段、停止取号时间，现在能否取号及下一个办公时间（取号机，无需登录）")
    async def hall_hours(self, center: str) -> HoursType:
        row, _ = await roster.queue_list(center)
        found = await hours.board(row, now())
        return HoursType(open=found.status.open, open_queues=found.open_queues, message=found.status.message,
                         next_open=found.status.next_open, today=found.today, periods=found.periods,
                         saturday_periods=found.saturday_periods, stop_before=found.stop_before, text=found.text)

    @strawberry.field(description="大厅显示屏：最近叫号和各类业务等候人数（不含个人信息，无需登录）")
    async def hall_display(self, center: str) -> DisplayType:
        return await _display(center)

    @strawberry.field(description="大厅显示屏内容的版本（hallDisplay.version）：显示屏轮询它，变了才取 hallDisplay（无需登录）")
    async def hall_display_version(self, center: str) -> str:
        return (await _display(center)).version

    @strawberry.field(description="窗口叫号屏：本窗口正在办理的号和等候队列（窗口人员、首席代表）")
    async def hall_window_queue(self, info: Info, center: str, window: str) -> WindowQueueType:
        view = await tickets.window_view(info.context.actor, center, window)
        names = await _window_names(view.center) if view.center else {}

        def shown(rows: list[Ticket]) -> list[TicketType]:
            return [ticket_type(t, names) for t in rows]

        return WindowQueueType(window=window, current=shown(view.current), waiting=shown(view.waiting),
                               last_done=ticket_type(view.last_done, names) if view.last_done else None,
                               leftover=shown(view.leftover), skipped=shown(view.skipped))

    @strawberry.field(description="等候时长统计：平均等候、最长等候、按窗口（窗口人员、首席代表、督查）")
    async def hall_wait_stats(
        self, info: Info, center: str, start: Annotated[date, strawberry.argument(name="from")], end: Annotated[date, strawberry.argument(name="to")],
    ) -> WaitStatsType:
        found = await stats.wait_stats(info.context.actor, center, start, end)
        return WaitStatsType(
            tickets=found.tickets, called=found.called, average_wait=found.average_wait, longest_wait=found.longest_wait,
            windows=[WindowFiguresType(window=w.window, served=w.served, average_wait=w.average_wait,
                                       longest_wait=w.longest_wait, average_service=w.average_service) for w in found.windows],
        )

    @strawberry.field(description="评价器的评价统计：按窗口和工作人员（首席代表、督查）")
    async def hall_rating_figures(
        self, info: Info, center: str, start: Annotated[date, strawberry.argument(name="from")], end: Annotated[date, strawberry.argument(name="to")],
    ) -> list[RatingFiguresType]:
        rows = await stats.rating_figures(info.context.actor, center, start, end)
        return [RatingFiguresType(kind=r.kind, subject=r.subject, ratings=r.ratings, average=r.average, bad=r.bad) for r in rows]

    @strawberry.field(description="差评整改任务（督查、首席代表）")
    async def rectifications(self, info: Info, center: str, status: str | None = None) -> list[RectificationType]:
        return [rectification_type(r) for r in await ratings.list_rectifications(info.context.actor, center, status)]

    @strawberry.field(description="办件的现场评价（窗口人员、首席代表、督查）；case 为办件 ID 或办件编号")
    async def on_site_rating(self, info: Info, center: str, case: strawberry.ID) -> RatingType | None:
        found = await ratings.rating_of_case(info.context.actor, center, case)
        return rating_type(found) if found else None

    @strawberry.field(description="评价器上“不满意”的原因（固定选项）")
    def hall_rating_reasons(self) -> list[str]:
        return list(BAD_REASONS)

    @strawberry.field(description="值班表上某日某类业务的预约时段及已约人数（含周六值班、错时/延时服务）；登录后，本人已预约的时段不可再约")
    async def hall_slots(self, info: Info, center: str, queue: str, day: Day) -> SlotsType:
        user = info.context.actor.user
        found, why = await roster.slots(center, queue, day, user.id if user is not None else None)
        return SlotsType(slots=[SlotType(period=s.period, extended=s.extended, capacity=s.capacity, booked=s.booked,
                                         bookable=not s.closed, closed_reason=s.closed) for s in found],
                         closed_reason=why)

    @strawberry.field(description="某日的大厅预约：工作人员看全部，其他人看本人的")
    async def hall_bookings(self, info: Info, center: str, day: Day) -> list[BookingType]:
        return [booking_type(b) for b in await roster.list_bookings(info.context.actor, center, day)]

    @strawberry.field(description="我的预约：本人今天及以后尚未取号的大厅预约（按日期、时段排列，含预约码）")
    async def my_hall_bookings(self, info: Info, center: str) -> list[BookingType]:
        return [booking_type(b) for b in await roster.my_bookings(info.context.actor, center)]


async def _window_names(center: Center) -> dict[str, str]:
    return {w.code: w.name for w in await Window.filter(center=center)}


async def _display(center: str) -> DisplayType:
    """The hall screen, with ``version``: a digest of everything it shows, so an unchanged screen
    polls a few bytes (``hallDisplayVersion``) instead of the whole screen."""
    row, calls, counts, found = await tickets.display(center)
    names = await _window_names(row)
    shown = DisplayType(
        center_name=row.name,
        calls=[CallType(number=t.number, window=t.window_code, window_name=names.get(t.window_code, t.window_code),
                        at=t.last_call_at, calls=t.calls,
                        transferred_from_name=names.get(t.transferred_from, t.transferred_from) if t.transferred_from else None)
               for t in calls],
        queues=[QueueType(code=q.code, name=q.name, windows=list(q.windows), waiting=counts.get(q.code, 0)) for q in found],
        version="",
    )
    content = json.dumps(dataclasses.asdict(shown), ensure_ascii=False, sort_keys=True, default=str)
    shown.version = hashlib.sha256(content.encode()).hexdigest()[:16]
    return shown


@strawberry.type
class Mutation:
    @strawberry.mutation(description="取号（取号机或窗口）：可留手机号接收“前面还有N人”短信；凭预约取号时传 bookingCode（预约码，无需登录，"
                                     "业务即预约的业务，queue 可不传），或登录后传 booking（预约ID）")
    async def take_ticket(
        self, info: Info, center: str,
        queue: Annotated[str | None, strawberry.argument(description="业务类别代码；凭预约码取号时可不传（以预约的业务为准）")] = None,
        mobile: str | None = None, booking: strawberry.ID | None = None,
        booking_code: Annotated[str | None, strawberry.argument(
            description="预约码（6位数字）：今天的预约凭它在取号机取号，无需登录；输错多次将暂停一段时间")] = None,
    ) -> TicketResult:
        ctx = info.context
        return await mutation_result(
            lambda: tickets.take_ticket(
                govhall=ctx.govhall,
                actor=ctx.actor,
                center_code=center,
                queue_code=queue,
                mobile=mobile or "",
                booking_id=booking,
                booking_code=booking_code,
                address=client_address(info),
            ),
            ticket_type,
        )

    @strawberry.mutation(description="窗口叫下一个号（预约号到时优先）")
    async def call_next_ticket(self, info: Info, center: str, window: str) -> TicketResult:
        ctx = info.context
        return await mutation_result(lambda: tickets.call_next(ctx.govhall, ctx.actor, center, window), ticket_type)

    @strawberry.mutation(description="窗口叫指定的号（过号后回来的号也可再叫）；只能叫本窗口办理的业务")
    async def call_ticket(self, info: Info, center: str, window: str, ticket: strawberry.ID) -> TicketResult:
        ctx = info.context
        return await mutation_result(
            lambda: tickets.call_ticket(
                govhall=ctx.govhall, actor=ctx.actor, center_code=center, window_code=window, ticket_id=ticket
            ),
            ticket_type,
        )

    @strawberry.mutation(description="重呼本窗口正在办理的号")
    async def recall_ticket(self, info: Info, center: str, window: str, ticket: strawberry.ID) -> TicketResult:
        ctx = info.context
        return await mutation_result(
            lambda: tickets.recall(
                govhall=ctx.govhall, actor=ctx.actor, center_code=center, window_code=window, ticket_id=ticket
            ),
            ticket_type,
        )

    @strawberry.mutation(description="过号：叫号未到")
    async def skip_ticket(self, info: Info, center: str, window: str, ticket: strawberry.ID) -> TicketResult:
        return await mutation_result(lambda: tickets.skip(info.context.actor, center, window, ticket), ticket_type)

    @strawberry.mutation(description="转窗：本窗口正在办理的号转到另一类业务排队（号码不变，按取号时间排在后来者之前）")
    async def transfer_ticket(self, info: Info, center: str, window: str, ticket: strawberry.ID, queue: str) -> TicketResult:
        async def work() -> tuple[Ticket, dict[str, str]]:
            moved = await tickets.transfer(
                actor=info.context.actor, center_code=center, window_code=window, ticket_id=ticket, queue_code=queue)
            return moved, await _window_names(await moved.center)

        return await mutation_result(work, lambda done: ticket_type(*done))

    @strawberry.mutation(description="办结本窗口正在办理的号；case 为办理的办件（ID 或办件编号，评价器据此评价办件）")
    async def finish_ticket(
        self, info: Info, center: str, window: str, ticket: strawberry.ID, case: strawberry.ID | None = None,
    ) -> TicketResult:
        return await mutation_result(
            lambda: tickets.finish(
                actor=info.context.actor, center_code=center, window_code=window, ticket_id=ticket, case_id=case
            ),
            ticket_type,
        )

    @strawberry.mutation(description="评价器：现场评价办件或排队号（不满意须选原因，并生成整改任务）")
    async def rate_on_site(
        self, info: Info, center: str, window: str, level: int, case: strawberry.ID | None = None,
        ticket: strawberry.ID | None = None, reason: str | None = None,
    ) -> RatingResult:
        ctx = info.context
        return await mutation_result(
            lambda: ratings.rate_on_site(
                govhall=ctx.govhall,
                actor=ctx.actor,
                center_code=center,
                window_code=window,
                level=level,
                case_id=case,
                ticket_id=ticket,
                reason=reason or "",
            ),
            rating_type,
        )

    @strawberry.mutation(description="督查登记差评的整改措施")
    async def rectify(self, info: Info, rectification: strawberry.ID, measures: str) -> RectificationResult:
        return await mutation_result(lambda: ratings.rectify(info.context.actor, rectification, measures), rectification_type)

    @strawberry.mutation(description="督查登记整改后的回访")
    async def record_follow_up(
        self, info: Info, rectification: strawberry.ID, note: str, satisfied: bool,
    ) -> RectificationResult:
        return await mutation_result(
            lambda: ratings.follow_up(info.context.actor, rectification, note, satisfied), rectification_type)

    @strawberry.mutation(description="预约值班表上的时段（每时段有人数上限，同一人同一时段只能约一次）")
    async def book_hall_slot(self, info: Info, center: str, queue: str, day: Day, period: str) -> BookingResult:
        return await mutation_result(
            lambda: roster.book(actor=info.context.actor, center_code=center, queue_code=queue, day=day, period=period,
                                govhall=info.context.govhall),
            booking_type,
        )

    @strawberry.mutation(description="取消大厅预约（本人或窗口人员）")
    async def cancel_hall_booking(self, info: Info, booking: strawberry.ID) -> BookingResult:
        return await mutation_result(lambda: roster.cancel(info.context.actor, booking), booking_type)
