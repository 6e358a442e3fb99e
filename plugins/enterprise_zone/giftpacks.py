"""开办大礼包: when an opening bundle is approved, its licence, free seals, tax UKey and invoices are
recorded as one pack for the unified pickup window, which hands it over (the enterprise zone's rules):
the 出件 screen lists it with the result, and handing the result out in person or by courier hands
the pack over with it; the 企业专区 tab hands over one left waiting (a result printed by the applicant).
The application's 领取方式 for the pack (现场领取, 邮寄送达 with the mailing address) is shown beside it
on both, with a warning when it goes out the other way (the courier receipt prints the mailing
address): the window asks the applicant, never refuses
(the applicant at the counter may well take the pack along; the audit log records what was asked for,
the same on both)."""

from __future__ import annotations

from typing import Any

from tortoise.expressions import Q

from core.api import (
    Actor,
    Case,
    CaseEvent,
    CaseTask,
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
GRANTED = frozenset({APPROVED, "partly_approved"})  # 部分准予: the pack holds what was granted
PACK_TITLE = "开办大礼包"
# 出件 methods that hand the pack over with the licence: a self-printed licence leaves the seals and
# the UKey at the window, so the pack keeps waiting there
WITH_THE_RESULT = {"in_person": "窗口领取", "courier": "快递送达"}
WITH_THE_RESULT_NOTE = "确认出件即登记大礼包已随营业执照一并发放；自助打印营业执照的，大礼包请在企业专区“开办大礼包”中另行登记领取"
# the application's 领取方式 (qykb-yjs ``/delivery``) and the 出件 method that matches it
REQUESTED = {"现场领取": "in_person", "邮寄送达": "courier"}


async def record_gift_pack(center: Center, case: Case, event: CaseEvent) -> GiftPack | None:
    """On the change that approves an opening bundle, wholly or partly, record its gift pack (once
    per case): of a partly granted one, what its approving departments granted (none without the licence)."""
    if event.to_state not in GRANTED or event.from_state in GRANTED or await case_item_code(case) != OPENING:
        return None
    data = case.data or {}
    approved = None
    if event.to_state != APPROVED:
        approved = set(await CaseTask.filter(case_id=case.id, state=APPROVED).values_list("department__code", flat=True))
    contents = gift_pack_contents(data, approved)
    if not contents:
        return None
    pack, _ = await GiftPack.get_or_create(case_id=case.id, defaults={
        "center_id": center.id,
        "enterprise_name": str(data.get("enterpriseName", ""))[:256],
        "contents": contents,
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
             "note": WITH_THE_RESULT_NOTE, "hints": delivery_hints(pack)}]


def delivery_hints(pack: GiftPack) -> list[dict[str, Any]]:
    """What the 出件 screen says of the pack's 领取方式 in the application, per 出件 method: by courier
    the mailing address it was asked to go to (which the courier receipt prints, as the audit
    records it); a warning where the licence goes out otherwise than the pack was asked for (so
    that the window asks the applicant before handing it over)."""
    address = (pack.mailing_address or "").strip()
    if pack.delivery not in REQUESTED:  # a pack recorded before the form asked
        return []
    receipt = f"邮寄地址：{address}" if address else None
    if pack.delivery == "邮寄送达":
        at = f"（邮寄地址：{address}）" if address else ""
        return [{"method": "courier", "warning": not address, "receipt": receipt,
                 "text": f"申请时选择邮寄送达大礼包，邮寄地址：{address}" if address else "申请时选择邮寄送达大礼包，未填写邮寄地址，请与申请人确认"},
                {"method": "in_person", "warning": True,
                 "text": f"申请时选择邮寄大礼包{at}，现场领取时请确认申请人同意现场领取大礼包，不再邮寄"}]
    written = f"（申请表填写的邮寄地址：{address}）" if address else ""
    return [{"method": "courier", "warning": True, "receipt": receipt,
             "text": f"申请时选择现场领取大礼包，随营业执照快递寄出前请与申请人确认收件地址{written}"}]


def zone_hints(pack: GiftPack) -> list[dict[str, Any]]:
    """What the 企业专区 tab says of a waiting pack, which it hands over in person (a licence printed
    by the applicant left it behind): the 出件 screen's hints for collecting it at the window."""
    if pack.status != "waiting":
        return []
    return [{"text": hint["text"], "warning": hint["warning"]} for hint in delivery_hints(pack) if hint["method"] == "in_person"]


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
    changes = await _hand_over(pack, ctx.actor.user.id, receiver, method)  # type: ignore[union-attr]
    if changes is not None:
        ctx.changes["giftPack"] = changes


async def _hand_over(pack: GiftPack, user_id: int, receiver: str, method: str) -> dict[str, Any] | None:
    """Hand the waiting ``pack`` over to ``receiver`` (``method``: a key of ``WITH_THE_RESULT``; the
    企业专区 tab hands over in person), once: what the audit event records of it (``giftPack``), the
    same at 出件 and on the tab, or ``None`` when it was handed over meanwhile. ``requested``: the
    application's 领取方式 when the pack went out otherwise (after the window's warning);
    ``mailingAddress``: where it went by courier, or where the application asked it to be mailed."""
    done = await GiftPack.filter(id=pack.id, status="waiting").update(
        status="handed_over", receiver=receiver[:64], handed_over_by_id=user_id, handed_over_at=clock_now())
    if not done:
        return None
    changes: dict[str, Any] = {"receiver": receiver, "contents": pack.contents, "method": WITH_THE_RESULT[method]}
    if pack.delivery in REQUESTED and REQUESTED[pack.delivery] != method:
        changes["requested"] = pack.delivery
    address = (pack.mailing_address or "").strip()
    if address and "courier" in (method, REQUESTED.get(pack.delivery)):
        changes["mailingAddress"] = address
    return changes


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
    """The pickup window hands the pack over in person (the 企业专区 tab); the case's audit log records
    it as 出件 in person does (:func:`_hand_over`): who took it, and what the application asked for."""
    pack = await load_gift_pack(pack_id)
    require_plugin(pack.center, PLUGIN)
    user = actor.require(pack.center.id, "pickup", "clerk", "head")
    receiver = receiver.strip()
    if not receiver:
        raise UserErrorsException.single("required", "请填写领取人", "/receiver")
    if pack.status != "waiting":
        raise UserErrorsException.single("state", "该大礼包已领取", "/giftPack")

    async def work(case: Case) -> dict[str, Any]:
        changes = await _hand_over(pack, user.id, receiver, "in_person")  # at the window, as 出件 in person records it
        if changes is None:
            raise UserErrorsException.single("state", "该大礼包已领取", "/giftPack")
        return {"giftPack": changes}

    await record_case_event(govhall, actor, pack.case, "hand_over_gift_pack", comment=f"领取人：{receiver}", work=work)
    return await load_gift_pack(pack.id)
