"""A date field that may not lie after today, or before it (``"x-today"``): a 股东会决议日期 of 2999
is no decision yet, a 预约日期 last week no appointment. JSON Schema cannot say "today"; the designer
writes it on the date field, ``"x-today": "notAfter"`` (不晚于今天) or ``"notBefore"`` (不早于今天),
and the case data is checked against the hall's today (Asia/Shanghai, :func:`core.services.clock.local_today`)
when it is submitted (``core.services.form_validation``, the precheck of ``core.services.form_precheck``).

A value that is not a date yet is the ``format``'s problem: only a real date is compared.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
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


# --- one date not before another: ``"x-notBefore"`` -----------------------------------------------------

NOT_BEFORE = "x-notBefore"
"""On a date (or date-time) field: the key of a sibling date field it may not be earlier than, the
designer's 不早于…: 计划竣工日期 ``"x-notBefore": "plannedStart"``. The sibling is a property of the
same object (the form's root, a group, a table's row); equal dates are allowed, and while either is
missing, or not a date yet (its format's problem), nothing is said. ``web/form.js`` says the same
words beside the field as it is left (tests/data/not_before_vectors.json)."""
DATE_FORMATS = frozenset({"date", "date-time"})


def _moment(value: Any, fmt: str | None) -> date | datetime | None:
    """An ISO date (``date``) or an RFC 3339 date-time with its offset (``date-time``), else None."""
    if not isinstance(value, str):
        return None
    try:
        if fmt == "date-time":
            moment = datetime.fromisoformat(value.replace("z", "Z"))
            return moment if len(value) > 10 and moment.tzinfo is not None else None
        return date.fromisoformat(value) if len(value) == 10 else None
    except ValueError:
        return None


def earlier_fields(value: Any, properties: Any) -> list[str]:
    """The fields of ``value`` (an object whose schema has ``properties``) that lie before the
    sibling their ``x-notBefore`` names."""
    if not isinstance(value, dict) or not isinstance(properties, dict):
        return []
    out = []
    for name, field in properties.items():
        start = field.get(NOT_BEFORE) if isinstance(field, dict) else None
        if not isinstance(start, str) or name not in value or start not in value:
            continue
        fmt = field.get("format")
        end_at, start_at = _moment(value[name], fmt), _moment(value[start], fmt)
        if end_at is not None and start_at is not None and end_at < start_at:  # type: ignore[operator]
            out.append(name)
    return out


def not_before_message(label: str, start_title: str) -> str:
    """“计划竣工日期”不能早于“计划开工日期”."""
    return f"{label}不能早于“{start_title}”"


def _title(field: Any, name: str) -> str:
    title = field.get("title") if isinstance(field, dict) else None
    return title if isinstance(title, str) and title.strip() else name


def check_not_before_spec(sub: Mapping[str, Any], here: str) -> list[UserError]:
    """The definition's ``x-notBefore`` on the properties of ``sub``: on a date field, naming
    another property of the same object with the same format."""
    props = sub.get("properties")
    if not isinstance(props, dict):
        return []
    out = []
    for name, field in props.items():
        if not isinstance(field, dict) or NOT_BEFORE not in field:
            continue
        start, title = field[NOT_BEFORE], _title(field, name)
        where = f"{here}/properties/{name}/{NOT_BEFORE}"
        other = props.get(start) if isinstance(start, str) else None
        if field.get("format") not in DATE_FORMATS:
            out.append(UserError("form.not_before", f"“{title}”不是日期字段，不能设置“不早于”另一日期", where))
        elif not isinstance(start, str) or start == name:
            out.append(UserError("form.not_before", f"“{title}”的“不早于”应为同一表单（或同一表格行）中另一个日期字段的标识", where))
        elif not isinstance(other, dict):
            out.append(UserError("form.not_before", f"“{title}”不早于的字段“{start}”未定义：请选择同一表单（或同一表格行）中的日期字段", where))
        elif other.get("format") != field.get("format"):
            out.append(UserError("form.not_before", f"“{title}”不早于的“{_title(other, start)}”不是{'日期' if field.get('format') == 'date' else '日期时间'}字段", where))
    return out
