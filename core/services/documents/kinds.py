"""What issuing a document needs without rendering it: the kinds, :class:`DocumentError`, and the
Chinese dates printed on documents and verification pages.

Kept apart from :mod:`core.services.documents.render` (Jinja2, segno, WeasyPrint), which only the
render worker, downloads and the command line load: a server that answers requests without
rendering never imports them.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from core.services.calendar import CENTER_TZ, cn_day

DOCUMENT_KINDS: dict[str, str] = {
    "acceptance_notice": "受理通知书",
    "correction_notice": "一次性告知书",
    "return_notice": "不予受理（退回）通知书",
    "promise_notice": "承诺件通知书",
    "joint_notice": "联办件通知书",
    "approval_decision": "准予行政许可决定书",
    "refusal_decision": "不予行政许可决定书",
    "certificate": "证照",
    "reply_notice": "答复书",
    "extension_notice": "延长办理期限告知书",
    "register": "办件登记簿",
}

RECONSIDERATION_DAYS = 60  # 行政复议法（2023 修订）第二十条
LITIGATION_MONTHS = 6  # 行政诉讼法第四十六条

_UPPER_DIGITS = "〇一二三四五六七八九"


# --------------------------------------------------------------------------- errors


class DocumentError(Exception):
    """A document could not be rendered: unknown kind, template error, or a missing field.

    ``template`` is the kind's template (``acceptance_notice.html``; for a syntax error, the file
    that does not parse), ``field`` the missing context field or ``None``.
    """

    def __init__(self, template: str, field: str | None, message: str, *, location: str | None = None) -> None:
        super().__init__(message)
        self.template = template  # the template asked for, e.g. "acceptance_notice.html"
        self.field = field  # dotted path of the missing field, e.g. "case.applicantName"
        self.message = message
        self.location = location  # innermost template line, e.g. "_macros.html:4"


# --------------------------------------------------------------------------- formatting


def _as_date(value: Any) -> date | datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        text = value.strip()
        try:
            value = datetime.fromisoformat(text) if ("T" in text or " " in text) else date.fromisoformat(text)
        except ValueError as exc:
            raise ValueError(f"不是日期 / not a date: {value!r}") from exc
    if isinstance(value, datetime):
        return value.astimezone(CENTER_TZ) if value.tzinfo else value
    if isinstance(value, date):
        return value
    raise ValueError(f"不是日期 / not a date: {value!r}")


def _upper_number(n: int) -> str:
    """1..31 in Chinese numerals as used in dates: 十, 十一, 二十六, 三十一."""
    tens, ones = divmod(n, 10)
    text = ("" if tens < 2 else _UPPER_DIGITS[tens]) + ("十" if tens else "")
    return text + (_UPPER_DIGITS[ones] if ones else "")


def cn_date(value: Any, upper: bool = False) -> str:
    """``2026年11月26日``; with ``upper=True`` ``二〇二六年十一月二十六日``; ``None`` gives ``""``."""
    d = _as_date(value)
    if d is None:
        return ""
    if upper:
        year = "".join(_UPPER_DIGITS[int(c)] for c in f"{d.year:04d}")
        return f"{year}年{_upper_number(d.month)}月{_upper_number(d.day)}日"
    return cn_day(d)


def clause(value: Any) -> str:
    """Free text a template follows with its own punctuation (``{{ reason|clause }}。``): without the
    full stop, comma or semicolon the clerk may have ended it with, so the notice never prints ``。。``."""
    return str(value or "").strip().rstrip("。．.；;，,、 \t\r\n")


def cn_datetime(value: Any) -> str:
    """``2026年11月26日 10:30`` for a datetime, the date alone for a date."""
    d = _as_date(value)
    if d is None:
        return ""
    if isinstance(d, datetime):
        return f"{cn_date(d)} {d:%H:%M}"
    return cn_date(d)


def short_date(value: Any) -> str:
    """``2026-11-26`` (tables); ``None`` gives ``""``."""
    d = _as_date(value)
    return "" if d is None else f"{d:%Y-%m-%d}"


def short_datetime(value: Any) -> str:
    """``2026-11-26 10:30`` for a datetime, ``2026-11-26`` for a date."""
    d = _as_date(value)
    if d is None:
        return ""
    return f"{d:%Y-%m-%d %H:%M}" if isinstance(d, datetime) else f"{d:%Y-%m-%d}"
