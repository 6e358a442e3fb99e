"""下岗决定: the center's decision on a removal flag (二次投诉查实下岗, see :mod:`core.services.complaints`).

The supervision office or the center's director (roles ``supervisor``, ``admin``) records, once per
flagged complaint, either 确认下岗 with the date it takes effect and a note, or 不予下岗 with the reason.
Nobody decides about themselves (the person complained against, or anyone posted to the window or
department it names). The complaint's ``consequence`` goes from ``removal`` to ``removed`` or
``retained``; the decision is a step of the complaint (its audit) and a message to the supervisors,
heads and administrators.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from tortoise.transactions import in_transaction

from core.plumbing.errors import UserError, UserErrorsException
from core.plumbing.models import Center, Complaint, ComplaintStep
from core.services.accounts import Actor
from core.services.calendar import CENTER_TZ
from core.services.clock import local_today
from core.services.complaints import MAX_TEXT, _not_about_self, _notify, _step, load_complaint
from core.services.documents.kinds import cn_date

DECIDE_ROLES = ("supervisor", "admin")
OUTCOMES = {"removed": "确认下岗", "retained": "不予下岗"}
FLAGGED = ("removal", *OUTCOMES)


@dataclass(frozen=True)
class RemovalDecision:
    """The center's decision on one flag: ``removed`` (from ``effective_on``) or ``retained``."""

    outcome: str
    effective_on: date | None
    note: str
    decided_by: str | None
    decided_at: datetime | None
    complaint_id: int


def decision_of(row: Complaint, steps: list[ComplaintStep]) -> RemovalDecision | None:
    """The decision recorded in the complaint's steps, or ``None`` while the flag awaits one."""
    if row.consequence not in OUTCOMES:
        return None
    step = next((s for s in reversed(steps) if s.action == row.consequence), None)
    effective_on = row.removal_on if row.consequence == "removed" else None
    return RemovalDecision(
        outcome=row.consequence, effective_on=effective_on,
        note=(step.text if step else "").removeprefix(_said(effective_on, "")),
        decided_by=(step.actor.display_name or step.actor.username) if step and step.actor else None,
        decided_at=step.at if step else None, complaint_id=row.id,
    )


def _said(removal_on: date | None, note: str) -> str:
    """The decision as the complaint's log and the notice word it: the day first when confirmed."""
    return f"{cn_date(removal_on)}起下岗：{note}" if removal_on else note


def _checked(confirmed: bool, effective_on: date | None, note: str | None, verified_on: date) -> str:
    text = (note or "").strip()
    errors: list[UserError] = []
    if confirmed and effective_on is None:
        errors.append(UserError("required", "请填写下岗日期", "/date"))
    elif confirmed and effective_on is not None and effective_on < verified_on:
        errors.append(UserError("date", f"下岗日期不能早于投诉查实日期{cn_date(verified_on)}", "/date"))
    if not text or len(text) > MAX_TEXT:
        what = "请填写决定说明" if confirmed else "请填写不予下岗的理由"
        errors.append(UserError("required", f"{what}（{MAX_TEXT}字以内）", "/note"))
    if errors:
        raise UserErrorsException(errors)
    return text


async def decide_removal(
    actor: Actor, key: object, *, confirmed: bool, effective_on: date | None, note: str | None,
) -> Complaint:
    """Record the center's decision on the complaint's removal flag (once)."""
    row = await load_complaint(key)
    actor.require(row.center_id, *DECIDE_ROLES)  # type: ignore[attr-defined]
    _not_about_self(actor, row, "决定是否下岗")
    if row.consequence in OUTCOMES:
        raise UserErrorsException.single("state", f"该下岗建议已有决定：{OUTCOMES[row.consequence]}", None)
    if row.consequence != "removal":
        raise UserErrorsException.single("state", "该投诉没有下岗建议，无需决定", None)
    verified_on = row.verified_at.astimezone(CENTER_TZ).date() if row.verified_at else local_today()
    text = _checked(confirmed, effective_on, note, verified_on)
    outcome = "removed" if confirmed else "retained"
    removal_on = effective_on if confirmed else None
    said = _said(removal_on, text)
    name = row.staff.display_name or row.staff.username if row.staff else ""
    async with in_transaction():
        if not await Complaint.filter(id=row.id, consequence="removal").update(consequence=outcome, removal_on=removal_on):
            raise UserErrorsException.single("state", "该下岗建议已有决定", None)
        row.consequence, row.removal_on = outcome, removal_on
        await _step(row, actor, outcome, said)
        await _notify(row, ("supervisor", "head", "admin"),
                      f"【下岗决定】第{row.id}号投诉：{name}{OUTCOMES[outcome]}（{said}）")
    return await load_complaint(row.id)


async def decisions_by_staff(center: Center) -> dict[int, RemovalDecision | None]:
    """{user id: the decision on their latest removal flag, or ``None`` while it awaits one}, for
    everyone flagged in the center."""
    rows = await Complaint.filter(center_id=center.id, consequence__in=FLAGGED, staff_id__not_isnull=True).order_by("id")
    latest: dict[int, Complaint] = {}
    for row in rows:
        latest[row.staff_id] = row  # type: ignore[attr-defined]
    decided = [r.id for r in latest.values() if r.consequence in OUTCOMES]
    steps: dict[int, list[ComplaintStep]] = {}
    for step in await ComplaintStep.filter(complaint_id__in=decided, action__in=list(OUTCOMES)).order_by("id").select_related("actor"):
        steps.setdefault(step.complaint_id, []).append(step)  # type: ignore[attr-defined]
    return {staff: decision_of(row, steps.get(row.id, [])) for staff, row in latest.items()}
