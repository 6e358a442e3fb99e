"""A table whose number column must add up to a figure (``"x-total"``): 股东列表 whose 出资比例 make
100, 出资额 that make the 注册资本. JSON Schema cannot say it; the designer writes it on the table
(the array), ``{"field": "share", "equals": 100}``, and the case data is checked against it
(``core.services.form_validation``, the precheck of ``core.services.form_precheck``).

Rows whose cell is not a number yet (missing, a word) are the cell's own problem: the total is checked
only once every row holds a number, so an applicant is told one thing at a time per row.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.plumbing.errors import UserError

KEYWORD = "x-total"


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def total_off(rows: Any, spec: Any) -> tuple[float, float] | None:
    """``(total, wanted)`` when the rows' column does not add up to what ``spec`` asks; else None."""
    if not (isinstance(rows, list) and rows and isinstance(spec, Mapping)):
        return None
    field, wanted = spec.get("field"), spec.get("equals")
    if not isinstance(field, str) or not _number(wanted):
        return None
    cells = [row.get(field) if isinstance(row, Mapping) else None for row in rows]
    if not all(_number(c) for c in cells):
        return None
    total = round(sum(cells), 6)  # 33.33 + 33.33 + 33.34 is 100, not 99.99999999999999
    return None if total == round(wanted, 6) else (total, wanted)


def column_title(schema: Mapping[str, Any], field: str) -> str:
    items = schema.get("items") if isinstance(schema.get("items"), Mapping) else {}
    column = (items.get("properties") or {}).get(field) if isinstance(items.get("properties"), Mapping) else None
    title = column.get("title") if isinstance(column, Mapping) else None
    return title if isinstance(title, str) and title else field


def _figure(value: float) -> str:
    return f"{value:.6f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)


def total_message(label: str, schema: Mapping[str, Any], off: tuple[float, float]) -> str:
    """“股东列表”的“出资比例”合计应为100（现为90）."""
    spec = schema.get(KEYWORD) or {}
    unit = ""
    items = schema.get("items") if isinstance(schema.get("items"), Mapping) else {}
    column = (items.get("properties") or {}).get(spec.get("field")) if isinstance(items.get("properties"), Mapping) else None
    if isinstance(column, Mapping) and isinstance(column.get("x-unit"), str):
        unit = column["x-unit"]
    total, wanted = off
    return f"{label}的“{column_title(schema, str(spec.get('field')))}”合计应为{_figure(wanted)}{unit}（现为{_figure(total)}{unit}）"


def check_total_spec(sub: Mapping[str, Any], here: str) -> list[UserError]:
    """The definition's ``x-total``: on a table, naming one of its number columns, with a figure."""
    spec = sub.get(KEYWORD)
    if spec is None:
        return []
    where = f"{here}/{KEYWORD}"
    items = sub.get("items") if isinstance(sub.get("items"), Mapping) else {}
    columns = items.get("properties") if isinstance(items.get("properties"), Mapping) else None
    if columns is None or not isinstance(spec, Mapping):
        return [UserError("form.total", "合计校验只能设在表格（可重复的行）上", where)]
    field, wanted = spec.get("field"), spec.get("equals")
    column = columns.get(field) if isinstance(field, str) else None
    types = column.get("type") if isinstance(column, Mapping) else None
    if not (isinstance(column, Mapping) and (types in ("number", "integer") or (isinstance(types, list) and {"number", "integer"} & set(types)))):
        return [UserError("form.total", f"合计校验的列“{field}”应为此表格中的数字列", where + "/field")]
    if not _number(wanted):
        return [UserError("form.total", "合计校验应填写合计数（数字）", where + "/equals")]
    return []
