"""The certificate's own rows (证照栏目): the item's ``certificate.fields``, each a label and a JSON
pointer into the case data, printed as the case page shows the answer (``web/form.js``'s
``renderValue``): a 日期区间 as 2026年1月1日至2046年12月31日, a number with its unit (100.5万元), an
amount in yuan with thousands separators (typed as a number or as text, ``"12.50"``), a choice by its
label, a ``date-time`` on the centers' clock whatever offset it was stored with (2026年12月1日 09:30),
a ``year-month`` as 2026年11月, yes/no as 是/否; a group as ``标题：答案`` pairs and a table (an array
of objects: 参建单位) one line per row, ``lines``, each with its columns' titles.

Everything is turned into text here, when the document is issued: the frozen context
(:mod:`core.services.documents.frozen`) keeps that text, so a later render prints the same even
after the item's form changed. A document frozen before ``lines`` existed prints its ``value``.

A field the applicant was not asked for or left blank (an optional field, one shown only while
another has a value: the designer offers every field of the form) leaves its row out: the
definition check (``core.services.item_definitions``) already refused pointers the form does not
have, so a missing value is an answer not given, not a broken item.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from core.plumbing.errors import resolve
from core.services.documents.kinds import DocumentError, cn_date, cn_datetime
from core.services.form_validation import schema_at

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})?")
_YEAR_MONTH = re.compile(r"\d{4}-\d{2}")


def certificate_block(definition: Mapping[str, Any], data: Any) -> dict[str, Any]:
    """``{title, fields [{label, value}]}`` from the item's ``certificate`` and the case data."""
    spec = definition.get("certificate")
    if not isinstance(spec, Mapping):
        raise DocumentError("certificate.html", "certificate", "事项未定义证照（certificate）/ item has no certificate")
    form = definition.get("form") if isinstance(definition.get("form"), Mapping) else {}
    fields = []
    for f in spec.get("fields", []):
        try:
            value = resolve(data, f["pointer"])
        except KeyError:
            continue  # not asked for, or left blank: no row
        schema = schema_at(dict(form), f["pointer"]) or {}
        lines = table_lines(value, schema)
        text = "；".join(lines) if lines else printable(value, schema)
        if text:
            fields.append({"label": f["label"], "value": text, **({"lines": lines} if lines else {})})
    return {"title": spec["title"], "fields": fields}


def table_lines(value: Any, schema: Mapping[str, Any] | None = None) -> list[str]:
    """A table's rows (an array of objects), one text each: ``单位类别：施工单位，单位名称：…``;
    ``[]`` for anything else."""
    if not isinstance(value, list) or not value or not all(isinstance(v, Mapping) for v in value):
        return []
    items = (schema or {}).get("items")
    items = items if isinstance(items, Mapping) else {}
    return [text for text in (_pairs(row, items, "，") for row in value) if text]


def printable(value: Any, schema: Mapping[str, Any] | None = None) -> str:
    """A case-data value as a certificate prints it, read with the form field's ``schema``."""
    schema = schema or {}
    if value is None or value == "":
        return ""
    label = _choice_label(value, schema)
    if label is not None:
        return label
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Mapping):
        if schema.get("x-kind") == "dateRange" or (value and set(value) <= {"start", "end"}):
            return _date_range(value)
        return _pairs(value, schema, "；")
    if isinstance(value, list):
        rows = table_lines(value, schema)
        if rows:
            return "；".join(rows)
        items = schema.get("items") if isinstance(schema.get("items"), Mapping) else {}
        return "、".join(p for p in (printable(v, items) for v in value) if p)
    if isinstance(value, (int, float, Decimal)):
        return _number(value, schema)
    text = str(value)
    if _is_money(schema):
        try:
            amount = Decimal(text.strip().replace(",", ""))
        except InvalidOperation:
            return text
        return _number(amount, schema) if amount.is_finite() else text
    fmt = schema.get("format")
    if fmt == "year-month" and _YEAR_MONTH.fullmatch(text):
        return f"{int(text[:4])}年{int(text[5:])}月"
    if _ISO_DATE.fullmatch(text) or (fmt in ("date", "date-time") or _ISO_DATE_TIME.fullmatch(text)):
        try:
            return cn_datetime(text) if len(text) > 10 else cn_date(text)
        except ValueError:
            return text
    return text


def _pairs(value: Mapping[str, Any], schema: Mapping[str, Any], sep: str) -> str:
    """A group or a table's row: ``标题：答案`` in the form's order (``x-order``), blank answers left out."""
    props = schema.get("properties") if isinstance(schema.get("properties"), Mapping) else {}
    order = [k for k in (schema.get("x-order") or []) if k in value]
    keys = order + [k for k in props if k in value and k not in order] + [k for k in value if k not in props and k not in order]
    parts = []
    for k in keys:
        sub = props.get(k) if isinstance(props.get(k), Mapping) else {}
        text = printable(value[k], sub)
        if text:
            parts.append(f"{sub.get('title') or k}：{text}")
    return sep.join(parts)


def _date_range(value: Mapping[str, Any]) -> str:
    start, end = (printable(value.get(k)) for k in ("start", "end"))
    if start and end:
        return f"{start}至{end}"
    return f"{start}起" if start else (f"至{end}" if end else "")


def _is_money(schema: Mapping[str, Any]) -> bool:
    return schema.get("format") == "money" or schema.get("x-widget") == "money"


def _number(value: int | float | Decimal, schema: Mapping[str, Any]) -> str:
    money = _is_money(schema)
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        value = int(value)  # 12.0 亩 is 12亩, as the case page shows it
    if money:
        text = f"{value:,.2f}".rstrip("0").rstrip(".") if not isinstance(value, int) else f"{value:,}"
    elif isinstance(value, Decimal):
        text = format(value.normalize(), "f")
    else:
        text = str(value)
    unit = schema.get("x-unit")
    if not isinstance(unit, str) or not unit:
        unit = ("万元" if "万元" in str(schema.get("title") or "") else "元") if money else ""
    return f"{text}{unit}"


def _choice_label(value: Any, schema: Mapping[str, Any]) -> str | None:
    """The label a choice shows on the form (``x-enumNames``, a ``oneOf`` entry's ``title``), if any."""
    names = schema.get("x-enumNames") or schema.get("x-enum-labels")
    options = schema.get("enum")
    if isinstance(names, list) and isinstance(options, list):
        i = next((i for i, o in enumerate(options) if o == value and type(o) is type(value)), None)
        if i is not None and i < len(names):
            return str(names[i])
    for option in (schema.get("oneOf") or []) + (schema.get("anyOf") or []):
        if isinstance(option, Mapping) and option.get("const") == value and isinstance(option.get("title"), str):
            return option["title"]
    return None


# --------------------------------------------------------------------------- one page

# Each density step of a certificate's rows (classes in ``assets/document.css``): the class, the
# rows' font size (pt), line height, a row's padding above and below (mm, together), the gap between
# a table's lines (mm), the width of an answer (mm) and the height the rows may take on the one A4
# page beside the heading, the frame and the 发证机关/seal (mm; a smaller step also shrinks those).
_DENSITY_STEPS: tuple[tuple[str, float, float, float, float, float, float], ...] = (
    ("", 12, 1.6, 4.0, 1.0, 94, 132),
    ("cert-compact", 11, 1.5, 2.6, 0.8, 94, 138),
    ("cert-dense", 10, 1.45, 1.6, 0.6, 98, 154),
    ("cert-tight", 9, 1.35, 1.0, 0.4, 98, 162),
)
_PT_MM = 25.4 / 72


def certificate_density(certificate: Mapping[str, Any], licence: Mapping[str, Any] | None = None) -> str:
    """The CSS class that keeps a certificate on one page: ``""`` for a few rows, then
    ``cert-compact``, ``cert-dense``, ``cert-tight`` (smaller type, tighter rows, a smaller heading)
    as the rows and the lines their answers wrap to grow: the first step whose rows fit. Rows that
    fit no step (dozens of lines) take the tightest and run over; the seal then goes over with the
    last rows (``break-before: avoid``), never alone."""
    texts: list[list[str]] = []  # each row's lines
    if certificate.get("holder"):
        texts.append([str(certificate["holder"])])
    for field in certificate.get("fields") or []:
        if not isinstance(field, Mapping):
            continue
        lines = field.get("lines")
        texts.append([str(x) for x in lines] if isinstance(lines, list) and lines
                     else str(field.get("value") or "").strip().splitlines() or [""])
    if isinstance(licence, Mapping) and licence:
        texts.append([str(licence.get("number") or "")])
        if licence.get("validUntil"):
            texts.append(["自2026年11月26日至2031年11月25日"])  # as wide as any 有效期 line prints
    for name, size, leading, padding, gap, width, room in _DENSITY_STEPS:
        per_line = width / (size * _PT_MM)  # full-width characters on a line
        height = 0.0
        for lines in texts:
            wrapped = sum(max(1, math.ceil(_text_width(line) / per_line - 0.05)) for line in lines)
            height += wrapped * size * _PT_MM * leading + padding + gap * (len(lines) - 1) + 0.3
        if height <= room:
            return name
    return _DENSITY_STEPS[-1][0]


def _text_width(text: str) -> float:
    """A line's width in full-width characters: 汉字 and full-width forms 1, others about half."""
    return sum(1.0 if unicodedata.east_asian_width(c) in ("W", "F") else 0.55 for c in text)
