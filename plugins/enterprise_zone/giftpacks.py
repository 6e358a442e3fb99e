"""开办大礼包: when an opening bundle is approved, its licence, free seals, tax UKey and invoices are
recorded as one pack for the unified pickup window, which hands it over (the enterprise zone's rules):
the 出件 screen lists it with the result, and handing the result out in person or by courier hands
the pack over with it; the 企业专区 tab hands over one left waiting (a result printed by the applicant)."""

from __future__ import annotations

from typing import Any

from tortoise.expressions import Q

from core.api import (
    Actor,
    Case,
    CaseEvent,
    Center,
    NotFound,
    TransitionContext,
    UserErrorsException,
    record_case_event,
    require_plugin,
)
from core.api import now as clock_now

from .bundles import OPENING, gift_pack_contents
from .models import GIFT_PACK_LABELS, GiftPack
from .zone import PLUGIN, ZONE_STAFF, case_item_code, zone_center

APPROVED = "approved"
PACK_TITLE = "开办大礼包"
# 出件 methods that hand the pack over with the licence: a self-printed licence leaves the seals and
# the UKey at the window, so the pack keeps waiting there
WITH_THE_RESULT = {"in_person": "窗口领取", "courier": "快递送达"}
WITH_THE_RESULT_NOTE = "确认出件即登记大礼包已随营业执照一并发放；自助打印营业执照的，大礼包请在企业专区“开办大礼包”中另行登记领取"


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


async def pickup_extras(case: Case) -> list[dict[str, Any]] | None:
    """The case's pack while it waits, for the 出件 screen: what to hand over with the result."""
    pack = await GiftPack.get_or_none(case_id=case.id, status="waiting")
    if pack is None:
        return None
    return [{"title": PACK_TITLE, "contents": list(pack.contents or []), "methods": list(WITH_THE_RESULT),
             "note": WITH_THE_RESULT_NOTE}]


async def hand_over_with_result(ctx: TransitionContext) -> None:
    """出件 of a case whose pack waits, in person or by courier: the pack goes with the licence, recorded
    in the same transaction (and the 出件's audit event) with the receiver the window checked."""
    method = ctx.params.get("method")
    if ctx.transition.action != "deliver" or method not in WITH_THE_RESULT:
        return
    pack = await GiftPack.get_or_none(case_id=ctx.case.id, status="waiting")
    if pack is None:
        return
    receiver = str(ctx.params.get("receiver") or "").strip()
    if not receiver:  # a courier parcel without a name: the tracking number says where it went
        receiver = f"快递单号{str(ctx.params.get('trackingNumber') or '').strip()}"
    done = await GiftPack.filter(id=pack.id, status="waiting").update(
        status="handed_over", receiver=receiver[:64], handed_over_by_id=ctx.actor.user.id,  # type: ignore[union-attr]
        handed_over_at=clock_now())
    if done:
        ctx.changes["giftPack"] = {"receiver": receiver, "contents": pack.contents, "method": WITH_THE_RESULT[method]}


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
