"""The duty roster's fields: ``hallRoster`` (view, with its change history) and ``saveHallRoster``
(督查、管理员). The service is :mod:`.roster_edit`."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

import strawberry

from core.api import Info, UserErrors, mutation_result

from . import roster_edit
from .graphql_types import QueueType


@strawberry.type(name="HallRosterChange", description="值班表的修改记录：谁、何时、改了什么")
class RosterChangeType:
    user: str | None
    user_name: str | None
    at: datetime
    summary: str


@strawberry.type(name="HallRosterWindow", description="可安排周六值班的窗口")
class RosterWindowType:
    code: str
    name: str


@strawberry.type(name="HallRoster", description="本中心的预约值班表：工作日时段、错时/延时时段、周六值班、每时段人数上限")
class RosterType:
    center: str
    capacity: int = strawberry.field(description="每时段可预约人数上限")
    days_ahead: int = strawberry.field(description="可提前预约的天数")
    periods: list[str] = strawberry.field(description="工作日的预约时段")
    extended_periods: list[str] = strawberry.field(description="错时/延时服务时段（工作日）")
    every_saturday: bool = strawberry.field(description="每个周六都值班")
    saturdays: list[date] = strawberry.field(description="值班的周六（everySaturday 为否时）")
    saturday_periods: list[str]
    saturday_windows: list[str] = strawberry.field(description="周六值班的窗口：只开放这些窗口办理的业务")
    queues: list[str] | None = strawberry.field(description="可预约的业务类别；为空表示全部")
    source: str = strawberry.field(description="screen 在本页面保存过，file 取自中心配置文件")
    updated_by: str | None
    updated_at: datetime | None
    can_edit: bool = strawberry.field(description="当前用户可以修改（督查、管理员）")
    windows: list[RosterWindowType]
    all_queues: list[QueueType]
    history: list[RosterChangeType]


@strawberry.input(name="HallRosterInput", description="修改后的值班表（整表提交）")
class RosterInput:
    capacity: int
    days_ahead: int
    periods: list[str]
    extended_periods: list[str]
    every_saturday: bool
    saturdays: list[str] = strawberry.field(description="值班的周六，YYYY-MM-DD；只能新增今后的周六")
    saturday_periods: list[str]
    saturday_windows: list[str]
    queues: list[str] | None = strawberry.field(default=None, description="可预约的业务类别；为空表示全部")

    def document(self) -> dict[str, Any]:
        return {
            "capacity": self.capacity, "daysAhead": self.days_ahead, "periods": self.periods,
            "extendedPeriods": self.extended_periods, "saturdays": "every" if self.every_saturday else self.saturdays,
            "saturdayPeriods": self.saturday_periods, "saturdayWindows": self.saturday_windows, "queues": self.queues,
        }


def roster_type(found: roster_edit.RosterView) -> RosterType:
    doc, stored = found.document, found.stored
    every = doc["saturdays"] == "every"
    return RosterType(
        center=found.center.code, capacity=doc["capacity"], days_ahead=doc["daysAhead"], periods=doc["periods"],
        extended_periods=doc["extendedPeriods"], every_saturday=every,
        saturdays=[] if every else [date.fromisoformat(d) for d in doc["saturdays"]],
        saturday_periods=doc["saturdayPeriods"], saturday_windows=doc["saturdayWindows"], queues=doc["queues"],
        source="screen" if stored else "file",
        updated_by=(stored.updated_by.display_name or stored.updated_by.username) if stored and stored.updated_by else None,
        updated_at=stored.updated_at if stored else None, can_edit=found.can_edit,
        windows=[RosterWindowType(code=w.code, name=w.name) for w in found.windows],
        all_queues=[QueueType(code=q.code, name=q.name, windows=list(q.windows), waiting=0) for q in found.queues],
        history=[RosterChangeType(user=c.user.username if c.user else None,
                                  user_name=(c.user.display_name or c.user.username) if c.user else None,
                                  at=c.at, summary=c.summary) for c in found.history],
    )


RosterResult = Annotated[RosterType | UserErrors, strawberry.union("HallRosterResult")]


@strawberry.type
class Query:
    @strawberry.field(description="本中心的预约值班表及修改记录（本中心工作人员）")
    async def hall_roster(self, info: Info, center: str) -> RosterType:
        return roster_type(await roster_edit.view(info.context.actor, center))


@strawberry.type
class Mutation:
    @strawberry.mutation(description="修改预约值班表（督查、管理员）：整表校验；会使已有预约失效的修改被拒绝并列出这些预约")
    async def save_hall_roster(self, info: Info, center: str, input: RosterInput) -> RosterResult:
        return await mutation_result(lambda: roster_edit.save(info.context.actor, center, input.document()), roster_type)
