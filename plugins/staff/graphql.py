"""The fields the staff plugin contributes: the register, clock-ins and devices, leave, the
monthly sheet and the bonus standings.

Every resolver refuses a center that has not enabled the plugin (``require_plugin``): a query with
a FORBIDDEN error, a mutation with ``UserErrors`` code ``forbidden``.
"""

from __future__ import annotations

from typing import Annotated

import strawberry

from core.api import Info, UserErrors, mutation_result, removal_decisions

from . import attendance, leave, register, standing
from .approvers import Vacancies, deciding_post, holds
from .graphql_types import (
    AttendanceSheetType, AttendanceStartType, ClockDeviceType, ClockInType, LeaveInputType, LeaveRequestType,
    RegisteredDeviceType, StaffRecordInput, StaffRecordType, StandingType, clock_in_type, device_type, leave_type,
    record_type, sheet_type, standing_type, start_type,
)
from .models import ClockIn, LeaveRequest

StaffRecordResult = Annotated[StaffRecordType | UserErrors, strawberry.union("StaffRecordResult")]
ClockInResult = Annotated[ClockInType | UserErrors, strawberry.union("ClockInResult")]
ClockDeviceResult = Annotated[RegisteredDeviceType | UserErrors, strawberry.union("ClockDeviceResult")]
LeaveRequestResult = Annotated[LeaveRequestType | UserErrors, strawberry.union("LeaveRequestResult")]


async def _present_leave(info: Info, row: LeaveRequest, vacancies: Vacancies | None = None) -> LeaveRequestType:
    """The request, with who decides its current step now and whether that is the viewer."""
    post = await deciding_post(row.center, row, vacancies) if row.status == "pending" else None
    can = post is not None and await holds(info.context.actor, row.center, row, post)
    return leave_type(row, can, post)


async def _clock_type(row: ClockIn) -> ClockInType:
    await row.fetch_related("user", "device")
    return clock_in_type(row, row.user.username, row.device.name if row.device else None, row.user.display_name)


@strawberry.type
class Query:
    @strawberry.field(description="人员名册：中心领导、办公室、督查科、首席代表、管理员看全部，其他人看本人的")
    async def staff_register(self, info: Info, center: str) -> list[StaffRecordType]:
        actor = info.context.actor
        rows = await register.load_register(actor, center)
        row = await register.staff_center(center)
        flags = await removal_decisions(row) if await register.is_overseer(actor, row) else {}
        return [record_type(r, flags.get(r.user_id), flagged=r.user_id in flags) for r in rows]  # type: ignore[attr-defined]

    @strawberry.field(description="本人今天的刷卡记录")
    async def today_clock_ins(self, info: Info, center: str) -> list[ClockInType]:
        return [await _clock_type(r) for r in await attendance.today(info.context.actor, center)]

    @strawberry.field(description="登记的考勤设备（管理员、配置员）")
    async def clock_devices(self, info: Info, center: str) -> list[ClockDeviceType]:
        return [device_type(d) for d in await attendance.list_devices(info.context.actor, center)]

    @strawberry.field(description="月度考勤表（month: YYYY-MM）：监督人员看全部或指定人员，其他人看本人的")
    async def attendance_sheet(self, info: Info, center: str, month: str, username: str | None = None) -> list[AttendanceSheetType]:
        return [sheet_type(s) for s in await attendance.month_sheet(info.context.actor, center, month, username)]

    @strawberry.field(description="本中心考勤的起算日（中心设置 staff.attendanceFrom，否则第一次刷卡之日）")
    async def attendance_start(self, info: Info, center: str) -> AttendanceStartType:
        return start_type(await attendance.start_of(info.context.actor, center))

    @strawberry.field(description="请假单：监督人员看全部，其他人看本人的和待本人审批的")
    async def leave_requests(self, info: Info, center: str, status: str | None = None) -> list[LeaveRequestType]:
        rows = await leave.list_leave(info.context.actor, center, status)
        vacancies = Vacancies(rows[0].center) if rows else None  # each post looked up once for the list
        return [await _present_leave(info, r, vacancies) for r in rows]

    @strawberry.field(description="当月考核奖：事假超过3天、病假超过7天或旷工半天以上的不发（阈值可配置）")
    async def staff_month_standing(self, info: Info, center: str, month: str, username: str | None = None) -> list[StandingType]:
        return [standing_type(s) for s in await standing.month_standings(info.context.actor, center, month, username)]

    @strawberry.field(description="年度考核奖与退回部门：事病假累计超过90天或旷工2天取消考核奖，旷工3天退回部门")
    async def staff_year_standing(self, info: Info, center: str, year: int, username: str | None = None) -> list[StandingType]:
        return [standing_type(s) for s in await standing.year_standings(info.context.actor, center, year, username)]


@strawberry.type
class Mutation:
    @strawberry.mutation(description="登记或修改人员名册中的一人（管理员、配置员）")
    async def save_staff_record(self, info: Info, center: str, input: StaffRecordInput) -> StaffRecordResult:
        data = register.RecordInput(
            username=input.username, position=input.position, posted_on=input.posted_on, department=input.department,
            window=input.window, min_term_months=input.min_term_months, partner=input.partner, card=input.card)
        return await mutation_result(lambda: register.save_record(info.context.actor, center, data), record_type)

    @strawberry.mutation(description="从人员名册中移除一人（管理员、配置员）")
    async def remove_staff_record(self, info: Info, center: str, username: str) -> StaffRecordResult:
        return await mutation_result(lambda: register.remove_record(info.context.actor, center, username), record_type)

    @strawberry.mutation(description="本人刷卡（上午上班、下午上班、下午下班）；不得代他人刷卡")
    async def clock_in(self, info: Info, center: str, username: str | None = None) -> ClockInResult:
        async def work() -> ClockInType:
            return await _clock_type(await attendance.clock_in(info.context.actor, center, username))

        return await mutation_result(work, lambda x: x)

    @strawberry.mutation(description="考勤设备读卡：设备以其令牌登记，刷卡人为卡的持有人")
    async def device_clock_in(self, device_token: str, card: str) -> ClockInResult:
        async def work() -> ClockInType:
            return await _clock_type(await attendance.device_clock_in(device_token, card))

        return await mutation_result(work, lambda x: x)

    @strawberry.mutation(description="在窗口登记考勤设备，返回其令牌（只显示这一次）")
    async def register_clock_device(self, info: Info, center: str, window: str, name: str) -> ClockDeviceResult:
        return await mutation_result(
            lambda: attendance.register_device(info.context.actor, center, window, name),
            lambda pair: RegisteredDeviceType(device=device_type(pair[0]), token=pair[1]))

    @strawberry.mutation(description="请假：按天数送审（1天以内督查科核准，1天以上中心领导核准）；须已确定AB岗顶岗人员")
    async def request_leave(self, info: Info, center: str, input: LeaveInputType) -> LeaveRequestResult:
        data = leave.LeaveInput(kind=input.kind, start=input.start, end=input.end, start_half=input.start_half,
                                end_half=input.end_half, reason=input.reason)

        async def work() -> LeaveRequestType:
            row = await leave.request_leave(info.context.actor, center, data)
            return await _present_leave(info, await leave.load_leave(row.id))

        return await mutation_result(work, lambda x: x)

    @strawberry.mutation(description="审批请假单的当前环节；不能审批本人的请假。最后一环批准后，在办件移交AB岗顶岗人员")
    async def decide_leave(self, info: Info, leave_id: Annotated[strawberry.ID, strawberry.argument(name="leave")],
                           approve: bool, comment: str | None = None) -> LeaveRequestResult:
        ctx = info.context

        async def work() -> LeaveRequestType:
            row = await leave.decide_leave(
                govhall=ctx.govhall, actor=ctx.actor, leave_id=leave_id, approve=approve, comment=comment or ""
            )
            return await _present_leave(info, row)

        return await mutation_result(work, lambda x: x)

    @strawberry.mutation(description="撤回本人审批中的请假单")
    async def cancel_leave(self, info: Info, leave_id: Annotated[strawberry.ID, strawberry.argument(name="leave")]) -> LeaveRequestResult:
        async def work() -> LeaveRequestType:
            return await _present_leave(info, await leave.cancel_leave(info.context.actor, leave_id))

        return await mutation_result(work, lambda x: x)
