"""The staff register (人员名册): who works where, since when, for how long at least, and who
stands in for them (AB岗). Kept by the center's administrators; read by the people overseeing
staff (supervisors, heads, administrators, and the office, supervision and leadership on the
register); everyone on it reads their own entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from core.api import (Actor, Center, Department, Forbidden, NotFound, User, UserError, UserErrorsException, Window,
                      closed_window_error, get_center, require_plugin)

from .models import POSITIONS, StaffRecord

PLUGIN = "staff"
KEEPERS = ("admin", "configurator")
OVERSEER_ROLES = ("supervisor", "head", "admin")
OVERSEER_POSITIONS = ("office", "supervision", "leadership")


async def staff_center(code: str) -> Center:
    """The center, refused when it has not enabled the plugin."""
    center = await get_center(code)
    require_plugin(center, PLUGIN)
    return center


async def record_of(center: Center, user_id: int) -> StaffRecord | None:
    return await StaffRecord.get_or_none(center_id=center.id, user_id=user_id)


async def is_overseer(actor: Actor, center: Center) -> bool:
    if actor.user is None:
        return False
    if actor.has(center.id, *OVERSEER_ROLES):
        return True
    own = await record_of(center, actor.user.id)
    return own is not None and own.position in OVERSEER_POSITIONS


async def require_overseer(actor: Actor, center: Center) -> None:
    actor.require_login()
    if not await is_overseer(actor, center):
        raise Forbidden("只有中心领导、办公室、督查科、首席代表和管理员可以查看人员考勤")


def term_ends(record: StaffRecord) -> date | None:
    """The posting date plus the minimum term (最低进驻期限), or ``None`` without one."""
    if not record.min_term_months:
        return None
    months = record.posted_on.month - 1 + record.min_term_months
    year, month = record.posted_on.year + months // 12, months % 12 + 1
    day = record.posted_on.day
    while True:
        try:
            return date(year, month, day)
        except ValueError:
            day -= 1


def default_term(center: Center) -> int:
    """The center's minimum term in months (``settings.staff.minTermMonths``), 0 without one."""
    return int(((center.settings or {}).get("staff") or {}).get("minTermMonths", 0))


async def load_register(actor: Actor, center_code: str) -> list[StaffRecord]:
    center = await staff_center(center_code)
    actor.require_login()
    query = StaffRecord.filter(center_id=center.id)
    if not await is_overseer(actor, center) and not actor.has(center.id, *KEEPERS):
        query = query.filter(user_id=actor.user.id)  # type: ignore[union-attr]
    return await query.select_related("user", "department", "window", "partner").order_by("user__username")


@dataclass
class RecordInput:
    username: str
    position: str
    posted_on: date
    department: str | None = None
    window: str | None = None
    min_term_months: int | None = None
    partner: str | None = None
    card: str | None = None


async def _user(username: str, path: str, errors: list[UserError]) -> User | None:
    user = await User.get_or_none(username=username.strip())
    if user is None:
        errors.append(UserError("unknown_user", f"账号“{username}”不存在", path))
    return user


async def save_record(actor: Actor, center_code: str, data: RecordInput) -> StaffRecord:
    """Add or change a person's register entry; every problem at once, nothing saved on any."""
    center = await staff_center(center_code)
    actor.require(center.id, *KEEPERS)
    errors: list[UserError] = []
    user = await _user(data.username, "/username", errors)
    if data.position not in POSITIONS:
        errors.append(UserError("unknown_position", f"岗位应为：{'、'.join(POSITIONS.values())}", "/position"))
    department = window = partner = None
    if data.department:
        department = await Department.get_or_none(center_id=center.id, code=data.department)
        if department is None:
            errors.append(UserError("unknown_department", f"本中心没有部门“{data.department}”", "/department"))
    if data.window:
        window = await Window.get_or_none(center_id=center.id, code=data.window)
        if window is None:
            errors.append(UserError("unknown_window", f"本中心没有窗口“{data.window}”", "/window"))
        elif user is not None and not await StaffRecord.filter(center_id=center.id, user_id=user.id, window_id=window.id).exists():
            closed = closed_window_error(window, "/window")  # a closed window takes no new post; one kept is kept
            if closed is not None:
                errors.append(closed)
    if data.partner:
        partner = await _user(data.partner, "/partner", errors)
        if partner is not None and user is not None and partner.id == user.id:
            errors.append(UserError("own_partner", "AB岗顶岗人员不能是本人", "/partner"))
        elif partner is not None and await record_of(center, partner.id) is None:
            errors.append(UserError("partner_not_registered", f"顶岗人员“{partner.display_name or partner.username}”不在本中心人员名册中", "/partner"))
    term = default_term(center) if data.min_term_months is None else data.min_term_months
    if term < 0 or term > 240:
        errors.append(UserError("range", "最低进驻期限应在0至240个月之间", "/minTermMonths"))
    card = (data.card or "").strip() or None
    if card and user is not None and await StaffRecord.filter(center_id=center.id, card=card).exclude(user_id=user.id).exists():
        errors.append(UserError("card_taken", f"考勤卡“{card}”已登记给他人", "/card"))
    if errors:
        raise UserErrorsException(errors)
    assert user is not None
    values = {"department": department, "window": window, "position": data.position, "posted_on": data.posted_on,
              "min_term_months": term, "partner": partner, "card": card}
    record, _ = await StaffRecord.update_or_create(values, center_id=center.id, user_id=user.id)
    return await StaffRecord.get(id=record.id).select_related("user", "department", "window", "partner")


async def remove_record(actor: Actor, center_code: str, username: str) -> StaffRecord:
    center = await staff_center(center_code)
    actor.require(center.id, *KEEPERS)
    record = await StaffRecord.get_or_none(center_id=center.id, user__username=username).select_related(
        "user", "department", "window", "partner")
    if record is None:
        raise NotFound(f"“{username}”不在本中心人员名册中")
    await record.delete()
    return record
