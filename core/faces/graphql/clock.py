"""dueDate (public), supervision and statistics (supervisors, heads, administrators), importCalendar
(administrators). The services are :mod:`core.services.clock` and :mod:`core.services.stats`; this module only
checks who may call and shapes the answers."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import strawberry
from strawberry.scalars import JSON

from core.services import clock, stats
from core.services.calendar import Deadline, WorkCalendar, explain_text
from core.services.centers import get_center
from core.services.notifications import tell_promise_moved
from core.plumbing.errors import UserErrorsException
from core.plumbing.models import Center as CenterRow
from core.plumbing.models import Department as DepartmentRow
from core.faces.graphql.cases import Alert
from core.faces.graphql.context import Info
from core.faces.graphql.types import UserErrors, mutation_result

SUPERVISION_ROLES = ("supervisor", "head", "admin")

MAX_EXPLAINED_DAYS = 400
"""Days a ``dueDate`` answer explains one by one: what one request can make the server write out."""


@strawberry.type(description="期限计算中的一天：是否计入、第几个工作日、原因")
class DeadlineDay:
    date: dt.date
    counted: bool
    ordinal: int | None
    reason: str


@strawberry.type(description="按中心工作日历计算的到期日及逐日说明")
class DueDate:
    date: dt.date | None = strawberry.field(description="到期日；暂停计时且尚未恢复时为 null")
    provisional: bool = strawberry.field(description="期间内有尚未公布放假安排的年份：日期可能变动")
    paused: bool
    explanation: list[DeadlineDay] = strawberry.field(
        description=f"逐日说明；超过 {MAX_EXPLAINED_DAYS} 天时只列前 {MAX_EXPLAINED_DAYS - 1} 天和最后一天"
    )
    explanation_text: str = strawberry.field(description="逐日说明的中文文本，便于窗口人员答复")
    explanation_truncated: bool = strawberry.field(description="逐日说明是否有省略")


def _shortened(deadline: Deadline) -> tuple[Deadline, int]:
    """The deadline with at most MAX_EXPLAINED_DAYS days explained (the first ones and the last),
    and how many were left out."""
    days = deadline.explanation
    if len(days) <= MAX_EXPLAINED_DAYS:
        return deadline, 0
    kept = [*days[: MAX_EXPLAINED_DAYS - 1], days[-1]]
    return Deadline(deadline.due, deadline.provisional, deadline.paused, kept), len(days) - len(kept)


def deadline_type(deadline: Deadline) -> DueDate:
    """A computed deadline as GraphQL sees it (also for ``Case.deadlineExplanation``)."""
    shown, left_out = _shortened(deadline)
    text = explain_text(shown)
    if left_out:
        head, _, last = text.rpartition("\n")
        text = f"{head}\n……（中间 {left_out} 天从略）\n{last}"
    return DueDate(
        date=deadline.due,
        provisional=deadline.provisional,
        paused=deadline.paused,
        explanation=[DeadlineDay(date=e.day, counted=e.counted, ordinal=e.ordinal, reason=e.reason) for e in shown.explanation],
        explanation_text=text,
        explanation_truncated=bool(left_out),
    )


@strawberry.type(description="办件统计（受理、办结、平均法定、承诺与实际工作日、实际提速、按时办结率）；"
                              "平均数和百分比在没有可计算的办件时为 null，保留两位小数")
class Statistics:
    accepted: int = strawberry.field(description="受理日在区间内的办件数")
    completed: int = strawberry.field(description="办结日在区间内的办件数")
    average_promised_days: float | None = strawberry.field(description=stats.FORMULAS["averagePromisedDays"])
    average_actual_days: float | None = strawberry.field(description=stats.FORMULAS["averageActualDays"])
    speed_up_percent: float | None = strawberry.field(description=(
        stats.FORMULAS["speedUpPercent"] + "。此前版本按（平均承诺 − 平均实际）÷ 平均承诺计算，"
        "现与年度报告的“实际提速”一致，相对法定时限计算；相对承诺时限的提速见 speedUpVsPromisedPercent"
    ))
    on_time_percent: float | None = strawberry.field(description=stats.FORMULAS["onTimePercent"])
    legal_completed: int = strawberry.field(description="办结件中有法定时限的件数（平均法定时限与实际提速按这些办件计算）")
    average_legal_days: float | None = strawberry.field(description=stats.FORMULAS["averageLegalDays"])
    speed_up_vs_promised_percent: float | None = strawberry.field(description=stats.FORMULAS["speedUpVsPromisedPercent"])


@strawberry.type
class AlertCount:
    code: str | None = strawberry.field(description="部门代码或窗口编号；未分配时为 null")
    name: str | None
    yellow: int
    red: int


@strawberry.type(description="亮黄牌或红牌的办件")
class SupervisedCase:
    id: strawberry.ID
    number: str
    state: str
    alert: Alert = strawberry.field(description="YELLOW 黄牌或 RED 红牌：与 Case.alert 同一枚举")
    promised_due: dt.date | None
    legal_due: dt.date | None
    applicant_name: str
    item_code: str
    item_name: str
    department: str | None
    department_name: str | None
    window: str | None
    window_name: str | None
    responsible: str | None = strawberry.field(description="首问负责人（受理的窗口人员）")
    days_overdue: int = strawberry.field(description="超过承诺期限的工作日数；未超期为 0")


def working_days_after(calendar: WorkCalendar, due: dt.date | None, today: dt.date) -> int:
    """Working days from the day after ``due`` through ``today``: how far a case is overdue."""
    if due is None or today <= due:
        return 0
    days, day = 0, due + dt.timedelta(days=1)
    while day <= today:
        days += calendar.is_workday(day)
        day += dt.timedelta(days=1)
    return days


@strawberry.type(description="电子监察：黄牌、红牌办件及按部门、窗口的分组计数")
class Supervision:
    yellow: int
    red: int
    cases: list[SupervisedCase]
    by_department: list[AlertCount] = strawberry.field(description="各部门的黄牌、红牌件数，按本中心部门的顺序（中心文件、中心管理所列），未分配部门的在最后")
    by_window: list[AlertCount] = strawberry.field(description="各窗口的黄牌、红牌件数，按本中心窗口的顺序（中心文件、中心管理所列），未分配窗口的在最后")


@strawberry.type(description="日历导入结果")
class CalendarImport:
    center: str
    year: int
    source: str
    holidays: int
    workdays: int
    replaced_days: int
    office_hours: list[str] = strawberry.field(description="导入后中心的办公时间")
    cases_changed: int = strawberry.field(description="期限因此重新计算的在办办件数")
    applicants_told: int = strawberry.field(
        description="承诺办结日期因此变化、已短信告知申请人的办件数（通知书载明“如有变化另行告知”）")
    office_hours_applied: bool = strawberry.field(
        description="是否采用了日历文件中的办公时间（只在指定 applyOfficeHours 或中心尚无办公时间时采用）")
    office_hours_note: str | None = strawberry.field(
        description="对日历文件中办公时间的处理说明（采用或未采用及原因）；文件没有办公时间或与中心相同时为空")


ImportCalendarResult = Annotated[CalendarImport | UserErrors, strawberry.union("ImportCalendarResult")]


async def _supervised_center(info: Info, code: str) -> CenterRow:
    center = await get_center(code)
    info.context.actor.require(center.id, *SUPERVISION_ROLES)
    return center


def _counts(rows: list[dict[str, object]]) -> list[AlertCount]:
    return [AlertCount(code=r["code"], name=r["name"], yellow=int(r["yellow"]), red=int(r["red"])) for r in rows]  # type: ignore[arg-type]


@strawberry.type
class Query:
    @strawberry.field(description="按中心工作日历计算到期日（公开）：与办件期限相同的算法")
    async def due_date(
        self,
        center: str,
        from_: Annotated[dt.date, strawberry.argument(name="from", description="起算日（受理日），从次日起计")],
        working_days: Annotated[int, strawberry.argument(description=f"工作日数，0 至 {clock.MAX_DUE_DATE_WORKING_DAYS}")],
    ) -> DueDate:
        row = await get_center(center)
        return deadline_type(await clock.due_date(row, from_, working_days))

    @strawberry.field(description="电子监察看板（督查人员、首席代表、管理员）")
    async def supervision(
        self, info: Info, center: str,
        limit: Annotated[int, strawberry.argument(description="最多列出的办件数，0 至 5000（更大按 5000）；0 只取计数")] = 500,
    ) -> Supervision:
        row = await _supervised_center(info, center)
        if limit < 0:
            raise UserErrorsException.single("range", "最多列出的办件数（limit）不能小于0", "/limit")
        board = await stats.supervision(row, limit=min(limit, 5000))
        calendar, today = await clock.calendar_for(row), clock.local_today()
        cases = [
            SupervisedCase(
                id=strawberry.ID(str(c["id"])), number=c["number"], state=c["state"], alert=Alert(c["alert"]),
                promised_due=c["promised_due"], legal_due=c["legal_due"], applicant_name=c["applicant_name"] or "",
                item_code=c["item_code"], item_name=c["item_name"], department=c["department_code"],
                department_name=c["department_name"], window=c["window_code"], window_name=c["window_name"],
                responsible=c["responsible_name"] or c["responsible_username"],
                days_overdue=working_days_after(calendar, c["promised_due"], today),
            )
            for c in board["cases"]
        ]
        return Supervision(
            yellow=board["yellow"], red=board["red"], cases=cases,
            by_department=_counts(board["byDepartment"]), by_window=_counts(board["byWindow"]),
        )

    @strawberry.field(description="办件统计（督查人员、首席代表、管理员）：受理日或办结日在区间内（含首尾）")
    async def statistics(
        self,
        info: Info,
        center: str,
        from_: Annotated[dt.date, strawberry.argument(name="from")],
        to: dt.date,
        department: str | None = None,
    ) -> Statistics:
        row = await _supervised_center(info, center)
        problem = stats.period_problem(from_, to)
        if problem is not None:
            raise UserErrorsException.single("range", problem[1], problem[0])
        department = department or None  # "" is the whole center, as in ``cases``
        if department is not None and not await DepartmentRow.exists(center_id=row.id, code=department):
            raise UserErrorsException.single("unknown_department", f"中心“{center}”没有部门“{department}”", "/department")
        figures = await stats.statistics(row, start=from_, end=to, department=department)
        return Statistics(
            accepted=figures["accepted"], completed=figures["completed"],
            average_promised_days=figures["averagePromisedDays"], average_actual_days=figures["averageActualDays"],
            speed_up_percent=figures["speedUpPercent"], on_time_percent=figures["onTimePercent"],
            legal_completed=figures["legalCompleted"], average_legal_days=figures["averageLegalDays"],
            speed_up_vs_promised_percent=figures["speedUpVsPromisedPercent"],
        )


@strawberry.type
class Mutation:
    @strawberry.mutation(description="导入中心的年度工作日历（管理员）：全部问题一次列出，有问题时不作任何修改；"
                                     "非本中心管理员（含未登录）为 forbidden")
    async def import_calendar(
        self, info: Info, center: str, document: JSON,
        apply_office_hours: Annotated[bool, strawberry.argument(
            description="用日历文件中的 officeHours 替换中心自己的办公时间；默认不替换（中心尚无办公时间时才采用）")] = False,
    ) -> ImportCalendarResult:
        actor = info.context.actor

        async def work() -> dict[str, Any]:
            row = await get_center(center)
            actor.require(row.id, "admin")  # refused as every mutation refuses: a UserError forbidden
            summary = await clock.import_calendar(
                row, document, govhall=info.context.govhall, apply_office_hours=apply_office_hours)
            summary["applicants_told"] = await tell_promise_moved(info.context.govhall, row, summary["year"], summary["promised_moved"])
            return summary

        def present(summary: dict[str, Any]) -> CalendarImport:
            return CalendarImport(
                center=summary["center"], year=summary["year"], source=summary["source"],
                holidays=summary["holidays"], workdays=summary["workdays"], replaced_days=summary["replaced_days"],
                office_hours=summary["office_hours"], cases_changed=summary["cases_changed"],
                applicants_told=summary["applicants_told"],
                office_hours_applied=summary["office_hours_applied"], office_hours_note=summary["office_hours_note"],
            )

        return await mutation_result(work, present)
