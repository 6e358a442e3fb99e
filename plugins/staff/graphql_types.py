"""The staff plugin's GraphQL types and how rows become them."""

from __future__ import annotations

from datetime import date, datetime

import strawberry

from core.api import CENTER_TZ, RemovalDecision

from .attendance import MARKS, AttendanceStart, DaySheet, Half, PersonMonth
from .approvers import POST_LABELS, STEPS, waiting_label
from .models import LEAVE_KINDS, LEAVE_STATUS, POSITIONS, SLOTS, ClockDevice, ClockIn, LeaveRequest, StaffRecord
from .register import term_ends
from .standing import Standing


@strawberry.type(name="StaffRecord", description="人员名册中的一人：所在部门、窗口、岗位、进驻日期、最低进驻期限、AB岗顶岗人员")
class StaffRecordType:
    username: str
    display_name: str
    department: str | None
    department_name: str | None
    window: str | None
    window_name: str | None
    position: str = strawberry.field(description="window_staff、window_leader、office、supervision 或 leadership")
    position_label: str
    posted_on: date = strawberry.field(description="进驻日期：从此日起考勤")
    min_term_months: int = strawberry.field(description="最低进驻期限（月），0 为不限")
    term_ends_on: date | None = strawberry.field(description="最低进驻期限届满日")
    partner: str | None = strawberry.field(description="AB岗顶岗人员账号")
    partner_name: str | None
    card: str | None = strawberry.field(description="考勤卡号")
    removal: str | None = strawberry.field(
        default=None, description="二次投诉查实下岗：待中心决定、已确认下岗（日期）或不予下岗；仅监督人员可见")
    removal_on: date | None = strawberry.field(
        default=None, description="已确认下岗的，下岗之日（removal 中的日期）；其余为 null；仅监督人员可见")


def removal_label(found: RemovalDecision | None) -> str:
    """How the register shows a person's removal flag (下岗) and the center's decision on it."""
    if found is None:
        return "下岗待中心决定"
    if found.outcome == "removed":
        return f"已确认下岗（{found.effective_on.isoformat()}起）" if found.effective_on else "已确认下岗"
    return f"不予下岗（{found.note}）"


def record_type(r: StaffRecord, found: RemovalDecision | None = None, flagged: bool = False) -> StaffRecordType:
    """The register's row; ``flagged``: the person has a removal flag, ``found`` the center's decision on it."""
    return StaffRecordType(
        username=r.user.username, display_name=r.user.display_name or r.user.username,
        department=r.department.code if r.department else None, department_name=r.department.name if r.department else None,
        window=r.window.code if r.window else None, window_name=r.window.name if r.window else None,
        position=r.position, position_label=POSITIONS.get(r.position, r.position), posted_on=r.posted_on,
        min_term_months=r.min_term_months, term_ends_on=term_ends(r),
        partner=r.partner.username if r.partner else None,
        partner_name=(r.partner.display_name or r.partner.username) if r.partner else None, card=r.card,
        removal=removal_label(found) if flagged else None,
        removal_on=found.effective_on if flagged and found is not None and found.outcome == "removed" else None,
    )


@strawberry.input(name="StaffRecordInput", description="登记或修改人员名册中的一人")
class StaffRecordInput:
    username: str
    position: str
    posted_on: date
    department: str | None = None
    window: str | None = None
    min_term_months: int | None = strawberry.field(default=None, description="不填则用本中心的默认期限")
    partner: str | None = None
    card: str | None = None


@strawberry.type(name="ClockIn", description="一次刷卡")
class ClockInType:
    id: strawberry.ID
    username: str
    display_name: str = strawberry.field(description="刷卡人姓名：读卡器上显示，本人据此核对是否本人的卡")
    date: date
    slot: str = strawberry.field(description="am_in（上午上班）、pm_in（下午上班）或 pm_out（下午下班）")
    slot_label: str
    at: datetime
    device: str | None = strawberry.field(description="刷卡设备名称；本人登录刷卡时为空")


def clock_in_type(c: ClockIn, username: str, device: str | None = None, display_name: str = "") -> ClockInType:
    return ClockInType(id=strawberry.ID(str(c.id)), username=username, display_name=display_name or username, date=c.day, slot=c.slot,
                       slot_label=SLOTS[c.slot], at=c.at, device=device)


@strawberry.type(name="ClockDevice", description="登记在窗口的考勤设备")
class ClockDeviceType:
    id: strawberry.ID
    name: str
    window: str | None
    window_name: str | None
    active: bool


def device_type(d: ClockDevice) -> ClockDeviceType:
    return ClockDeviceType(id=strawberry.ID(str(d.id)), name=d.name, window=d.window.code if d.window else None,
                           window_name=d.window.name if d.window else None, active=d.active)


@strawberry.type(name="RegisteredClockDevice", description="新登记的考勤设备及其令牌（只显示这一次）")
class RegisteredDeviceType:
    device: ClockDeviceType
    token: str


@strawberry.type(name="LeaveDecision", description="请假单上一个环节的意见")
class LeaveDecisionType:
    step: str
    step_label: str
    by: str
    name: str
    approve: bool
    comment: str
    at: str
    acting_post: str | None = strawberry.field(
        default=None, description="该环节的岗位当时空缺、由上一级岗位代为审批时，审批人的岗位：office、supervision、leadership，"
                                  "或 admin（中心管理员）；本岗位审批时为空")
    acting_post_label: str | None = None


@strawberry.type(name="LeaveRequest", description="请假单")
class LeaveRequestType:
    id: strawberry.ID
    username: str
    display_name: str
    kind: str = strawberry.field(description="personal（事假）、sick（病假）、annual（休假）或 official（公假）")
    kind_label: str
    start: date
    start_half: str = strawberry.field(description="am 或 pm")
    end: date
    end_half: str
    days: float = strawberry.field(description="工作日天数，以半天计")
    reason: str
    route: list[str] = strawberry.field(description="审批环节：window、office、supervision、leadership")
    route_labels: list[str]
    current_step: str | None = strawberry.field(description="待审批的环节；已结束时为空")
    current_step_label: str | None
    current_post: str | None = strawberry.field(
        description="现在由哪个岗位审批当前环节：通常即该环节的岗位（window、office、supervision、leadership）；"
                    "该岗位无人（调离、移出名册或停用）时为本请假单审批路线上下一个有人的岗位，都无人时为 admin（中心管理员）")
    waiting_for: str | None = strawberry.field(
        description="待办说明，如“窗口负责人签字”或“窗口负责人签字（窗口负责人空缺，由中心办公室审批）”；已结束时为空")
    decisions: list[LeaveDecisionType]
    status: str = strawberry.field(description="pending、approved、refused 或 cancelled")
    status_label: str
    handed_over: int = strawberry.field(description="批准时移交给AB岗顶岗人员的在办件数")
    can_decide: bool = strawberry.field(description="当前用户可审批当前环节")


def leave_type(r: LeaveRequest, can_decide: bool = False, post: str | None = None) -> LeaveRequestType:
    """The request as GraphQL shows it; ``post``: who decides its current step now (:func:`.approvers.deciding_post`)."""
    current = r.route[r.step] if r.status == "pending" and r.step < len(r.route) else None
    post = post or current
    return LeaveRequestType(
        id=strawberry.ID(str(r.id)), username=r.user.username, display_name=r.user.display_name or r.user.username,
        kind=r.kind, kind_label=LEAVE_KINDS.get(r.kind, r.kind), start=r.start, start_half=r.start_half, end=r.end,
        end_half=r.end_half, days=r.days, reason=r.reason, route=list(r.route), route_labels=[STEPS[s] for s in r.route],
        current_step=current, current_step_label=STEPS[current] if current else None,
        current_post=post if current else None, waiting_for=waiting_label(current, post) if current and post else None,
        decisions=[LeaveDecisionType(step=d["step"], step_label=STEPS[d["step"]], by=d["by"], name=d["name"],
                                     approve=d["approve"], comment=d["comment"], at=d["at"], acting_post=d.get("post"),
                                     acting_post_label=POST_LABELS[d["post"]] if d.get("post") else None)
                   for d in r.decisions],
        status=r.status, status_label=LEAVE_STATUS.get(r.status, r.status), handed_over=r.handed_over, can_decide=can_decide,
    )


@strawberry.input(name="LeaveInput", description="请假：从某日上午或下午起，至某日上午或下午止")
class LeaveInputType:
    kind: str
    start: date
    end: date
    start_half: str = "am"
    end_half: str = "pm"
    reason: str = ""


@strawberry.type(name="AttendanceDay", description="考勤表中的一天")
class AttendanceDayType:
    date: date
    workday: bool
    am: str = strawberry.field(description="上午：ok、late、absent、leave、rest 或 future（未到或未进驻）")
    pm: str
    early: bool = strawberry.field(description="早退（下午下班未刷卡或早于下班时间）")
    mark: str = strawberry.field(description="表中显示的文字")
    clock_ins: list[str] = strawberry.field(description="当日刷卡时间（HH:MM，按上午上班、下午上班、下午下班）")


def _mark(h: Half) -> str:
    if h.status == "leave":
        return LEAVE_KINDS.get(h.leave_kind or "", "请假")
    return MARKS.get(h.status, "")


def day_type(d: DaySheet) -> AttendanceDayType:
    if not d.workday:
        mark = "休"
    else:
        am, pm = _mark(d.am), _mark(d.pm)
        mark = am if am == pm else f"{am or '—'}/{pm or '—'}"
        if d.early:
            mark += "·早退"
    times = [d.clock_ins[s].astimezone(CENTER_TZ).strftime("%H:%M") if s in d.clock_ins else "" for s in SLOTS]
    return AttendanceDayType(date=d.day, workday=d.workday, am=d.am.status, pm=d.pm.status, early=d.early, mark=mark,
                             clock_ins=times)


@strawberry.type(name="AttendanceSheet", description="一人一个月的考勤表")
class AttendanceSheetType:
    username: str
    display_name: str
    days: list[AttendanceDayType]
    late_count: int
    early_count: int
    absent_days: float
    counted_from: date | None = strawberry.field(
        description="此人考勤的起算日：进驻日期，但不早于本中心考勤起算日（以第一次刷卡之日起算的，"
                    "当天未刷卡的人自下一个工作日起计）；本中心尚未开始考勤时为空")


def sheet_type(s: PersonMonth) -> AttendanceSheetType:
    u = s.record.user
    return AttendanceSheetType(username=u.username, display_name=u.display_name or u.username,
                               days=[day_type(d) for d in s.days], late_count=s.late, early_count=s.early,
                               absent_days=s.absent_days, counted_from=s.counted_from)


START_SOURCES = {
    "setting": "中心设置的考勤起算日期",
    "first_clock_in": "本中心第一次刷卡之日",
    "none": "本中心尚未有人刷卡，尚未开始计算考勤",
}


@strawberry.type(name="AttendanceStart", description="本中心考勤的起算日：此前的日子不计出勤或旷工；以第一次刷卡之日起算的，"
                 "当天只计当天刷卡的人，其他人自下一个工作日起计")
class AttendanceStartType:
    day: date | None = strawberry.field(description="起算日；尚未开始考勤时为空")
    source: str = strawberry.field(description="setting（中心设置 staff.attendanceFrom）、first_clock_in 或 none")
    source_label: str
    afternoon_only: bool = strawberry.field(description="第一次刷卡在下午：起算日上午谁都不计出勤或旷工")


def start_type(start: AttendanceStart) -> AttendanceStartType:
    return AttendanceStartType(day=start.day, source=start.source, source_label=START_SOURCES[start.source],
                               afternoon_only=start.afternoon_only)


@strawberry.type(name="StandingReason", description="不发考核奖或退回部门的原因")
class ReasonType:
    code: str = strawberry.field(description="personal_leave、sick_leave、absent、leave 或 return")
    message: str


@strawberry.type(name="StaffStanding", description="按考勤制度计算的月度或年度结果")
class StandingType:
    username: str
    display_name: str
    personal_leave_days: float
    sick_leave_days: float
    absent_days: float
    late_count: int
    early_count: int
    bonus: bool = strawberry.field(description="月度：发放当月考核奖；年度：发放年度考核奖")
    returned_to_department: bool = strawberry.field(description="累计旷工达到退回部门的天数（仅年度）")
    reasons: list[ReasonType]


def standing_type(s: Standing) -> StandingType:
    u = s.sheet.record.user
    return StandingType(username=u.username, display_name=u.display_name or u.username,
                        personal_leave_days=s.personal_days, sick_leave_days=s.sick_days, absent_days=s.absent_days,
                        late_count=s.late, early_count=s.early, bonus=s.bonus, returned_to_department=s.returned,
                        reasons=[ReasonType(code=c, message=m) for c, m in s.reasons])
