"""A date field that may not lie after today, or before it (``"x-today"``): a 股东会决议日期 of 2999
is no decision yet, a 预约日期 last week no appointment. JSON Schema cannot say "today"; the designer
writes it on the date field, ``"x-today": "notAfter"`` (不晚于今天) or ``"notBefore"`` (不早于今天),
and the case data is checked against the hall's today (Asia/Shanghai, :func:`core.services.clock.local_today`)
when it is submitted (``core.services.form_validation``, the precheck of ``core.services.form_precheck``).

A value that is not a date yet is the ``format``'s problem: only a real date is compared.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from core.plumbing.errors import UserError
from core.services import clock

KEYWORD = "x-today"
LIMITS: dict[str, str] = {"notAfter": "不能晚于今天", "notBefore": "不能早于今天"}
"""The keyword's values, with what is said of a date on the wrong side of today."""


def _as_date(value: Any) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value) if len(value) == 10 else None
    except ValueError:
        return None


def today() -> date:
    return clock.local_today()


def date_off(value: Any, limit: Any, now: date | None = None) -> bool:
    """Whether ``value`` (an ISO date) lies on the side of today that ``limit`` forbids."""
    day = _as_date(value)
    if day is None or limit not in LIMITS:
        return False
    here = now or today()
    return day > here if limit == "notAfter" else day < here


def date_message(label: str, limit: str, now: date | None = None) -> str:
    """“股东会决议日期”不能晚于今天（2026年11月29日）."""
    here = now or today()
    return f"{label}{LIMITS.get(limit, '超出允许的日期')}（{here.year}年{here.month}月{here.day}日）"


def check_today_spec(sub: Mapping[str, Any], here: str) -> list[UserError]:
    """The definition's ``x-today``: on a date field, ``notAfter`` or ``notBefore``."""
    if KEYWORD not in sub:
        return []
    where = f"{here}/{KEYWORD}"
    if sub.get("format") != "date":
        return [UserError("form.today", "“不晚于/不早于今天”只能设在日期字段上", where)]
    if sub.get(KEYWORD) not in LIMITS:
        return [UserError("form.today", "日期限制应为 notAfter（不晚于今天）或 notBefore（不早于今天）", where)]
    return []
