"""Import of a year's calendar file (``schemas/calendar.schema.json``).

Each November the State Council publishes next year's holidays and make-up working days; until then
deadlines in that year are provisional. A center administrator types the notice into a small JSON
file and imports it. Every problem is reported at once (JSON pointer, stable code, Chinese message),
because the administrator fixes the file in one pass, not one error per attempt.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, ValidationError

from core.services.calendar import DayOverride, OfficeHours, check_periods, cn_day, parse_period
from core.plumbing import json_files
from core.plumbing.errors import UserError, UserErrorsException, pointer
from core.plumbing.resources import shipped_dir

__all__ = [
    "SCHEMA_PATH",
    "CalendarDocument",
    "load_calendar_file",
    "parse_calendar_document",
    "read_calendar_document",
]

SCHEMA_PATH = shipped_dir("schemas") / "calendar.schema.json"

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TYPE_NAMES = {
    "object": "对象",
    "array": "数组",
    "string": "文本",
    "integer": "整数",
    "number": "数字",
    "boolean": "是/否",
}


@dataclass(frozen=True)
class CalendarDocument:
    """A calendar file that passed every check; ``overrides`` has one entry per day."""

    year: int
    source: str
    center: str | None
    overrides: list[DayOverride] = field(hash=False)
    office_hours: OfficeHours | None = None


@lru_cache(maxsize=1)
def _validator() -> Draft202012Validator:
    """Built once: constructing a validator re-checks the schema, far slower than validating."""
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def _path_key(error: ValidationError) -> list[tuple[int, int, str]]:
    return [(0, p, "") if isinstance(p, int) else (1, 0, str(p)) for p in error.absolute_path]


def _schema_errors(doc: Any) -> list[UserError]:
    """Schema failures as UserErrors pointing at the exact field.

    Codes follow ``core.services.form_validation`` (``required``, ``type``, ``format.date``,
    ``additionalProperties``...); messages speak of the calendar file, not of an applicant's form, and
    the two schema rules peculiar to it get their own codes (``date_or_range``, ``format.period``).
    """
    out: list[UserError] = []
    for error in sorted(_validator().iter_errors(doc), key=_path_key):
        out.extend(_translate(error))
    # ``required`` is reported once per missing property by jsonschema, but we list all of an object's
    # missing properties from each of those errors: keep the first of each.
    unique: dict[tuple[str, str | None], UserError] = {}
    for e in out:
        unique.setdefault((e.code, e.path), e)
    return list(unique.values())


def _label(parts: list[Any]) -> str:
    """Where in the file, in the schema's titles: 调休上班日第1项的日期 for ``/workdays/0/date``; a key
    the schema does not know keeps its name."""
    schema: Any = _validator().schema
    words: list[str] = []
    for part in parts:
        while isinstance(schema, dict) and "$ref" in schema and "properties" not in schema and "items" not in schema:
            schema = _validator().schema["$defs"].get(schema["$ref"].rsplit("/", 1)[-1], {})
        if isinstance(part, int):
            words.append(f"第{part + 1}项")
            schema = schema.get("items", {}) if isinstance(schema, dict) else {}
            continue
        schema = schema.get("properties", {}).get(part, {}) if isinstance(schema, dict) else {}
        title = schema.get("title") if isinstance(schema, dict) else None
        words.append(("的" if words and words[-1].endswith("项") else "") + (f"“{title}”" if title else str(part)))
    return "".join(words)


def _translate(error: ValidationError) -> list[UserError]:
    parts = list(error.absolute_path)
    here = pointer(*parts)
    kind, value, instance = error.validator, error.validator_value, error.instance
    if kind == "required":
        missing = [name for name in value if isinstance(instance, dict) and name not in instance]
        hint = {"date": "（单日填 date，连续多日填 from 和 to）"}
        return [UserError("required", f"缺少必填项{_label([*parts, n])}{hint.get(n, '')}", pointer(*parts, n)) for n in missing]
    if kind == "dependentRequired":
        return [
            UserError("required", f"填写了 {key} 就必须同时填写 {need}", pointer(*parts, need))
            for key, needs in value.items()
            if isinstance(instance, dict) and key in instance
            for need in needs
            if need not in instance
        ]
    if kind == "additionalProperties":
        known = error.schema.get("properties", {})
        extra = [k for k in instance if k not in known] if isinstance(instance, dict) else []
        return [UserError("additionalProperties", f"日历文件中没有字段 {k}", pointer(*parts, k)) for k in extra]
    if kind == "not":
        return [UserError("date_or_range", "单日填 date，连续多日填 from 和 to，不能同时填写", here)]
    if kind == "format":
        message = f"“{instance}”不是有效日期，应为 YYYY-MM-DD" if value == "date" else f"“{instance}”格式不正确"
        return [UserError(f"format.{value}", message, here)]
    if kind == "pattern":
        description = error.schema.get("description", "")
        return [UserError("format.period", f"“{instance}”格式不正确：{description}", here)]
    if kind == "type":
        expected = "或".join(_TYPE_NAMES.get(t, t) for t in ([value] if isinstance(value, str) else value))
        return [UserError("type", f"{_label(parts) or '日历文件'}类型不正确，应为{expected}", here)]
    messages = {
        "minimum": f"不能小于 {value}",
        "maximum": f"不能大于 {value}",
        "minLength": "不能为空" if value == 1 else f"至少 {value} 个字",
        "maxLength": f"不能超过 {value} 个字",
        "minItems": f"至少需要 {value} 项",
        "uniqueItems": "有重复的项",
    }
    return [UserError(str(kind), messages.get(str(kind), "不符合日历文件的格式要求"), here)]


def _as_date(value: Any) -> date | None:
    """A strict YYYY-MM-DD date, or None (the schema pass has already reported the problem)."""
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _entries(doc: Any, key: str) -> list[tuple[int, dict[str, Any]]]:
    items = doc.get(key) if isinstance(doc, dict) else None
    if not isinstance(items, list):
        return []
    return [(i, item) for i, item in enumerate(items) if isinstance(item, dict)]


def _name(entry: dict[str, Any]) -> str:
    name = entry.get("name")
    return name if isinstance(name, str) else ""


class _Checker:
    """The checks a schema cannot express: year bounds, ranges, duplicates, contradictions."""

    def __init__(self, doc: Any) -> None:
        year = doc.get("year") if isinstance(doc, dict) else None
        if isinstance(year, float) and year.is_integer():
            year = int(year)  # JSON Schema counts 2027.0 as an integer
        self.year: int | None = year if isinstance(year, int) and not isinstance(year, bool) else None
        self.errors: list[UserError] = []
        self.holidays: dict[date, tuple[str, str]] = {}  # day -> (entry pointer, name)
        self.workdays: dict[date, tuple[str, str]] = {}

    def _in_year(self, d: date, path: str) -> bool:
        if self.year is None or d.year == self.year:
            return True
        self.errors.append(
            UserError("outside_year", f"{cn_day(d)}不在{self.year}年内；跨年的日期请录入对应年份的日历文件", path)
        )
        return False

    def holiday(self, i: int, entry: dict[str, Any]) -> None:
        path = pointer("holidays", i)
        if "date" in entry and "from" not in entry and "to" not in entry:
            d = _as_date(entry["date"])
            if d is None or not self._in_year(d, pointer("holidays", i, "date")):
                return
            days = [d]
        else:
            first, last = _as_date(entry.get("from")), _as_date(entry.get("to"))
            if first is None or last is None:
                return
            ok = self._in_year(first, pointer("holidays", i, "from"))
            ok = self._in_year(last, pointer("holidays", i, "to")) and ok
            if first > last:
                message = f"起始日{cn_day(first)}晚于结束日{cn_day(last)}"
                self.errors.append(UserError("range_order", message, path))
                return
            if not ok:
                return
            days = [first + timedelta(days=k) for k in range((last - first).days + 1)]
        self._record(table=self.holidays, days=days, path=path, name=_name(entry), what="放假日")

    def workday(self, i: int, entry: dict[str, Any]) -> None:
        path = pointer("workdays", i, "date")
        d = _as_date(entry.get("date"))
        if d is None or not self._in_year(d, path):
            return
        if d.weekday() < 5:
            message = f"{cn_day(d)}是星期{'一二三四五'[d.weekday()]}，本来就上班，调休上班日应为周六或周日"
            self.errors.append(UserError("not_weekend", message, path))
        self._record(table=self.workdays, days=[d], path=path, name=_name(entry), what="调休上班日")

    def _record(
        self, table: dict[date, tuple[str, str]], days: list[date], path: str, name: str, what: str
    ) -> None:
        repeated = [d for d in days if d in table]
        if repeated:
            other = table[repeated[0]][0]
            listed = "、".join(cn_day(d) for d in repeated)
            self.errors.append(UserError("duplicate", f"{listed}已在 {other} 列为{what}，不能重复", path))
        for d in days:
            table.setdefault(d, (path, name))

    def contradictions(self) -> None:
        for d, (path, _) in sorted(self.workdays.items()):
            if d in self.holidays:
                other = self.holidays[d][0]
                message = f"{cn_day(d)}既在 {other} 列为放假日，又列为调休上班日"
                self.errors.append(UserError("contradiction", message, path))

    def office_hours(self, doc: Any) -> OfficeHours | None:
        texts = doc.get("officeHours") if isinstance(doc, dict) else None
        if not isinstance(texts, list) or not texts:
            return None
        parsed: list[tuple[int, tuple[time, time]]] = []
        for i, text in enumerate(texts):
            try:
                parsed.append((i, parse_period(text)))
            except (TypeError, AttributeError, ValueError):
                pass  # a malformed period is a schema error, already reported; check the others
        if not parsed:
            return None
        problems = check_periods([period for _, period in parsed])
        for index, code, message in problems:
            self.errors.append(UserError(code, message, pointer("officeHours", parsed[index][0])))
        if problems or len(parsed) != len(texts):
            return None
        return OfficeHours(tuple(period for _, period in parsed))


def read_calendar_document(doc: Any) -> CalendarDocument:
    """Check a parsed calendar file and return its contents; UserErrorsException lists every problem."""
    errors = _schema_errors(doc)
    checker = _Checker(doc)
    for i, entry in _entries(doc, "holidays"):
        checker.holiday(i, entry)
    for i, entry in _entries(doc, "workdays"):
        checker.workday(i, entry)
    checker.contradictions()
    office_hours = checker.office_hours(doc)
    errors.extend(checker.errors)
    if errors:
        raise UserErrorsException(errors)
    overrides = [DayOverride(d, False, name) for d, (_, name) in sorted(checker.holidays.items())]
    overrides += [DayOverride(d, True, name) for d, (_, name) in sorted(checker.workdays.items())]
    overrides.sort(key=lambda o: o.day)
    return CalendarDocument(year=int(doc["year"]), source=doc["source"], center=doc.get("center"), overrides=overrides, office_hours=office_hours)


def parse_calendar_document(doc: Any) -> tuple[int, list[DayOverride]]:
    """The year and the day overrides of a calendar file, ready for ``WorkCalendar``."""
    parsed = read_calendar_document(doc)
    return parsed.year, parsed.overrides


def load_calendar_file(path: str | Path) -> CalendarDocument:
    """Read and check a calendar file from disk (``govhall calendar import FILE``)."""
    try:
        doc = json_files.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise UserErrorsException.single("file", f"无法读取文件 {path}：{exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise UserErrorsException.single("encoding", f"文件 {path} 不是 UTF-8 编码") from exc
    except json_files.RepeatedKeyError as exc:
        raise UserErrorsException.single("repeated_key", f"文件 {path}：{exc}", exc.path) from None
    except json.JSONDecodeError as exc:
        message = f"文件 {path} 不是有效的 JSON：第 {exc.lineno} 行第 {exc.colno} 列，{exc.msg}"
        raise UserErrorsException.single("json", message) from exc
    except RecursionError:
        raise UserErrorsException.single("json", f"文件 {path} 的 JSON 嵌套层次过深，无法读取") from None
    return read_calendar_document(doc)
