"""Assessment periods: a month (``2026-11``), a quarter (``2026-Q3``) or a year (``2026``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from core.api import UserErrorsException

UNITS = ("month", "quarter", "year")
QUARTER_NAMES = ("一", "二", "三", "四")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER = re.compile(r"^(\d{4})-[Qq]([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")


@dataclass(frozen=True)
class Period:
    key: str
    unit: str
    start: date
    end: date

    @property
    def label(self) -> str:
        """``2026年11月``, ``2026年第三季度``, ``2026年度``."""
        if self.unit == "month":
            return f"{self.start.year}年{self.start.month}月"
        if self.unit == "quarter":
            return f"{self.start.year}年第{QUARTER_NAMES[(self.start.month - 1) // 3]}季度"
        return f"{self.start.year}年度"

    def keys_within(self) -> tuple[str, ...]:
        """This period's key and those of the shorter periods inside it (manual entries of the
        months of a quarter count for the quarter)."""
        year = self.start.year
        months = range(self.start.month, self.end.month + 1)
        keys = [self.key, *(f"{year}-{m:02d}" for m in months if self.unit != "month")]
        if self.unit == "year":
            keys += [f"{year}-Q{q}" for q in range(1, 5)]
        return tuple(dict.fromkeys(keys))


def _month_end(year: int, month: int) -> date:
    return (date(year + month // 12, month % 12 + 1, 1)) - timedelta(days=1)


def month(year: int, m: int) -> Period:
    return Period(f"{year}-{m:02d}", "month", date(year, m, 1), _month_end(year, m))


def quarter(year: int, q: int) -> Period:
    return Period(f"{year}-Q{q}", "quarter", date(year, 3 * q - 2, 1), _month_end(year, 3 * q))


def year(y: int) -> Period:
    return Period(str(y), "year", date(y, 1, 1), date(y, 12, 31))


def parse_period(text: str, units: tuple[str, ...] = UNITS, path: str = "/period") -> Period:
    """The period ``text`` names, if its unit is one of ``units``; else a Chinese error."""
    value = (text or "").strip()
    found: Period | None = None
    if (m := _MONTH.match(value)) and 1 <= int(m.group(2)) <= 12:
        found = month(int(m.group(1)), int(m.group(2)))
    elif m := _QUARTER.match(value):
        found = quarter(int(m.group(1)), int(m.group(2)))
    elif m := _YEAR.match(value):
        found = year(int(m.group(1)))
    if found is not None and not 2000 <= found.start.year <= 2100:
        found = None
    if found is None or found.unit not in units:
        examples = {"month": "月度如 2026-11", "quarter": "季度如 2026-Q3", "year": "年度如 2026"}
        allowed = "，".join(examples[u] for u in units)
        raise UserErrorsException.single("period", f"考核期间“{value}”无效：{allowed}", path)
    return found


def quarters_of(y: int) -> list[Period]:
    return [quarter(y, q) for q in range(1, 5)]
