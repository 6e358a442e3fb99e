"""公示: a ranking posted for at least 3 working days (the enterprise zone's rules: 每季度末……排名，并在一定范围内公示，
公示时间不少于3个工作日). The rows are kept as published, so later entries do not change what was
posted; a period's ranking of a kind is published once."""

from __future__ import annotations

from typing import Any

from core.api import Actor, UserErrorsException, calendar_for, local_today
from core.api import now as clock_now

from .assess import ASSESSOR_ROLES, assess, assessor_center
from .models import Publication
from .periods import parse_period
from .ruleset import SUBJECT_KINDS

MIN_DAYS = 3
MAX_DAYS = 30


async def publish(govhall: Any, actor: Actor, center_code: str, kind: str, period_text: str, days: int) -> Publication:
    """Post the ranking of ``kind`` for the period: from today through ``days`` working days after."""
    center = await assessor_center(actor, center_code)
    user = actor.require(center.id, *ASSESSOR_ROLES)
    if kind not in SUBJECT_KINDS:
        raise UserErrorsException.single("kind", f"考核对象类型应为 {'、'.join(SUBJECT_KINDS)} 之一", "/kind")
    if not MIN_DAYS <= days <= MAX_DAYS:
        raise UserErrorsException.single("days", f"公示时间不少于{MIN_DAYS}个工作日（至多{MAX_DAYS}个）", "/days")
    period = parse_period(period_text, ("quarter",) if kind == "department" else ("month", "quarter", "year"))
    today = local_today()
    if period.end > today:  # 每季度末排名并公示: a period still running has no final ranking yet
        raise UserErrorsException.single(
            "period_open", f"{period.label}尚未结束（至{period.end.month}月{period.end.day}日），期末才能公示其排名", "/period")
    if await Publication.exists(center_id=center.id, subject_kind=kind, period=period.key):
        raise UserErrorsException.single("published", f"{period.label}的{SUBJECT_KINDS[kind]}考核排名已公示", "/period")
    ranking = await assess(govhall, center, kind, period)
    calendar = await calendar_for(center)
    ends = calendar.add_working_days(today, days).due
    assert ends is not None
    rows = [{"rank": r.rank, "code": r.subject.code, "name": r.subject.name, "total": r.result.total,
             "grade": r.result.grade} for r in ranking.rows]
    return await Publication.create(
        center_id=center.id, subject_kind=kind, period=period.key, rule_set=ranking.rules["id"], rows=rows,
        days=days, starts_on=today, ends_on=ends, published_by=user, at=clock_now(),
    )


async def publications(actor: Actor, center_code: str) -> list[Publication]:
    center = await assessor_center(actor, center_code)
    return await Publication.filter(center_id=center.id).order_by("-id").select_related("published_by").limit(200)
