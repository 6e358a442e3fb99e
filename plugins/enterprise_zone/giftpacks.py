"""开办大礼包: when an opening bundle is approved, its licence, free seals, tax UKey and invoices are
recorded as one pack for the unified pickup window, which hands it over (the enterprise zone's rules)."""

from __future__ import annotations

from typing import Any

from tortoise.expressions import Q

from core.api import (
    Actor,
    Case,
    CaseEvent,
    Center,
    NotFound,
    UserErrorsException,
    record_case_event,
    require_plugin,
)
from core.api import now as clock_now

from .bundles import OPENING, gift_pack_contents
from .models import GIFT_PACK_LABELS, GiftPack
from .zone import PLUGIN, ZONE_STAFF, case_item_code, zone_center

APPROVED = "approved"


async def record_gift_pack(center: Center, case: Case, event: CaseEvent) -> GiftPack | None:
    """On the change that approves an opening bundle, record its gift pack (once per case)."""
    if event.to_state != APPROVED or event.from_state == APPROVED or await case_item_code(case) != OPENING:
        return None
    data = case.data or {}
    pack, _ = await GiftPack.get_or_create(case_id=case.id, defaults={
        "center_id": center.id,
        "enterprise_name": str(data.get("enterpriseName", ""))[:256],
        "contents": gift_pack_contents(data),
        "delivery": str(data.get("delivery", "现场领取")),
        "mailing_address": str(data.get("mailingAddress", ""))[:256],
        "created_at": clock_now(),
    })
    return pack


async def list_gift_packs(actor: Actor, center_code: str, status: str | None = None) -> list[GiftPack]:
    """Zone staff see every pack; an applicant or agent the packs of the cases they own or filed."""
    user = actor.require_login()
    center = await zone_center(center_code)
    query = GiftPack.filter(center=center)
    if not actor.has(center.id, *ZONE_STAFF):
        query = query.filter(Q(case__applicant_id=user.id) | Q(case__agent_id=user.id))
    if status:
        if status not in GIFT_PACK_LABELS:
            raise UserErrorsException.single("status", f"状态应为：{'、'.join(GIFT_PACK_LABELS)}", "/status")
        query = query.filter(status=status)
    return await query.order_by("id").select_related("case", "handed_over_by")


async def load_gift_pack(pack_id: Any) -> GiftPack:
    try:
        found = await GiftPack.get_or_none(id=int(pack_id)).select_related("center", "case", "handed_over_by")
    except (TypeError, ValueError):
        found = None
    if found is None:
        raise NotFound("大礼包不存在")
    return found


async def hand_over(govhall: Any, actor: Actor, pack_id: Any, receiver: str) -> GiftPack:
    """The pickup window hands the pack over; the case's audit log records who took it."""
    pack = await load_gift_pack(pack_id)
    require_plugin(pack.center, PLUGIN)
    user = actor.require(pack.center.id, "pickup", "clerk", "head")
    receiver = receiver.strip()
    if not receiver:
        raise UserErrorsException.single("required", "请填写领取人", "/receiver")
    if pack.status != "waiting":
        raise UserErrorsException.single("state", "该大礼包已领取", "/giftPack")

    async def work(case: Case) -> dict[str, Any]:
        done = await GiftPack.filter(id=pack.id, status="waiting").update(
            status="handed_over", receiver=receiver[:64], handed_over_by_id=user.id, handed_over_at=clock_now())
        if not done:
            raise UserErrorsException.single("state", "该大礼包已领取", "/giftPack")
        return {"giftPack": {"receiver": receiver, "contents": pack.contents}}

    await record_case_event(govhall, actor, pack.case, "hand_over_gift_pack", comment=f"领取人：{receiver}", work=work)
    return await load_gift_pack(pack.id)
