"""The GraphQL object types of the enterprise zone, and how rows become them."""

from __future__ import annotations

from datetime import date, datetime  # noqa: F401 (date: Strawberry resolves the annotations by name)

import strawberry

from core.api import User

from .giftpacks import zone_hints
from .models import AGENCY_LABELS, APPOINTMENT_LABELS, GIFT_PACK_LABELS, AgencyRequest, Appointment, GiftPack


def _name(user: User | None) -> str | None:
    return (user.display_name or user.username) if user else None


@strawberry.type(name="AgencyRequest", description="代办帮办申请：申请人申请免费代办，首席代表指派代办员")
class AgencyRequestType:
    id: strawberry.ID
    item_code: str
    item_name: str
    applicant: str = strawberry.field(description="申请人账号：代办员以此代为申报（submitCase 的 onBehalfOf）")
    applicant_name: str
    contact_mobile: str
    note: str
    status: str = strawberry.field(description="pending 待指派，assigned 已指派，filed 已代为申报，cancelled 已取消")
    status_label: str
    agent: str | None
    agent_name: str | None
    assigned_at: datetime | None
    case_id: strawberry.ID | None
    case_number: str | None
    created_at: datetime


def agency_request_type(row: AgencyRequest) -> AgencyRequestType:
    case = row.case
    return AgencyRequestType(
        id=strawberry.ID(str(row.id)), item_code=row.item_code, item_name=row.item_name, applicant=row.applicant.username,
        applicant_name=_name(row.applicant) or "", contact_mobile=row.contact_mobile, note=row.note, status=row.status,
        status_label=AGENCY_LABELS.get(row.status, row.status), agent=row.agent.username if row.agent else None,
        agent_name=_name(row.agent), assigned_at=row.assigned_at,
        case_id=strawberry.ID(str(case.id)) if case else None, case_number=case.number if case else None,
        created_at=row.created_at,
    )


@strawberry.type(name="Appointment", description="预约（含延时服务时段）")
class AppointmentType:
    id: strawberry.ID
    item_code: str
    item_name: str
    date: date
    period: str
    delayed: bool = strawberry.field(description="延时服务时段（办公时间以外）")
    status: str = strawberry.field(description="booked 已预约，cancelled 已取消")
    status_label: str
    user: str
    user_name: str
    created_at: datetime


def appointment_type(row: Appointment) -> AppointmentType:
    return AppointmentType(
        id=strawberry.ID(str(row.id)), item_code=row.item_code, item_name=row.item_name, date=row.day, period=row.period,
        delayed=row.delayed, status=row.status, status_label=APPOINTMENT_LABELS.get(row.status, row.status),
        user=row.user.username, user_name=_name(row.user) or "", created_at=row.created_at,
    )


@strawberry.type(description="在企业专区现场发放大礼包时窗口须知（如申请时选择邮寄送达），不阻止发放")
class GiftPackHint:
    text: str
    warning: bool = strawberry.field(description="是否为提醒（与申请时的选择不一致，须向申请人确认）")


@strawberry.type(name="GiftPack", description="企业开办大礼包：营业执照、免费印章、税务UKey、发票，由统一出件窗口发放")
class GiftPackType:
    id: strawberry.ID
    case_id: strawberry.ID
    case_number: str
    enterprise_name: str
    contents: list[str]
    delivery: str
    mailing_address: str
    status: str = strawberry.field(description="waiting 待领取，handed_over 已领取")
    status_label: str
    receiver: str
    handed_over_by: str | None
    handed_over_at: datetime | None
    created_at: datetime
    hints: list[GiftPackHint] = strawberry.field(description="待领取时，在企业专区现场发放前须知：申请时选择的领取方式与现场领取不一致的提醒")


def gift_pack_type(row: GiftPack) -> GiftPackType:
    return GiftPackType(
        id=strawberry.ID(str(row.id)), case_id=strawberry.ID(str(row.case.id)), case_number=row.case.number,
        enterprise_name=row.enterprise_name, contents=list(row.contents or []), delivery=row.delivery,
        mailing_address=row.mailing_address, status=row.status, status_label=GIFT_PACK_LABELS.get(row.status, row.status),
        receiver=row.receiver, handed_over_by=_name(row.handed_over_by), handed_over_at=row.handed_over_at,
        created_at=row.created_at, hints=[GiftPackHint(**hint) for hint in zone_hints(row)],
    )
