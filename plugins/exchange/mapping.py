"""What each connector sends: the event itself, the 好差评 record, the 电子监察 feed record.

docs/exchange.md documents every field. All three carry ``eventId`` (also the ``Idempotency-Key``
header): a delivery repeated after a timeout or a crash carries the same id.
"""

from __future__ import annotations

from typing import Any

from core.api import Department, OutboxEvent

# 好差评 evaluation levels (5 非常满意 … 1 非常不满意); 差评 = 不满意 or 非常不满意.
LEVELS = {5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"}
# Where the applicant rated: our case channels onto the 好差评 system's evaluation channels.
RATING_CHANNELS = {"web": "pc", "mobile": "app", "window": "pad", "courier": "sms"}
CHANNEL_LABELS = {"pc": "PC端", "app": "移动端", "pad": "政务服务窗口评价器", "sms": "短信", "other": "其他"}
# Supervision nodes (办理环节) per audit action.
NODES = {
    "submit": "申请", "accept": "受理", "finish_on_spot": "办结", "request_materials": "补正告知", "supply": "补齐材料",
    "return": "不予受理", "request_review": "申请复核", "uphold_return": "复核决定", "reply": "答复",
    "approve": "决定", "refuse": "决定", "approve_task": "部门审批", "refuse_task": "部门审批",
    "complete": "办结", "pickup": "送达", "pause": "特别程序", "resume": "恢复计时", "extend": "延期", "alert": "预警",
}
CARDS = {"YELLOW": "黄牌", "RED": "红牌", "NONE": "撤销"}


def envelope(event: OutboxEvent, center: Any) -> dict[str, Any]:
    """The generic webhook body: the event as the outbox holds it."""
    return {
        "eventId": event.event_id,
        "kind": event.kind,
        "center": getattr(center, "code", None),
        "subject": event.subject,
        "createdAt": event.created_at.isoformat() if event.created_at else None,
        "payload": event.payload,
    }


async def department_name(center: Any, code: str | None) -> str | None:
    if not code or center is None:
        return None
    row = await Department.get_or_none(center_id=center.id, code=code)
    return row.name if row else None


def _item_code(item: dict[str, Any]) -> str | None:
    """The 事项编码 the platforms know: the implementation code, else the basic code, else ours."""
    return item.get("implementationCode") or item.get("basicCode") or item.get("code")


async def haochaping(event: OutboxEvent, center: Any) -> dict[str, Any] | None:
    """A 好差评 record: an evaluation (``rating.submitted``), or the rectification of a 差评 case
    (``complaint.verified`` about a case; before it, ``complaint.published``: an anonymous
    complaint's result as published, 公示). ``None``: nothing to push for this event."""
    p = event.payload
    case = p.get("case") or {}
    if event.kind == "rating.submitted":
        rating = p["rating"]
        item = case.get("item") or {}
        # rated at a window's tablet, or online through the channel the case came in by
        channel = "pad" if rating.get("channel") == "on_site" else RATING_CHANNELS.get(case.get("channel") or "", "other")
        poor = rating["level"] <= 2
        record = {
            "eventId": event.event_id,
            "recordType": "evaluation",
            "areaCode": getattr(center, "code", None),
            "centerName": getattr(center, "name", None),
            "projectNo": case.get("number"),
            "taskCode": _item_code(item),
            "taskName": item.get("name"),
            "deptCode": case.get("department"),
            "deptName": await department_name(center, case.get("department")),
            "evaluateLevel": rating["level"],
            "evaluateLevelName": LEVELS.get(rating["level"]),
            "evaluateChannel": channel,
            "evaluateChannelName": CHANNEL_LABELS[channel],
            "evaluateContent": rating.get("comment") or "",
            "evaluateTime": rating.get("at"),
            "isBad": poor,
        }
        if poor:  # 差评: to be rectified and followed up (整改、回访)
            record["rectification"] = {"status": "待整改", "result": None, "time": None}
            record["followUp"] = {"status": "待回访", "time": None, "satisfied": None}
        return record
    if event.kind == "complaint.verified" and case:
        complaint = p["complaint"]
        status = "已整改" if complaint.get("verified") else "经核实不属实"
        return {**_rectification(event=event, center=center, case=case, complaint=complaint, status=status),
                "followUp": {"status": "待回访", "time": None, "satisfied": None}}
    if event.kind == "complaint.published" and case:
        # the result of an unsigned 12345 transfer or box note, shown to the public from now on; the
        # supervision office's finding (complaint.verified) follows as its own record
        return _rectification(event=event, center=center, case=case, complaint=p["complaint"], status="处理结果已公示")
    return None


def _rectification(*, event: OutboxEvent, center: Any, case: dict[str, Any], complaint: dict[str, Any],
                   status: str) -> dict[str, Any]:
    """A 好差评 rectification record of a complaint about ``case``, its result in ``status``."""
    return {
        "eventId": event.event_id,
        "recordType": "rectification",
        "areaCode": getattr(center, "code", None),
        "projectNo": case.get("number"),
        # an unsigned 12345 transfer or box note: no written reply is due, its result is published (公示)
        "isAnonymous": bool(complaint.get("anonymous")),
        "rectification": {
            "status": status,
            "result": complaint.get("reply"),
            "time": event.created_at.isoformat() if event.created_at else None,
        },
    }


async def supervision(event: OutboxEvent, center: Any) -> dict[str, Any] | None:
    """A 电子监察 feed record: one case's progress (a node reached) or a card raised or withdrawn."""
    p = event.payload
    case = p.get("case")
    if not case:
        return None
    item = case.get("item") or {}
    step = p.get("event") or {}
    record: dict[str, Any] = {
        "eventId": event.event_id,
        "eventType": event.kind,
        "areaCode": getattr(center, "code", None),
        "caseNo": case.get("number"),
        "itemCode": _item_code(item),
        "itemName": item.get("name"),
        "itemType": item.get("itemType"),
        "deptCode": case.get("department"),
        "deptName": await department_name(center, case.get("department")),
        "caseKind": case.get("kind"),
        "channel": case.get("channel"),
        "seq": step.get("seq"),
        "node": NODES.get(step.get("action") or "", step.get("action")),
        "action": step.get("action"),
        "fromState": step.get("fromState"),
        "toState": step.get("toState"),
        "handlerRole": step.get("role"),
        "handlerName": step.get("actorName"),
        "opinion": step.get("comment") or "",
        "handleTime": step.get("at"),
        "acceptTime": case.get("acceptedAt"),
        "finishTime": case.get("completedAt"),
        "promisedDays": item.get("promisedDays"),
        "legalDays": item.get("legalDays"),
        "promisedDue": case.get("promisedDue"),
        "legalDue": case.get("legalDue"),
        "alert": case.get("alert"),
    }
    if event.kind.startswith("alert."):
        alert = p.get("alert") or {}
        record["card"] = {
            "type": CARDS.get(alert.get("level") or "NONE"),
            "level": alert.get("level"),
            "timer": alert.get("timer"),
            "due": alert.get("due"),
            "reason": alert.get("comment") or step.get("comment") or "",
            "withdrawn": event.kind == "alert.cleared",
        }
    if p.get("decision"):
        record["decision"] = p["decision"]
    if p.get("documents"):
        record["documents"] = p["documents"]
    return record


MAPPERS = {"haochaping": haochaping, "supervision": supervision}
