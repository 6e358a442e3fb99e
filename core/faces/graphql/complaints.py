"""投诉 fields, in every center: intake, assignment, escalation, reply, follow-up, verification, and
the consequences (通报 / 下岗) the supervision office watches. The service is :mod:`core.services.complaints`."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import strawberry

from core.services import complaint_removal as removal
from core.services import complaints as service
from core.plumbing.models import Complaint, ComplaintStep
from core.faces.graphql.context import Info
from core.faces.graphql.types import UserErrors, mutation_result
from core.services.centers import get_center


@strawberry.type(name="ComplaintStep", description="投诉的跟踪处理记录")
class StepType:
    action: str
    action_label: str
    actor: str | None
    text: str
    at: datetime


@strawberry.type(name="RemovalDecision", description="中心对下岗建议的决定：确认下岗（下岗日期、说明）或不予下岗（理由）")
class RemovalDecisionType:
    outcome: str = strawberry.field(description="removed 确认下岗，retained 不予下岗")
    outcome_label: str
    effective_on: date | None = strawberry.field(description="下岗日期（确认下岗时）")
    note: str = strawberry.field(description="决定说明或不予下岗的理由")
    decided_by: str | None
    decided_at: datetime | None


def decision_type(found: removal.RemovalDecision) -> RemovalDecisionType:
    return RemovalDecisionType(
        outcome=found.outcome, outcome_label=removal.OUTCOMES[found.outcome], effective_on=found.effective_on,
        note=found.note, decided_by=found.decided_by, decided_at=found.decided_at,
    )


@strawberry.type(name="Complaint", description="投诉")
class ComplaintType:
    id: strawberry.ID
    channel: str
    channel_label: str
    text: str
    complainant: str
    case_id: strawberry.ID | None
    case_number: str | None
    department: str | None
    window: str | None
    staff: str | None = strawberry.field(description="被投诉人（用户名）")
    staff_name: str | None
    verified: bool
    reply: str
    status: str = strawberry.field(description="待核查、属实、不属实")
    stage: str = strawberry.field(description="filed、assigned、escalated、replied、verified")
    stage_label: str
    due_on: date | None = strawberry.field(description="答复期限")
    overdue: bool = strawberry.field(description="未答复且已超过答复期限")
    written_reply: bool = strawberry.field(description="须书面答复（匿名投诉不须）")
    anonymous: bool = strawberry.field(
        description="匿名投诉（未署名的12345转办、意见箱投诉）：无从联系投诉人，无需书面答复，处理结果记录并公示")
    assignee: str | None = strawberry.field(description="承办人（用户名）")
    assignee_name: str | None = strawberry.field(description="承办人姓名")
    escalated: bool = strawberry.field(description="已上报主任室")
    consequence: str | None = strawberry.field(
        description="notice 通报，removal 下岗（待中心决定），removed 已确认下岗，retained 不予下岗")
    consequence_label: str | None
    received_by: str | None
    verified_by: str | None
    created_at: datetime

    loaded_steps: strawberry.Private[list[ComplaintStep] | None] = None
    row: strawberry.Private[Complaint | None] = None

    async def _steps(self) -> list[ComplaintStep]:
        if self.loaded_steps is None:
            self.loaded_steps = (await service.steps_for([int(self.id)])).get(int(self.id), [])
        return self.loaded_steps

    @strawberry.field(description="中心对下岗建议的决定；尚未决定或没有下岗建议时为空")
    async def removal_decision(self) -> RemovalDecisionType | None:
        if self.row is None or self.row.consequence not in removal.OUTCOMES:
            return None
        found = removal.decision_of(self.row, await self._steps())
        return decision_type(found) if found else None

    @strawberry.field(description="跟踪处理记录，按时间先后")
    async def steps(self) -> list[StepType]:
        rows = await self._steps()
        return [StepType(action=s.action, action_label=service.ACTIONS.get(s.action, s.action),
                         actor=(s.actor.display_name or s.actor.username) if s.actor else None, text=s.text, at=s.at)
                for s in rows]


@strawberry.type(name="ComplaintConsequence", description="被投诉查实的人员：一次通报，二次下岗（待中心决定）")
class ConsequenceType:
    staff: str
    staff_name: str
    count: int
    consequence: str = strawberry.field(description="notice 通报，removal 下岗（待中心决定），removed 已确认下岗，retained 不予下岗")
    consequence_label: str
    complaint_ids: list[strawberry.ID]
    removal: RemovalDecisionType | None = strawberry.field(description="最近一次下岗建议的决定；待决定或只有通报时为空")
    removal_pending: bool = strawberry.field(description="有待中心决定的下岗建议")


STAGE_LABELS = {"filed": "待分派", "assigned": "办理中", "escalated": "已上报主任室", "replied": "已答复", "verified": "已核查"}


def _name(user) -> str | None:  # type: ignore[no-untyped-def]
    return (user.display_name or user.username) if user else None


def complaint_type(row: Complaint) -> ComplaintType:
    status = "属实" if row.verified else ("不属实" if row.verified_at else "待核查")
    stage = service.stage(row)
    label = "已记录处理结果" if stage == "replied" and service.is_anonymous(row) else STAGE_LABELS[stage]
    return ComplaintType(
        id=strawberry.ID(str(row.id)), channel=row.channel, channel_label=service.CHANNELS.get(row.channel, row.channel),
        text=row.text, complainant=row.complainant,
        case_id=strawberry.ID(str(row.case.id)) if row.case else None, case_number=row.case.number if row.case else None,
        department=row.department.code if row.department else None, window=row.window.code if row.window else None,
        staff=row.staff.username if row.staff else None, staff_name=_name(row.staff), verified=row.verified,
        reply=row.reply, status=status, stage=stage, stage_label=label, due_on=row.due_on,
        overdue=service.is_overdue(row), written_reply=service.needs_written_reply(row), anonymous=service.is_anonymous(row),
        assignee=row.assignee.username if row.assignee else None, assignee_name=_name(row.assignee), escalated=row.escalated_at is not None,
        consequence=row.consequence or None, consequence_label=service.CONSEQUENCES.get(row.consequence),
        received_by=_name(row.received_by), verified_by=_name(row.verified_by), created_at=row.created_at, row=row,
    )


def consequence_type(c: service.Consequence, decisions: dict[int, removal.RemovalDecision | None]) -> ConsequenceType:
    decided = decisions.get(c.staff.id)
    return ConsequenceType(
        staff=c.staff.username, staff_name=c.staff.display_name or c.staff.username, count=c.count,
        consequence=decided.outcome if decided else c.consequence,
        consequence_label=service.CONSEQUENCES[decided.outcome if decided else c.consequence],
        complaint_ids=[strawberry.ID(str(k)) for k in c.complaint_ids],
        removal=decision_type(decided) if decided else None,
        removal_pending=c.staff.id in decisions and decided is None,
    )


@strawberry.type(name="MyComplaint", description="申请人本人在网上对自己办件的投诉：内容、答复期限和书面答复")
class MyComplaintType:
    id: strawberry.ID
    center_code: str
    center_name: str
    case_id: strawberry.ID
    case_number: str
    text: str
    created_at: datetime
    due_on: date | None = strawberry.field(description="答复期限")
    status: str = strawberry.field(description="answered 已答复，pending 处理中")
    status_label: str
    reply: str = strawberry.field(description="书面答复；未答复时为空")
    replied_at: datetime | None


def my_complaint_type(row: Complaint) -> MyComplaintType:
    answered = row.replied_at is not None
    return MyComplaintType(
        id=strawberry.ID(str(row.id)), center_code=row.center.code, center_name=row.center.name, case_id=strawberry.ID(str(row.case.id)),  # type: ignore[union-attr]
        case_number=row.case.number, text=row.text, created_at=row.created_at, due_on=row.due_on,  # type: ignore[union-attr]
        status="answered" if answered else "pending", status_label="已答复" if answered else "处理中",
        reply=row.reply if answered else "", replied_at=row.replied_at,
    )


@strawberry.type(name="PublishedComplaintResult",
                 description="匿名投诉处理结果公示：投诉类别、涉及的部门窗口、公示日期和处理结果；不含投诉人、被投诉人和投诉内容")
class PublishedResultType:
    id: strawberry.ID = strawberry.field(description="投诉编号")
    category: str = strawberry.field(description="投诉类别：12345热线投诉、意见箱投诉")
    subject: str = strawberry.field(description="涉及的部门、窗口；未指明的为本中心")
    published_on: date = strawberry.field(description="处理结果记录（公示）日期")
    result: str = strawberry.field(description=f"处理结果：其中的手机号码、身份证号码已遮盖（139****2222），"
                                   f"超过{service.PUBLISHED_RESULT_CHARS}字的以…截断（全文见后台）")
    finding: str | None = strawberry.field(description="督查科核查结论：属实、不属实；尚未核查时为空")


def published_type(found: service.PublishedResult) -> PublishedResultType:
    return PublishedResultType(id=strawberry.ID(str(found.id)), category=found.category, subject=found.subject,
                               published_on=found.published_on, result=found.result, finding=found.finding)


ComplaintResult = Annotated[ComplaintType | UserErrors, strawberry.union("ComplaintResult")]


@strawberry.type
class Query:
    @strawberry.field(description="本中心的投诉，最新的在前（综合窗口、督查科、首席代表、管理员；承办人看分派给自己的）")
    async def complaints(self, info: Info, center: str, pending: bool | None = None) -> list[ComplaintType]:
        rows = await service.list_complaints(info.context.actor, center, pending)
        steps = await service.steps_for([k.id for k in rows])  # one query for the whole list
        listed = [complaint_type(k) for k in rows]
        for item in listed:
            item.loaded_steps = steps.get(int(item.id), [])
        return listed

    @strawberry.field(description="我的投诉：本人在网上对自己办件的投诉及其书面答复，各中心合在一起，最新的在前")
    async def my_complaints(self, info: Info) -> list[MyComplaintType]:
        return [my_complaint_type(k) for k in await service.my_complaints(info.context.actor)]

    @strawberry.field(description=f"匿名投诉处理结果公示（无需登录）：本中心公示期内（Center.complaintPublicityDays，默认"
                      f"{service.DEFAULT_PUBLICITY_DAYS}天）记录的最近{service.PUBLISHED_SHOWN}条，最新的在前")
    async def published_complaint_results(self, center: str) -> list[PublishedResultType]:
        return [published_type(k) for k in await service.published_results(center)]

    @strawberry.field(description="投诉查实的后果：一次投诉查实通报，二次投诉查实下岗（督查科、首席代表、管理员）")
    async def complaint_consequences(self, info: Info, center: str) -> list[ConsequenceType]:
        found = await service.consequences(info.context.actor, center)
        decisions = await removal.decisions_by_staff(await get_center(center)) if found else {}
        return [consequence_type(c, decisions) for c in found]


@strawberry.type
class Mutation:
    @strawberry.mutation(description="登记投诉：综合窗口、督查科登记当面、电话、书面、12345等投诉；申请人可就本人办件网上投诉")
    async def file_complaint(
        self, info: Info, center: str, text: str, channel: str | None = None,
        case: Annotated[strawberry.ID | None, strawberry.argument(
            description="涉及的办件：办件ID或办件编号（如 LZ-20261129-000003）")] = None,
        department: str | None = None, window: str | None = None, staff: str | None = None,
        complainant: str | None = None,
    ) -> ComplaintResult:
        given = service.ComplaintInput(
            channel=channel or "written", text=text, case=str(case) if case else None, department=department,
            window=window, staff=staff, complainant=complainant or "",
        )
        actor = info.context.actor
        return await mutation_result(lambda: service.file_complaint(actor, center, given), complaint_type)

    @strawberry.mutation(description="分派投诉给工作人员办理（不能分派给被投诉人或被投诉部门的人员）")
    async def assign_complaint(self, info: Info, id: strawberry.ID, assignee: str) -> ComplaintResult:
        return await mutation_result(lambda: service.assign_complaint(info.context.actor, id, assignee), complaint_type)

    @strawberry.mutation(description="较复杂或涉及两个以上部门的投诉上报主任室（督查科、管理员）")
    async def escalate_complaint(self, info: Info, id: strawberry.ID, note: str) -> ComplaintResult:
        return await mutation_result(lambda: service.escalate_complaint(info.context.actor, id, note), complaint_type)

    @strawberry.mutation(description="答复投诉人（书面投诉须书面答复）；匿名投诉记录处理结果并公示")
    async def reply_complaint(self, info: Info, id: strawberry.ID, reply: str) -> ComplaintResult:
        return await mutation_result(lambda: service.reply_complaint(info.context.actor, id, reply), complaint_type)

    @strawberry.mutation(description="记录投诉的跟踪处理情况")
    async def note_complaint(self, info: Info, id: strawberry.ID, text: str) -> ComplaintResult:
        return await mutation_result(lambda: service.note_complaint(info.context.actor, id, text), complaint_type)

    @strawberry.mutation(description="核查投诉（督查科）：是否属实，一经核查不可更改；尚未答复的同时答复；不能核查涉及本人的投诉")
    async def verify_complaint(
        self, info: Info, id: strawberry.ID, verified: bool, reply: str | None = None
    ) -> ComplaintResult:
        return await mutation_result(
            lambda: service.verify_complaint(info.context.actor, id, verified, reply), complaint_type
        )

    @strawberry.mutation(description="对下岗建议作出决定（督查科、主任/管理员）：确认下岗须填下岗日期和说明，不予下岗须填理由；不能决定涉及本人的")
    async def decide_removal(
        self, info: Info, id: strawberry.ID, confirmed: bool, note: str,
        effective_on: Annotated[date | None, strawberry.argument(name="date", description="下岗日期")] = None,
    ) -> ComplaintResult:
        return await mutation_result(
            lambda: removal.decide_removal(info.context.actor, id, confirmed=confirmed, effective_on=effective_on, note=note),
            complaint_type,
        )
