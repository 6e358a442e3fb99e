"""出件登记簿: the pickup register of a period, as rows and as a numbered, verifiable PDF."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from tortoise.transactions import in_transaction

from core.api import (
    Actor,
    Center,
    local_midnight,
    Document,
    PICKUP_METHODS,
    UserErrorsException,
    get_center,
    issue_document,
    period_text,
    require_plugin,
)

from .models import PickupRecord
from .rules import mask_id_number

PLUGIN = "one_window"
REGISTER_ROLES = ("pickup", "clerk", "head", "supervisor", "admin")
MAX_DAYS = 366
KIND = "pickup_register"


@dataclass(frozen=True)
class PickupRow:
    """One line of the register; the ID number is already masked."""

    case_id: int
    number: str
    item: str
    applicant: str
    method: str
    method_label: str
    receiver: str
    id_number: str
    tracking_number: str
    by: str
    at: datetime


def check_period(start: date, end: date) -> None:
    if end < start:
        raise UserErrorsException.single("range.order", "截止日期不能早于起始日期", "/to")
    if (end - start).days + 1 > MAX_DAYS:
        raise UserErrorsException.single("range.too_long", f"登记期间不能超过{MAX_DAYS}天，请分段查询", "/to")


async def register_center(actor: Actor, center_code: str) -> Center:
    """The center, if it enables one_window and the actor works its windows or supervises it."""
    center = await get_center(center_code)
    require_plugin(center, PLUGIN)
    actor.require(center.id, *REGISTER_ROLES)
    return center


async def register_rows(center: Center, start: date, end: date) -> list[PickupRow]:
    """Pickups recorded from ``start`` to ``end`` (China dates, inclusive), oldest first."""
    check_period(start, end)
    since, until = local_midnight(start), local_midnight(end + timedelta(days=1))
    records = await (
        PickupRecord.filter(case__center_id=center.id, at__gte=since, at__lt=until)
        .order_by("at", "id").select_related("case", "case__item_version", "by")
    )
    return [
        PickupRow(
            case_id=r.case.id, number=r.case.number, item=r.case.item_version.name, applicant=r.case.applicant_name,
            method=r.method, method_label=PICKUP_METHODS.get(r.method, r.method), receiver=r.receiver,
            id_number=mask_id_number(r.id_number) if r.id_number else "", tracking_number=r.tracking_number,
            by=r.by.display_name or r.by.username, at=r.at,
        )
        for r in records
    ]


def register_context(rows: list[PickupRow], start: date, end: date) -> dict[str, Any]:
    return {
        "document": {"title": "出件登记簿"},
        "register": {
            "period": period_text(start, end),
            "rows": [
                {"number": r.number, "item": r.item, "applicant": r.applicant, "method": r.method_label,
                 "receiver": r.receiver, "idNumber": r.id_number, "trackingNumber": r.tracking_number,
                 "at": r.at, "by": r.by}
                for r in rows
            ],
        },
    }


async def print_register(govhall: Any, actor: Actor, center_code: str, start: date, end: date) -> Document:
    """Issue the pickup register of a period (no case: only register roles may download it)."""
    center = await register_center(actor, center_code)
    rows = await register_rows(center, start, end)
    async with in_transaction():
        return await issue_document(govhall, center=center, kind=KIND, context=register_context(rows, start, end))
