"""The fields the enterprise zone contributes: agency service, appointments, gift packs.

Every resolver refuses a center that has not enabled the plugin (``require_plugin``): a query with
a FORBIDDEN error, a mutation with ``UserErrors`` code ``forbidden``.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from core.api import Info, UserErrors, mutation_result

from . import agency, appointments, giftpacks, people
from .models import AgencyRequest
from .zone import zone_center
from .graphql_types import (
    AgencyRequestType,
    AppointmentType,
    GiftPackType,
    agency_request_type,
    appointment_type,
    gift_pack_type,
)

AgencyRequestResult = Annotated[AgencyRequestType | UserErrors, strawberry.union("AgencyRequestResult")]
AppointmentResult = Annotated[AppointmentType | UserErrors, strawberry.union("AppointmentResult")]
GiftPackResult = Annotated[GiftPackType | UserErrors, strawberry.union("GiftPackResult")]
Day = Annotated[date, strawberry.argument(name="date", description="日期")]


@strawberry.type(name="ZonePerson", description="查找到的申请人或代办员：身份证号码、手机号码已脱敏")
class ZonePersonType:
    username: str = strawberry.field(description="账号：代为申报时作 submitCase 的 onBehalfOf，指派时作 agentUsername")
    display_name: str
    id_number: str
    phone: str


@strawberry.type(name="AppointmentPeriod", description="可预约的时段；delayed 为延时服务时段")
class AppointmentPeriodType:
    period: str
    delayed: bool


@strawberry.type
class Query:
    @strawberry.field(description="代办帮办申请：窗口人员、首席代表、督查看全部，代办员看指派给本人的，申请人看本人的")
    async def agency_requests(self, info: Info, center: str, status: str | None = None) -> list[AgencyRequestType]:
        rows = await agency.list_requests(info.context.actor, center, status)
        return [agency_request_type(r) for r in rows]

    @strawberry.field(description="某日的预约：工作人员和代办员看全部，申请人看本人的；不给日期时为今天及以后的预约（按日期、时段，最多 200 条）")
    async def appointments(
        self, info: Info, center: str,
        day: Annotated[date | None, strawberry.argument(name="date", description="日期；不给时为今天及以后")] = None,
    ) -> list[AppointmentType]:
        rows = await appointments.list_appointments(info.context.actor, center, day)
        return [appointment_type(r) for r in rows]

    @strawberry.field(description="按姓名、身份证号码或手机号码查找本中心的申请人（role: applicant）或代办员（agent）：窗口人员、首席代表、督查、代办员")
    async def zone_people(self, info: Info, center: str, role: str, search: str) -> list[ZonePersonType]:
        found = await people.search_people(info.context.actor, center, role, search)
        return [ZonePersonType(username=p.username, display_name=p.display_name, id_number=p.id_number, phone=p.phone)
                for p in found]

    @strawberry.field(description="本中心可预约的时段（含延时服务时段）；给出日期时为该日可预约的时段（周六值班的中心周六也可预约，休息日为空）")
    async def appointment_periods(
        self, center: str, day: Annotated[date | None, strawberry.argument(name="date", description="日期")] = None,
    ) -> list[AppointmentPeriodType]:
        row = await zone_center(center)
        if day is None:
            rules = appointments.booking_rules(row)
            periods = rules.all_periods
        else:
            periods, rules = await appointments.periods_on(row, day)
        return [AppointmentPeriodType(period=p, delayed=p in rules.delayed) for p in periods]

    @strawberry.field(description="企业开办大礼包：出件窗口等工作人员看全部，申请人看本人办件的")
    async def gift_packs(self, info: Info, center: str, status: str | None = None) -> list[GiftPackType]:
        rows = await giftpacks.list_gift_packs(info.context.actor, center, status)
        return [gift_pack_type(r) for r in rows]


@strawberry.type
class Mutation:
    @strawberry.mutation(description="申请免费代办帮办服务")
    async def request_agency(
        self, info: Info, center: str, item: str, contact_mobile: str, note: str | None = None
    ) -> AgencyRequestResult:
        actor = info.context.actor

        async def work() -> AgencyRequest:
            row = await agency.request_agency(
                actor=actor, center_code=center, item_code=item, contact_mobile=contact_mobile, note=note or ""
            )
            return await agency.load_request(row.id)

        return await mutation_result(work, agency_request_type)

    @strawberry.mutation(description="首席代表为代办申请指派（或改派）代办员，并短信告知申请人")
    async def assign_agent(self, info: Info, request: strawberry.ID, agent_username: str) -> AgencyRequestResult:
        ctx = info.context

        async def work() -> AgencyRequest:
            row = await agency.assign_agent(ctx.govhall, ctx.actor, request, agent_username)
            return await agency.load_request(row.id)

        return await mutation_result(work, agency_request_type)

    @strawberry.mutation(description="预约办事时段（含延时服务时段）：只能预约工作日，每时段有人数上限")
    async def book_appointment(self, info: Info, center: str, item: str, day: Day, period: str) -> AppointmentResult:
        actor = info.context.actor
        return await mutation_result(
            lambda: appointments.book(actor=actor, center_code=center, item_code=item, day=day, period=period),
            appointment_type,
        )

    @strawberry.mutation(description="取消预约（本人或窗口人员）")
    async def cancel_appointment(self, info: Info, appointment: strawberry.ID) -> AppointmentResult:
        actor = info.context.actor
        return await mutation_result(lambda: appointments.cancel(actor, appointment), appointment_type)

    @strawberry.mutation(description="统一出件窗口发放企业开办大礼包，记入办件日志")
    async def hand_over_gift_pack(self, info: Info, gift_pack: strawberry.ID, receiver: str) -> GiftPackResult:
        ctx = info.context
        return await mutation_result(lambda: giftpacks.hand_over(ctx.govhall, ctx.actor, gift_pack, receiver), gift_pack_type)
