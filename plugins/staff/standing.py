"""The attendance rules' consequences, computed from the register, the clock-ins and approved
leave (thresholds in ``settings.staff.thresholds``, defaults below):

* a month: 事假 more than 3 days, 病假 more than 7 days, or half a day or more absent without
  leave → no monthly bonus (扣发当月考核奖);
* a year: 事假 and 病假 together more than 90 days, or 2 days or more absent → no annual bonus
  (取消考核奖); 3 days or more absent → returned to their department (退回部门).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from core.api import Actor, Center, UserErrorsException

from .attendance import PersonMonth, month_bounds, sheets, visible_records
from .register import staff_center

DEFAULTS = {"monthPersonalDays": 3, "monthSickDays": 7, "monthAbsentDays": 0.5,
            "yearLeaveDays": 90, "yearAbsentDays": 2, "returnAbsentDays": 3}


def thresholds(center: Center) -> dict[str, float]:
    given: dict[str, Any] = ((center.settings or {}).get("staff") or {}).get("thresholds") or {}
    return {k: float(given.get(k, v)) for k, v in DEFAULTS.items()}


@dataclass
class Standing:
    sheet: PersonMonth
    personal_days: float
    sick_days: float
    absent_days: float
    late: int
    early: int
    bonus: bool
    returned: bool
    reasons: list[tuple[str, str]]


def month_standing(sheet: PersonMonth, limits: dict[str, float]) -> Standing:
    personal, sick, absent = sheet.leave_days("personal"), sheet.leave_days("sick"), sheet.absent_days
    reasons = []
    if personal > limits["monthPersonalDays"]:
        reasons.append(("personal_leave", f"当月事假{personal:g}天，超过{limits['monthPersonalDays']:g}天"))
    if sick > limits["monthSickDays"]:
        reasons.append(("sick_leave", f"当月病假{sick:g}天，超过{limits['monthSickDays']:g}天"))
    if absent >= limits["monthAbsentDays"]:
        reasons.append(("absent", f"当月旷工{absent:g}天"))
    return Standing(
        sheet=sheet,
        personal_days=personal,
        sick_days=sick,
        absent_days=absent,
        late=sheet.late,
        early=sheet.early,
        bonus=not reasons,
        returned=False,
        reasons=reasons,
    )


def year_standing(sheet: PersonMonth, limits: dict[str, float]) -> Standing:
    personal, sick, absent = sheet.leave_days("personal"), sheet.leave_days("sick"), sheet.absent_days
    reasons = []
    if personal + sick > limits["yearLeaveDays"]:
        reasons.append(("leave", f"全年事假、病假累计{personal + sick:g}天，超过{limits['yearLeaveDays']:g}天"))
    if absent >= limits["yearAbsentDays"]:
        reasons.append(("absent", f"全年累计旷工{absent:g}天"))
    returned = absent >= limits["returnAbsentDays"]
    if returned:
        reasons.append(("return", f"累计旷工{absent:g}天，作退回部门处理"))
    bonus = not any(code in ("leave", "absent") for code, _ in reasons)
    return Standing(
        sheet=sheet,
        personal_days=personal,
        sick_days=sick,
        absent_days=absent,
        late=sheet.late,
        early=sheet.early,
        bonus=bonus,
        returned=returned,
        reasons=reasons,
    )


async def month_standings(actor: Actor, center_code: str, month: str, username: str | None = None) -> list[Standing]:
    center = await staff_center(center_code)
    first, last = month_bounds(month)
    limits = thresholds(center)
    return [month_standing(s, limits) for s in await sheets(center, await visible_records(actor, center, username), first, last)]


async def year_standings(actor: Actor, center_code: str, year: int, username: str | None = None) -> list[Standing]:
    center = await staff_center(center_code)
    if not 2000 <= year <= 2100:
        raise UserErrorsException.single("range", "年份不正确", "/year")
    limits = thresholds(center)
    records = await visible_records(actor, center, username)
    return [year_standing(s, limits) for s in await sheets(center, records, date(year, 1, 1), date(year, 12, 31))]
