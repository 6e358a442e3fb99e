"""代办帮办: an applicant asks for a free agent, a head assigns one, the agent files the case on the
applicant's behalf (``submitCase(onBehalfOf: ...)``) and the request is marked filed (the enterprise zone's rules)."""

from __future__ import annotations

from typing import Any

from core.api import (
    Actor,
    Case,
    Center,
    NotFound,
    RoleAssignment,
    User,
    UserError,
    UserErrorsException,
    acall_first,
    is_valid_mobile,
    latest_version,
    require_plugin,
)
from core.api import now as clock_now

from .models import AGENCY_LABELS, AgencyRequest
from .zone import PLUGIN, ZONE_STAFF, case_item_code, public_item, zone_center

NOTE_MAX = 500
OPEN = ("pending", "assigned")


async def request_agency(actor: Actor, center_code: str, item_code: str, contact_mobile: str, note: str = "") -> AgencyRequest:
    """Record an applicant's request for the free agency service."""
    user = actor.require_login()
    center = await zone_center(center_code)
    item = public_item(await latest_version(center, item_code))
    mobile, note = contact_mobile.strip(), (note or "").strip()
    errors = []
    if not is_valid_mobile(mobile):
        errors.append(UserError("format.mobile-cn", "联系手机应为11位手机号码", "/contactMobile"))
    if len(note) > NOTE_MAX:
        errors.append(UserError("too_long", f"说明不能超过{NOTE_MAX}字", "/note"))
    if errors:
        raise UserErrorsException(errors)
    if await AgencyRequest.exists(center=center, applicant=user, item_code=item.code, status__in=OPEN):
        raise UserErrorsException.single("duplicate", f"您已申请“{item.name}”的代办服务，请等待代办员联系", "/item")
    return await AgencyRequest.create(
        center=center, applicant=user, item_code=item.code, item_name=item.name, contact_mobile=mobile, note=note,
        created_at=clock_now(),
    )


async def load_request(request_id: Any) -> AgencyRequest:
    try:
        key = int(request_id)
    except (TypeError, ValueError):
        raise NotFound("代办申请不存在")
    found = await AgencyRequest.get_or_none(id=key).select_related("center", "applicant", "agent", "case")
    if found is None:
        raise NotFound("代办申请不存在")
    return found


async def assign_agent(govhall: Any, actor: Actor, request_id: Any, agent_username: str) -> AgencyRequest:
    """A head assigns (or reassigns) an agent of the center; the applicant gets an SMS."""
    request = await load_request(request_id)
    center: Center = request.center
    require_plugin(center, PLUGIN)
    head = actor.require(center.id, "head")
    if request.status not in OPEN:
        raise UserErrorsException.single("state", f"该代办申请{AGENCY_LABELS[request.status]}，不能再指派", "/request")
    if not agent_username.strip():
        raise UserErrorsException.single("required", "请先查找并选择代办员", "/agentUsername")
    agent = await User.get_or_none(username=agent_username.strip())
    if agent is None or not await RoleAssignment.exists(user=agent, center=center, role="agent"):
        raise UserErrorsException.single("not_agent", f"“{agent_username}”不是本中心的代办员", "/agentUsername")
    request.agent, request.assigned_by = agent, head
    request.status, request.assigned_at = "assigned", clock_now()
    await request.save(update_fields=["agent_id", "assigned_by_id", "status", "assigned_at"])
    name = agent.display_name or agent.username
    phone = f"，联系电话{agent.phone}" if agent.phone else ""
    text = f"【{center.name}】您申请的“{request.item_name}”免费代办帮办服务已安排代办员{name}{phone}，请保持电话畅通。"
    await acall_first(govhall.hub.for_center(center).send_notification, center=center, recipient=request.contact_mobile,
                      text=text, case=None)
    return request


async def list_requests(actor: Actor, center_code: str, status: str | None = None) -> list[AgencyRequest]:
    """Zone staff see every request; an agent those assigned to them; an applicant their own."""
    user = actor.require_login()
    center = await zone_center(center_code)
    query = AgencyRequest.filter(center=center)
    if actor.has(center.id, *ZONE_STAFF):
        pass
    elif actor.has(center.id, "agent"):
        query = query.filter(agent_id=user.id)
    else:
        query = query.filter(applicant_id=user.id)
    if status:
        if status not in AGENCY_LABELS:
            raise UserErrorsException.single("status", f"状态应为：{'、'.join(AGENCY_LABELS)}", "/status")
        query = query.filter(status=status)
    return await query.order_by("id").select_related("applicant", "agent", "case")


ACCEPTED = ("assigned", "filed")


async def has_agency(center: Center, agent: User, applicant: User) -> bool:
    """The applicant asked this center for agency and a head assigned this agent (代办委托已受理)."""
    return await AgencyRequest.exists(center_id=center.id, applicant_id=applicant.id, agent_id=agent.id,
                                      status__in=ACCEPTED)


async def link_filed_case(case: Case) -> AgencyRequest | None:
    """An agent filed a case for the applicant: the oldest matching assigned request is done."""
    if case.agent_id is None:  # type: ignore[attr-defined]
        return None
    code = await case_item_code(case)
    request = await AgencyRequest.filter(
        center_id=case.center_id, applicant_id=case.applicant_id, agent_id=case.agent_id,  # type: ignore[attr-defined]
        item_code=code, status="assigned",
    ).order_by("id").first()
    if request is not None:
        request.case_id, request.status = case.id, "filed"  # type: ignore[attr-defined]
        await request.save(update_fields=["case_id", "status"])
    return request

