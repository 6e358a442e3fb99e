"""Manual scores: what a supervisor enters for what the system cannot see (attendance, fees,
archives, tidiness...), against a rule of the category or as free points with a reason."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from core.api import (
    STAFF_ROLES,
    Actor,
    Center,
    Forbidden,
    Department,
    RoleAssignment,
    User,
    UserError,
    UserErrorsException,
    Window,
    local_today,
)
from core.api import now as clock_now

from .assess import ASSESSOR_ROLES, check_started, departments_added
from .models import ManualScore
from .periods import Period, parse_period
from .ruleset import SUBJECT_KINDS, category, rule_set_for
from .scoring import fmt

MAX_COUNT = 100
MAX_REASON = 500


@dataclass(frozen=True)
class ManualInput:
    kind: str
    subject: str
    period: str
    category: str
    reason: str
    rule: str | None = None
    count: int = 1
    points: float | None = None


async def subject_of(center: Center, kind: str, code: str) -> tuple[int | None, int | None]:
    """A window code, a department code or a staff member's username → (its id in the center, the
    department it belongs to, if any)."""
    if kind == "window":
        window = await Window.get_or_none(center_id=center.id, code=code)
        return (window.id, window.department_id) if window else (None, None)  # type: ignore[attr-defined]
    if kind == "department":
        department = await Department.get_or_none(center_id=center.id, code=code)
        return (department.id, department.id) if department else (None, None)
    user = await User.get_or_none(username=code)
    if user is None or not await RoleAssignment.exists(user_id=user.id, center_id=center.id):
        return None, None
    return user.id, None


def _self_dealing(actor: Actor, center: Center, kind: str, key: int, department: int | None) -> bool:
    """True when the entry would score the actor: themselves, or the window or department they are
    posted to (nobody enters points for themselves)."""
    if kind == "staff":
        return actor.user is not None and actor.user.id == key
    if kind == "window" and any(g.center_id == center.id and g.window_id == key for g in actor.grants):
        return True
    return department is not None and department in actor.departments_for(center.id, *STAFF_ROLES)


async def _before_department(center: Center, kind: str, key: int | None, period: Period | None) -> list[UserError]:
    """A department added after its center began is not assessed for a period that ended before the
    day it was added (未设立, :func:`.assess.department_year`): points for such a period are for a time it
    did not exist (a quarter's would be stored and count nowhere), so they are refused."""
    if kind != "department" or key is None or period is None:
        return []
    added = (await departments_added(center)).get(key)
    if added is None or period.end >= added:
        return []
    return [UserError("period.unset", f"该部门于{added.year}年{added.month}月{added.day}日设立，此前结束的{period.label}"
                                      "不参与考核，不能录入分数", "/period")]


async def _net_free_points(center: Center, given: ManualInput, key: int, period: str, rule_set: str) -> float:
    rows = await ManualScore.filter(center_id=center.id, subject_kind=given.kind, subject_id=key, period=period,
                                    rule_set=rule_set, category=given.category, rule="").values_list("points", flat=True)
    return float(sum(rows))  # type: ignore[arg-type]


def _rule_points(rule: Mapping[str, Any], given: float | None, count: int) -> tuple[float, list[UserError]]:
    sign = -1 if "deduct" in rule else 1
    low = float(rule.get("deduct", rule.get("add", 0)))
    high = float(rule.get("upTo", low))
    each = low if given is None else abs(float(given))
    if not low - 1e-9 <= each <= high + 1e-9:
        span = fmt(low) if low == high else f"{fmt(low)}至{fmt(high)}"
        return 0.0, [UserError("points.range", f"“{rule['label']}”每次{'扣' if sign < 0 else '加'}{span}分", "/points")]
    return sign * each * count, []


def _points(cat: Mapping[str, Any], given: ManualInput) -> tuple[float, str, list[UserError]]:
    """(signed points, rule label, problems) for an entry in ``cat``."""
    if given.rule:
        rule = next((r for r in cat.get("manual", []) if r["code"] == given.rule), None)
        if rule is None:
            labels = "、".join(str(r["label"]) for r in cat.get("manual", [])) or "无"
            return 0.0, "", [UserError("unknown_rule", f"“{cat['name']}”没有所选的扣分规则，可用：{labels}", "/rule")]
        points, errors = _rule_points(rule, given.points, given.count)
        return points, str(rule["label"]), errors
    limit = max(float(cat["points"]), float(cat.get("ceiling", 0)))
    if given.points is None:
        return 0.0, "", [UserError("required", "未选择扣分规则时，请填写加减分值（负数为扣分）", "/points")]
    if given.points == 0:  # an entry that changes nothing is not recorded
        return 0.0, "", [UserError("points.zero", "加减分值不能为0：0分不改变得分，扣分请填负数，加分请填正数", "/points")]
    if abs(given.points) > limit:
        return 0.0, "", [UserError("points.range", f"“{cat['name']}”一次加减分不能超过{fmt(limit)}分", "/points")]
    return float(given.points), "", []


async def enter_manual_score(govhall: Any, actor: Actor, center: Center, given: ManualInput) -> ManualScore:
    """Validate everything at once (一次性告知), then store one entry."""
    user = actor.require(center.id, *ASSESSOR_ROLES)
    errors: list[UserError] = []
    if given.kind not in SUBJECT_KINDS:
        raise UserErrorsException.single("kind", f"考核对象类型应为{'、'.join(SUBJECT_KINDS.values())}之一", "/kind")
    try:
        period = parse_period(given.period)
        check_started(period, local_today())
    except UserErrorsException as exc:
        errors += exc.errors
        period = None
    rules = await rule_set_for(govhall, center, given.kind)
    key, department = await subject_of(center, given.kind, given.subject.strip())
    if key is not None and _self_dealing(actor=actor, center=center, kind=given.kind, key=key, department=department):
        raise Forbidden("不能为本人或本人所在的窗口、部门录入加减分")
    errors += await _before_department(center=center, kind=given.kind, key=key, period=period)
    if key is None:
        errors.append(UserError("unknown_subject", f"本中心没有{SUBJECT_KINDS[given.kind]}“{given.subject}”", "/subject"))
    reason = given.reason.strip()
    if not reason or len(reason) > MAX_REASON:
        errors.append(UserError("required", f"请填写事由（{MAX_REASON}字以内）", "/reason"))
    if not 1 <= given.count <= MAX_COUNT:
        errors.append(UserError("count", f"次数应为1至{MAX_COUNT}", "/count"))
    cat = category(rules, given.category)
    points, label = 0.0, ""
    if cat is None:
        names = "、".join(str(c["name"]) for c in rules["categories"])
        errors.append(UserError("unknown_category", f"所选的考核项目不存在，可用：{names}", "/category"))
    else:
        points, label, problems = _points(cat, given)
        errors += problems
    if not errors and not given.rule and points > 0:
        assert period is not None and key is not None
        deducted = -await _net_free_points(center=center, given=given, key=key, period=period.key, rule_set=rules["id"])
        if points > deducted + 1e-9:
            errors.append(UserError("points.bonus", f"考核规则未规定的加分不能录入；更正已录入的扣分时，加回不超过已扣的"
                                                    f"{fmt(max(deducted, 0))}分", "/points"))
    if errors:
        raise UserErrorsException(errors)
    assert period is not None and key is not None
    return await ManualScore.create(
        center_id=center.id, subject_kind=given.kind, subject_id=key, period=period.key, rule_set=rules["id"],
        category=given.category, rule=given.rule or "", label=label, count=given.count, points=round(points, 2),
        reason=reason, entered_by=user, at=clock_now(),
    )
