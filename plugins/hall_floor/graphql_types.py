"""The GraphQL object types of the hall floor, and how rows become them."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

import strawberry

from core.api import RATING_LEVELS, Case

from .models import BOOKING_LABELS, RECTIFICATION_LABELS, TICKET_LABELS, Booking, OnSiteRating, Rectification, Ticket


@strawberry.type(name="HallTicket", description="排队号：取号、叫号、办结；等候与办理时长供统计")
class TicketType:
    id: strawberry.ID
    number: str
    queue: str
    status: str = strawberry.field(description="waiting 等候中，called 已叫号，done 已办结，skipped 已过号")
    status_label: str
    appointment: bool = strawberry.field(description="凭预约取的号：预约时段开始后优先叫号")
    due_at: datetime | None
    taken_at: datetime
    called_at: datetime | None
    finished_at: datetime | None
    last_call_at: datetime | None
    window: str
    calls: int
    case_id: strawberry.ID | None
    wait_seconds: float | None = strawberry.field(description="取号到首次叫号的秒数")
    transferred_from: str | None = strawberry.field(
        default=None, description="转窗转入的号：转出窗口的编号（最近一次转窗）；不是转窗转入的为空")
    transferred_from_name: str | None = strawberry.field(default=None, description="转出窗口的名称，如 综合受理窗口")
    transferred_from_queue: str | None = strawberry.field(default=None, description="转窗前所在的业务类别代码")
    transferred_at: datetime | None = strawberry.field(default=None, description="转窗时间")


def ticket_type(row: Ticket, window_names: Mapping[str, str] | None = None) -> TicketType:
    """The ticket as GraphQL shows it; ``window_names`` (code → name) names the window it was
    transferred from (else its code stands for its name)."""
    wait = (row.called_at - row.taken_at).total_seconds() if row.called_at else None
    case_id = row.case_id  # type: ignore[attr-defined]
    origin = row.transferred_from or None
    return TicketType(
        id=strawberry.ID(str(row.id)), number=row.number, queue=row.queue, status=row.status,
        status_label=TICKET_LABELS.get(row.status, row.status), appointment=row.booking_id is not None,  # type: ignore[attr-defined]
        due_at=row.due_at, taken_at=row.taken_at, called_at=row.called_at, finished_at=row.finished_at,
        last_call_at=row.last_call_at, window=row.window_code, calls=row.calls,
        case_id=strawberry.ID(str(case_id)) if case_id else None, wait_seconds=wait,
        transferred_from=origin, transferred_from_name=(window_names or {}).get(origin, origin) if origin else None,
        transferred_from_queue=row.transferred_from_queue or None, transferred_at=row.transferred_at,
    )


@strawberry.type(name="HallQueue", description="叫号业务类别（综合、企业、税务、不动产…）：号码前缀与办理窗口")
class QueueType:
    code: str
    name: str
    windows: list[str]
    waiting: int


@strawberry.type(name="HallCall", description="大厅显示屏上的一次叫号")
class CallType:
    number: str
    window: str
    window_name: str
    at: datetime
    calls: int
    transferred_from_name: str | None = strawberry.field(default=None, description="转窗转入的号：转出窗口的名称；否则为空")


@strawberry.type(name="HallDisplay", description="大厅显示屏：最近叫号、各类业务等候人数")
class DisplayType:
    center_name: str
    calls: list[CallType]
    queues: list[QueueType]
    version: str = strawberry.field(description="所显示内容的摘要：内容不变则不变（与 hallDisplayVersion 相同）")


@strawberry.type(name="HallWindowQueue", description="窗口叫号屏：本窗口正在办理的号和等候队列")
class WindowQueueType:
    window: str
    current: list[TicketType] = strawberry.field(description="本窗口今天正在办理的号（前几天遗留的不算，见 leftover）")
    waiting: list[TicketType]
    last_done: TicketType | None = strawberry.field(description="本窗口最近办结、尚未评价的号（评价器据此评价）")
    leftover: list[TicketType] = strawberry.field(
        description="本窗口前几天叫号后未办结的号：已过期，不是当前号，只能办结或过号")
    skipped: list[TicketType] = strawberry.field(
        default_factory=list, description="本窗口所办业务今天已过号的号（最近过号的在前）：申请人回来后可“叫此号”再叫")


@strawberry.type(name="HallWindowFigures", description="一个窗口的等候与办理时长（秒）")
class WindowFiguresType:
    window: str
    served: int
    average_wait: float
    longest_wait: float
    average_service: float


@strawberry.type(name="HallWaitStats", description="等候时长统计（秒）：平均、最长、按窗口")
class WaitStatsType:
    tickets: int
    called: int
    average_wait: float
    longest_wait: float
    windows: list[WindowFiguresType]


@strawberry.type(name="HallRatingFigures", description="评价器的评价：按窗口（kind=window）和工作人员（kind=staff）")
class RatingFiguresType:
    kind: str
    subject: str
    ratings: int
    average: float
    bad: int = strawberry.field(description="不满意、非常不满意的次数")


@strawberry.type(name="OnSiteRating", description="评价器的现场评价：渠道“现场”，记入办件、窗口和工作人员")
class RatingType:
    id: strawberry.ID
    channel: str
    window: str
    staff: str | None
    level: int
    level_label: str
    reason: str
    case_id: strawberry.ID | None
    case_number: str | None
    ticket_number: str | None
    at: datetime


def rating_type(row: OnSiteRating) -> RatingType:
    case: Case | None = row.case
    return RatingType(
        id=strawberry.ID(str(row.id)), channel=row.channel, window=row.window_code,
        staff=(row.staff.display_name or row.staff.username) if row.staff else None, level=row.level,
        level_label=RATING_LEVELS.get(row.level, ""), reason=row.reason,
        case_id=strawberry.ID(str(case.id)) if case else None, case_number=case.number if case else None,
        ticket_number=row.ticket.number if row.ticket else None, at=row.at,
    )


@strawberry.type(name="Rectification", description="差评整改：15个工作日内整改，整改后回访")
class RectificationType:
    id: strawberry.ID
    reason: str
    opened_on: date
    due: date
    status: str = strawberry.field(description="open 整改中，rectified 已整改，closed 已回访办结")
    status_label: str
    measures: str
    follow_up: str
    follow_up_satisfied: bool | None
    rating: RatingType


def rectification_type(row: Rectification) -> RectificationType:
    return RectificationType(
        id=strawberry.ID(str(row.id)), reason=row.reason, opened_on=row.opened_on, due=row.due, status=row.status,
        status_label=RECTIFICATION_LABELS.get(row.status, row.status), measures=row.measures,
        follow_up=row.follow_up, follow_up_satisfied=row.follow_up_satisfied, rating=rating_type(row.rating),
    )


@strawberry.type(name="HallSlot", description="值班表上的一个可预约时段；extended 为错时/延时服务")
class SlotType:
    period: str
    extended: bool
    capacity: int
    booked: int
    bookable: bool = strawberry.field(description="bookHallSlot 是否接受该时段（日期或时段已过、超出可预约天数、本人已预约该时段、已约满时为 false）")
    closed_reason: str = strawberry.field(description="不能预约的原因；可预约时为空")


@strawberry.type(name="HallSlots", description="某日某类业务的预约时段；closedReason 为不开放的原因")
class SlotsType:
    slots: list[SlotType]
    closed_reason: str


@strawberry.type(name="HallBooking", description="大厅预约：凭预约码（或登录后凭预约）取号，预约时段开始后优先叫号；只返回给预约人本人和工作人员")
class BookingType:
    id: strawberry.ID
    queue: str
    date: date
    period: str
    extended: bool
    status: str = strawberry.field(description="booked 已预约，arrived 已取号，cancelled 已取消")
    status_label: str
    user: str
    user_name: str
    code: str | None = strawberry.field(
        description="预约码：6位数字，在大厅取号机上凭它取号（无需登录）；只有预约人本人和工作人员能看到；"
                    "启用预约码之前已取号或已取消的预约没有")


def booking_type(row: Booking) -> BookingType:
    return BookingType(
        id=strawberry.ID(str(row.id)), queue=row.queue, date=row.day, period=row.period, extended=row.extended,
        status=row.status, status_label=BOOKING_LABELS.get(row.status, row.status), user=row.user.username,
        user_name=row.user.display_name or row.user.username, code=row.code,
    )


@strawberry.type(name="HallHours", description="大厅取号时间（取号机显示）：工作日和值班周六的取号时段、停止取号时间，现在能否取号")
class HoursType:
    open: bool = strawberry.field(description="现在取号机是否取号（至少一类业务）")
    open_queues: list[str] = strawberry.field(description="现在可以取号的业务类别代码")
    message: str = strawberry.field(description="不能取号时的说明，含下一个办公时间；能取号时为空")
    next_open: datetime | None = strawberry.field(description="不能取号时：下一次开始取号的时间")
    today: list[str] = strawberry.field(description="今天的办公时段（HH:MM-HH:MM）；今天不办公为空")
    periods: list[str] = strawberry.field(description="工作日的办公时段")
    saturday_periods: list[str] = strawberry.field(description="值班周六的办公时段（值班的业务）")
    stop_before: int = strawberry.field(description="每个时段结束前多少分钟停止取号")
    text: str = strawberry.field(description="取号机上显示的办公时间，如 办公时间：工作日 9:00–12:00、13:30–17:00")
