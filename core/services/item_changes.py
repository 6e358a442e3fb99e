"""What a draft changes against the published version, in words a configurator reads.

``describe_changes(old, new)`` compares two item documents the way a configurator thinks of them: the
form field by field (added, removed, renamed, required or optional, limits, formats, options, display
conditions), the lists keyed by code (materials, review points), and every other published element by
its title in ``schemas/item.schema.json``. Each change keeps the JSON pointer of what changed, its kind
(``added``, ``removed``, ``changed``), the old and new values, and a Chinese sentence.
"""

from __future__ import annotations

from typing import Any

from core.plumbing.errors import pointer
from core.services.form_totals import column_title

__all__ = ["describe_changes"]

LIMITS = {
    "minimum": "最小值",
    "maximum": "最大值",
    "exclusiveMinimum": "下限（不含）",
    "exclusiveMaximum": "上限（不含）",
    "minLength": "最少字数",
    "maxLength": "最多字数",
    "minItems": "最少行数",
    "maxItems": "最多行数",
}
FORMATS = {
    "uscc": "统一社会信用代码", "resident-id": "公民身份号码", "mobile-cn": "手机号码", "phone-cn": "联系电话",
    "postcode-cn": "邮政编码", "email": "电子邮箱", "date": "日期", "money": "金额", "year-month": "年月",
}
KEYED_LISTS = {"materials": ("材料", "name"), "checklist": ("审查要点", "text"), "faq": ("常见问题", "question")}


def describe_changes(old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, Any]]:
    """Every change from ``old`` to ``new`` (item documents), in document order, each with a sentence."""
    from core.services.item_definitions import item_schema

    titles = {k: v.get("title", k) for k, v in item_schema().get("properties", {}).items()}
    out: list[dict[str, Any]] = []
    keys = list(dict.fromkeys([*old, *new]))
    for key in keys:
        before, after = old.get(key), new.get(key)
        if before == after:
            continue
        if key == "form" and isinstance(before, dict) and isinstance(after, dict):
            out += _form_changes(before, after)
        elif key in KEYED_LISTS and isinstance(before, list) and isinstance(after, list):
            out += _keyed_list(key, before, after)
        else:
            out.append(_element_change(key, titles.get(key, key), before, after))
    return out


def _change(path: str, kind: str, old: Any, new: Any, description: str) -> dict[str, Any]:
    return {"path": path, "change": kind, "old": old, "new": new, "description": description}


def _short(value: Any) -> str:
    if value is True:
        return "是"
    if value is False:
        return "否"
    if isinstance(value, (int, float, str)):
        text = str(value)
        return text if len(text) <= 40 else text[:39] + "…"
    if isinstance(value, list):
        return f"{len(value)}项"
    return "（已修改）"


def _element_change(key: str, title: str, before: Any, after: Any) -> dict[str, Any]:
    path = pointer(key)
    if before is None:
        return _change(path=path, kind="added", old=None, new=after, description=f"新增“{title}”：{_short(after)}")
    if after is None:
        return _change(path=path, kind="removed", old=before, new=None, description=f"删除“{title}”")
    if isinstance(before, (int, float, str, bool)) and isinstance(after, (int, float, str, bool)):
        return _change(path=path, kind="changed", old=before, new=after, description=f"“{title}”由 {_short(before)} 改为 {_short(after)}")
    return _change(path=path, kind="changed", old=before, new=after, description=f"修改了“{title}”")


def _keyed_list(key: str, before: list, after: list) -> list[dict[str, Any]]:
    what, name_key = KEYED_LISTS[key]

    def ident(row: Any, i: int) -> Any:
        return row.get("code", row.get(name_key, i)) if isinstance(row, dict) else i

    def name(row: Any) -> str:
        return _short(row.get(name_key)) if isinstance(row, dict) else _short(row)

    old_rows = {ident(r, i): (i, r) for i, r in enumerate(before)}
    new_rows = {ident(r, i): (i, r) for i, r in enumerate(after)}
    out = []
    for code, (i, row) in new_rows.items():
        if code not in old_rows:
            out.append(_change(path=pointer(key, i), kind="added", old=None, new=row, description=f"新增{what}“{name(row)}”"))
        elif old_rows[code][1] != row:
            out.append(_change(path=pointer(key, i), kind="changed", old=old_rows[code][1], new=row, description=f"修改{what}“{name(row)}”"))
    for code, (i, row) in old_rows.items():
        if code not in new_rows:
            out.append(_change(path=pointer(key, i), kind="removed", old=row, new=None, description=f"删除{what}“{name(row)}”"))
    if not out:  # same rows, new order
        out.append(_change(path=pointer(key), kind="changed", old=before, new=after, description=f"调整了{what}的顺序"))
    return out


# --- the form, field by field ---------------------------------------------------------------------------

def _fields(schema: Any, path: tuple = (), labels: tuple = ()) -> dict[tuple, tuple[str, dict, bool]]:
    """Every field of a form: schema path → (label, schema, required), tables and sections included."""
    out: dict[tuple, tuple[str, dict, bool]] = {}
    if not isinstance(schema, dict):
        return out
    props = schema.get("properties")
    required = schema.get("required") if isinstance(schema.get("required"), list) else []
    if isinstance(props, dict):
        for name, sub in props.items():
            if not isinstance(sub, dict):
                continue
            title = sub.get("title") if isinstance(sub.get("title"), str) else name
            label = "的".join(f"“{t}”" for t in (*labels, title))
            here = (*path, "properties", name)
            out[here] = (label, sub, name in required)
            out.update(_fields(sub, here, (*labels, title)))
    items = schema.get("items")
    if isinstance(items, dict):
        out.update(_fields(items, (*path, "items"), labels))
    return out


def _conditions(schema: Any, path: tuple = ()) -> dict[tuple, Any]:
    """The ``allOf``/``if`` of each object of the form, by schema path."""
    out: dict[tuple, Any] = {}
    if not isinstance(schema, dict):
        return out
    found = {k: schema[k] for k in ("allOf", "if", "then", "else") if k in schema}
    if found:
        out[path] = found
    for name, sub in (schema.get("properties") or {}).items():
        out.update(_conditions(sub, (*path, "properties", name)))
    if isinstance(schema.get("items"), dict):
        out.update(_conditions(schema["items"], (*path, "items")))
    return out


def _form_changes(before: dict, after: dict) -> list[dict[str, Any]]:
    old, new = _fields(before), _fields(after)
    out: list[dict[str, Any]] = []
    for path, (label, schema, required) in new.items():
        where = pointer("form", *path)
        if path not in old:
            if not any(path[: len(p)] == p for p in new if p != path and p not in old and len(p) < len(path)):
                kind = "必填字段" if required else "字段"
                out.append(_change(path=where, kind="added", old=None, new=schema, description=f"新增{kind}{label}"))
            continue
        old_label, old_schema, old_required = old[path]
        start = schema.get("x-notBefore") if isinstance(schema, dict) else None
        start_label = new[(*path[:-1], start)][0] if isinstance(start, str) and (*path[:-1], start) in new else None
        out += _field_changes(where=where, old_label=old_label, label=label, old=old_schema, new=schema, was_required=old_required,
                              required=required, start_label=start_label)
    for path, (label, schema, _) in old.items():
        if path not in new and not any(path[: len(p)] == p for p in old if p not in new and len(p) < len(path)):
            out.append(_change(path=pointer("form", *path), kind="removed", old=schema, new=None, description=f"删除字段{label}"))
    old_conditions, new_conditions = _conditions(before), _conditions(after)
    for path in dict.fromkeys([*old_conditions, *new_conditions]):
        if old_conditions.get(path) != new_conditions.get(path):
            out.append(_change(path=pointer("form", *path, "allOf"), kind="changed", old=old_conditions.get(path),
                               new=new_conditions.get(path), description="修改了显示条件（满足条件时显示并必填的字段）"))
    for key in ("title", "description"):
        if before.get(key) != after.get(key):
            what = "表单标题" if key == "title" else "表单说明"
            out.append(_change(path=pointer("form", key), kind="changed", old=before.get(key), new=after.get(key), description=f"修改了{what}"))
    if _order(before) != _order(after) and not out:
        out.append(_change(path="/form/x-order", kind="changed", old=before.get("x-order"), new=after.get("x-order"), description="调整了字段顺序"))
    if not out and before != after:
        out.append(_change(path="/form", kind="changed", old=before, new=after, description="修改了表单的其他设置"))
    return out


def _order(schema: dict) -> list:
    return list(schema.get("x-order") or schema.get("properties") or [])


def _field_changes(
    where: str, old_label: str, label: str, old: dict, new: dict, was_required: bool, required: bool,
    start_label: str | None = None,
) -> list[dict[str, Any]]:
    out = []
    if old.get("title") != new.get("title"):
        out.append(_change(path=where + "/title", kind="changed", old=old.get("title"), new=new.get("title"), description=f"字段{old_label}改名为{label}"))
    if was_required != required:
        out.append(_change(path=where, kind="changed", old=was_required, new=required, description=f"字段{label}改为{'必填' if required else '选填'}"))
    for key, name in LIMITS.items():
        a, b = old.get(key), new.get(key)
        if a == b:
            continue
        if a is None:
            text = f"字段{label}新增{name} {b}"
        elif b is None:
            text = f"字段{label}取消了{name}（原为 {a}）"
        else:
            text = f"字段{label}的{name}由 {a} 改为 {b}"
        out.append(_change(path=f"{where}/{key}", kind="changed" if a is not None and b is not None else ("added" if a is None else "removed"), old=a, new=b, description=text))
    if old.get("format") != new.get("format"):
        fmt = new.get("format")
        text = f"字段{label}的校验改为{FORMATS.get(fmt, fmt)}" if fmt else f"字段{label}取消了格式校验"
        out.append(_change(path=where + "/format", kind="changed", old=old.get("format"), new=fmt, description=text))
    for key in ("enum", "oneOf"):
        a = old.get(key, (old.get("items") or {}).get(key) if isinstance(old.get("items"), dict) else None)
        b = new.get(key, (new.get("items") or {}).get(key) if isinstance(new.get("items"), dict) else None)
        if a != b:
            out.append(_change(path=f"{where}/{key}", kind="changed", old=a, new=b, description=f"字段{label}的选项已修改"))
    if old.get("description") != new.get("description"):
        out.append(_change(path=where + "/description", kind="changed", old=old.get("description"), new=new.get("description"), description=f"字段{label}的说明已修改"))
    if old.get("default") != new.get("default"):
        out.append(_change(path=where + "/default", kind="changed", old=old.get("default"), new=new.get("default"), description=f"字段{label}的默认值已修改"))
    if old.get("x-total") != new.get("x-total"):
        spec = new.get("x-total")
        text = (f"字段{label}的“{column_title(new, str(spec.get('field')))}”合计须等于 {spec.get('equals')}"
                if isinstance(spec, dict) else f"字段{label}取消了合计校验")
        out.append(_change(path=where + "/x-total", kind="changed", old=old.get("x-total"), new=spec, description=text))
    if old.get("x-today") != new.get("x-today"):
        text = {"notAfter": "不能晚于今天", "notBefore": "不能早于今天"}.get(new.get("x-today"), "不再限制早于或晚于今天")
        out.append(_change(path=where + "/x-today", kind="changed", old=old.get("x-today"), new=new.get("x-today"), description=f"字段{label}{text}"))
    if old.get("x-notBefore") != new.get("x-notBefore"):
        start = new.get("x-notBefore")
        text = f"不能早于{start_label or f'“{start}”'}" if isinstance(start, str) else "不再限制不早于另一日期"
        out.append(_change(path=where + "/x-notBefore", kind="changed", old=old.get("x-notBefore"), new=start, description=f"字段{label}{text}"))
    if old.get("type") != new.get("type") or old.get("x-widget") != new.get("x-widget"):
        out.append(_change(path=where + "/type", kind="changed", old=old.get("type"), new=new.get("type"), description=f"字段{label}的类型或显示方式已修改"))
    if not out and _own(old) != _own(new):
        out.append(_change(path=where, kind="changed", old=old, new=new, description=f"字段{label}的设置已修改"))
    return out


def _own(schema: dict) -> dict:
    """A field's settings without its sub-fields (those are compared one by one)."""
    own = {k: v for k, v in schema.items() if k not in ("properties", "required", "x-order", "allOf", "if", "then", "else")}
    if isinstance(own.get("items"), dict) and "properties" in own["items"]:
        own["items"] = _own(own["items"])
    return own
