"""calendarYear (public): a center's working-day calendar of one year, as the configurator checks it
after importing the year's file: the holidays and make-up working days (调休), and whether the year
is decided for good or its deadlines are still provisional."""

from __future__ import annotations

import datetime as dt

import strawberry

from core.services import clock
from core.services.centers import get_center
from core.plumbing.errors import UserErrorsException

FIRST_YEAR, LAST_YEAR = 2000, 2100


@strawberry.type(description="与平常不同的一天：周一至周五放假，或周末调休上班")
class SpecialDay:
    date: dt.date
    workday: bool
    reason: str
    provisional: bool = strawberry.field(description="按惯例推定，放假安排尚未公布")


@strawberry.type(name="CalendarYear", description="中心某年的工作日历")
class CalendarYearType:
    year: int
    decided: bool = strawberry.field(description="该年放假安排已确定（已导入或内置）；否则暂按周末及元旦、劳动节、国庆节等固定日期的节日计算")
    workdays: int = strawberry.field(description="全年工作日天数")
    days: list[SpecialDay] = strawberry.field(description="节假日和调休上班日，按日期")


@strawberry.type
class Query:
    @strawberry.field(name="calendarYear", description="中心某年的工作日历：节假日与调休上班日（公开）")
    async def calendar_year(self, center: str, year: int) -> CalendarYearType:
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise UserErrorsException.single("range", f"年份应在{FIRST_YEAR}至{LAST_YEAR}之间", "/year")
        calendar = await clock.calendar_for(await get_center(center))
        day, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
        special: list[SpecialDay] = []
        workdays = 0
        while day <= end:
            info = calendar.day_info(day)
            workdays += info.workday
            if info.workday != (day.weekday() < 5):
                special.append(SpecialDay(date=day, workday=info.workday, reason=info.reason, provisional=info.provisional))
            day += dt.timedelta(days=1)
        return CalendarYearType(year=year, decided=calendar.has_schedule(year), workdays=workdays, days=special)
