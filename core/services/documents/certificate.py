"""The certificate's own rows (证照栏目): the item's ``certificate.fields``, each a label and a JSON
pointer into the case data, printed as the case page shows the answer (``web/form.js``'s
``renderValue``): a 日期区间 as 2026年1月1日至2046年12月31日, a number with its unit (100.5万元), an
amount in yuan with thousands separators, a choice by its label.

A field the applicant was not asked for or left blank (an optional field, one shown only while
another has a value: the designer offers every field of the form) leaves its row out: the
definition check (``core.services.item_definitions``) already refused pointers the form does not
have, so a missing value is an answer not given, not a broken item.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from core.plumbing.errors import resolve
from core.services.documents.kinds import DocumentError, cn_date
from core.services.form_validation import schema_at

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


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
        text = printable(value, schema_at(dict(form), f["pointer"]) or {})
        if text:
            fields.append({"label": f["label"], "value": text})
    return {"title": spec["title"], "fields": fields}


def printable(value: Any, schema: Mapping[str, Any] | None = None) -> str:
    """A case-data value as a certificate prints it, read with the form field's ``schema``."""
    schema = schema or {}
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Mapping):
        if schema.get("x-kind") == "dateRange" or set(value) <= {"start", "end"}:
            return _date_range(value)
        props = schema.get("properties") if isinstance(schema.get("properties"), Mapping) else {}
        parts = [printable(v, props.get(k) or {}) for k, v in value.items()]
        return "；".join(p for p in parts if p)
    if isinstance(value, list):
        items = schema.get("items") if isinstance(schema.get("items"), Mapping) else {}
        return "、".join(p for p in (printable(v, items) for v in value) if p)
    if isinstance(value, (int, float)):
        return _number(value, schema)
    text = str(value)
    label = _choice_label(value, schema)
    if label is not None:
        return label
    if _ISO_DATE.fullmatch(text):
        try:
            return cn_date(text)
        except ValueError:
            return text
    return text


def _date_range(value: Mapping[str, Any]) -> str:
    start, end = (printable(value.get(k)) for k in ("start", "end"))
    if start and end:
        return f"{start}至{end}"
    return f"{start}起" if start else (f"至{end}" if end else "")


def _number(value: int | float, schema: Mapping[str, Any]) -> str:
    money = schema.get("format") == "money" or schema.get("x-widget") == "money"
    if money:
        text = f"{value:,.2f}".rstrip("0").rstrip(".") if isinstance(value, float) else f"{value:,}"
    else:
        text = str(value)
    unit = schema.get("x-unit")
    if not isinstance(unit, str) or not unit:
        unit = ("万元" if "万元" in str(schema.get("title") or "") else "元") if money else ""
    return f"{text}{unit}"


def _choice_label(value: Any, schema: Mapping[str, Any]) -> str | None:
    """The label a choice shows on the form (``x-enumNames``, a ``oneOf`` entry's ``title``), if any."""
    names = schema.get("x-enumNames")
    options = schema.get("enum")
    if isinstance(names, list) and isinstance(options, list) and value in options:
        i = options.index(value)
        if i < len(names):
            return str(names[i])
    for option in schema.get("oneOf") or []:
        if isinstance(option, Mapping) and option.get("const") == value and isinstance(option.get("title"), str):
            return option["title"]
    return None
