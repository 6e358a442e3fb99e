"""Validate an applicant's case data against an item's form, and tell them everything at once.

An item's ``form`` is a JSON Schema (draft 2020-12) whose root is ``"type": "object"``. Besides the
standard keywords it may carry UI hints, which validation ignores and the front end reads:

``title``
    the field's label; every error message names the field by it (falls back to the property name).
``description``
    help text shown under the field.
``x-widget``
    how to render the field, one of :data:`WIDGETS`: ``text``, ``textarea``, ``select``, ``radio``,
    ``checkbox`` (a boolean, or an array of ``enum`` strings for several choices), ``date``, ``number``,
    ``money``, ``file``, ``table`` (an array of objects, one row per item: 股东, 董事…). A ``date-time``
    field needs none (its format gives it a date and time picker); ``date`` on it is refused
    (``form.date_time_widget``): a date picker cannot answer the time.
``x-order``
    on the root (or any object with ``properties``): the list of property names in display order;
    properties not listed follow in declaration order.
``x-notBefore``
    on a date (or date-time) field: the key of a sibling date field it may not be earlier than
    (``not_before``, at the later field; :mod:`core.services.form_dates`).

Formats are those of :mod:`core.services.formats` (``uscc``, ``resident-id``, ``mobile-cn``, ``phone-cn``,
``postcode-cn``, ``money``, ``year-month`` and the standard ones); any other name is refused when the
form is defined, because jsonschema would silently accept every value for it.

Build a :class:`FormValidator` once per item version (``validator_for``): compiling is what costs,
validating a 30-field form then takes well under a millisecond.
"""

from __future__ import annotations

import json
import math
import re
import threading
from datetime import date
from collections.abc import Callable, Hashable, Iterator, Sequence
from typing import Any
from urllib.parse import unquote

from cachetools import LRUCache
from jsonschema import Draft202012Validator, validators
from jsonschema.exceptions import ValidationError

from core.plumbing.errors import UserError, UserErrorsException, pointer, pointer_parts, resolve
from core.services.form_precheck import compile_precheck, reversed_date_range, unanswered
from core.services.formats import FORMAT_CHECKER, SUPPORTED_FORMATS, FormatProblem, code_text, half_width, reason_for
from core.services.form_totals import check_total_spec, total_message, total_off
from core.services.form_dates import (
    NOT_BEFORE, check_not_before_spec, check_today_spec, date_message, date_off, earlier_fields, not_before_message,
)
from core.plumbing.text_safety import BIDI_MESSAGE, has_bidi_controls

__all__ = [
    "WIDGETS",
    "ITEM_MAX_BYTES",
    "CASE_DATA_MAX_BYTES",
    "VALIDATOR_CACHE_SIZE",
    "FormValidator",
    "check_form_schema",
    "validator_for",
    "clear_validator_cache",
    "schema_at",
    "check_size",
    "byte_size",
    "CASE_TEXT_MAX_CHARS",
    "CASE_TEXT_TOTAL_CHARS",
    "CASE_LIST_MAX_ITEMS",
    "NOTICE_TEXT_TOTAL_CHARS",
    "NOTICE_LIST_MAX_ITEMS",
    "bounds_errors",
    "FIELD_KEY",
    "FORM_MAX_FIELDS",
]

WIDGETS = frozenset(
    {"text", "textarea", "select", "radio", "checkbox", "date", "number", "money", "file", "table"}
)
ITEM_MAX_BYTES = 1024 * 1024
"""Largest item document (published elements + form) a service accepts: 1 MB of UTF-8 JSON."""
CASE_DATA_MAX_BYTES = 256 * 1024
"""Largest case data (the filled form) a service accepts: 256 KB of UTF-8 JSON."""
VALIDATOR_CACHE_SIZE = 512
FIELD_KEY = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,63}")
"""A field's key (its name in the case data), as the designer allows it (``web/designer/model.js``,
``renameField``): an English letter, then letters, digits and ``_``, at most 64 characters."""
FORM_MAX_FIELDS = 200
"""Most fields (declared properties, nested ones included) a form may have, checked when it is saved."""

Part = str | int
_META = Draft202012Validator(
    Draft202012Validator.META_SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER
)
_ONE_SUBSCHEMA = (
    "additionalProperties", "items", "contains", "propertyNames", "not", "if", "then", "else",
    "unevaluatedItems", "unevaluatedProperties", "contentSchema",
)
_MANY_SUBSCHEMAS = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")
_LIST_SUBSCHEMAS = ("allOf", "anyOf", "oneOf", "prefixItems")
_BRANCHES = ("allOf", "anyOf", "oneOf", "then", "else")
_SCOPED = frozenset({"allOf", "anyOf", "oneOf", "if", "then", "else", "not", "dependentSchemas"})


# --- walking a schema -------------------------------------------------------------------------------

def _subschemas(
    schema: Any, path: tuple[Part, ...] = (), scope: frozenset[str] = frozenset()
) -> Iterator[tuple[tuple[Part, ...], dict, frozenset[str]]]:
    """Every object subschema, its path in the schema document, and the property names in scope.

    ``scope`` is what ``required`` may name there: the schema's own ``properties`` plus, inside a
    branch (``allOf``, ``if``/``then``/``else``...), those of the object the branch belongs to.
    Values of ``enum``, ``const``, ``default``, ``examples`` are data, not schemas, and are skipped.
    """
    if not isinstance(schema, dict):
        return
    props = schema.get("properties")
    names = scope | frozenset(props if isinstance(props, dict) else ())
    yield path, schema, names
    for kw in _ONE_SUBSCHEMA:
        if kw in schema:
            yield from _subschemas(schema[kw], (*path, kw), names if kw in _SCOPED else frozenset())
    for kw in _MANY_SUBSCHEMAS:
        if isinstance(schema.get(kw), dict):
            inner = names if kw in _SCOPED else frozenset()
            for name, sub in schema[kw].items():
                yield from _subschemas(sub, (*path, kw, name), inner)
    for kw in _LIST_SUBSCHEMAS:
        if isinstance(schema.get(kw), list):
            inner = names if kw in _SCOPED else frozenset()
            for i, sub in enumerate(schema[kw]):
                yield from _subschemas(sub, (*path, kw, i), inner)


def _resolve_local(root: Any, ref: str) -> Any:
    """Target of a same-document ``$ref`` (``#``, ``#/json/pointer``, ``#anchor``), or None."""
    if not ref.startswith("#"):
        return None
    fragment = unquote(ref[1:])
    if not fragment:
        return root
    if not fragment.startswith("/"):
        for _, sub, _ in _subschemas(root):
            if sub.get("$anchor") == fragment or sub.get("$dynamicAnchor") == fragment:
                return sub
        return None
    return resolve(root, fragment, None)


def _variants(root: Any, schema: Any, depth: int = 0) -> Iterator[dict]:
    """``schema`` itself, its ``$ref`` target and its conditional/combined branches."""
    if not isinstance(schema, dict) or depth > 8:
        return
    yield schema
    ref = schema.get("$ref")
    if isinstance(ref, str):
        yield from _variants(root, _resolve_local(root, ref), depth + 1)
    for kw in _BRANCHES:
        value = schema.get(kw)
        for sub in value if isinstance(value, list) else [value]:
            yield from _variants(root, sub, depth + 1)


def _child(root: Any, schema: Any, part: Part) -> dict | None:
    """The subschema that applies to ``instance[part]``; one with a ``title`` is preferred."""
    found: list[dict] = []
    for s in _variants(root, schema):
        if isinstance(part, int):
            prefix = s.get("prefixItems")
            if isinstance(prefix, list) and part < len(prefix):
                found.append(prefix[part])
            elif isinstance(s.get("items"), dict):
                found.append(s["items"])
            continue
        props = s.get("properties")
        if isinstance(props, dict) and isinstance(props.get(part), dict):
            found.append(props[part])
        for pattern, sub in (s.get("patternProperties") or {}).items():
            if isinstance(sub, dict) and _search(pattern, part):
                found.append(sub)
    candidates = [c for f in found for c in _variants(root, f)]
    titled = [c for c in candidates if isinstance(c.get("title"), str)]
    return (titled or found or [None])[0]


def _search(pattern: str, text: str) -> bool:
    try:
        return re.search(pattern, text) is not None
    except re.error:
        return False


def schema_at(schema: dict, json_pointer: str) -> dict | None:
    """The subschema describing the value at ``json_pointer`` of the data (``/shareholders/0/name``).

    Array indexes may be any number (every row has the same schema). None when no field is there;
    used to check that a certificate field points at something the form actually asks for.
    """
    if json_pointer == "":
        return schema
    if not json_pointer.startswith("/"):
        return None
    node: dict | None = schema
    for token in pointer_parts(json_pointer):
        part: Part = int(token) if token.isdigit() else token
        node = _child(schema, node, part) if node is not None else None
        if node is None:
            return None
    return node


CODE_FORMATS = frozenset({"resident-id", "uscc", "mobile-cn", "phone-cn", "postcode-cn", "email", "money", "date"})
"""Formats whose answers are codes: typed full width (１３８…, ９１３１…Ａ) they are the ASCII the applicant
meant. ``web/form.js`` folds the same set as it is typed."""

UNSPACED_FORMATS = frozenset({"resident-id", "uscc", "mobile-cn", "postcode-cn"})
"""Codes written in groups for reading (138 0000 8000, 4405 2419 8801 0100 14): their spaces are not
part of them. ``web/form.js`` drops them as typed too."""

_FOLDABLE = re.compile("[\uff01-\uff5e\u3000 \t]")

ID_CODE_FORMATS = frozenset({"resident-id", "uscc"})
"""Identity codes, whose letters are upper case: typed in lower case or in groups with spaces
(``441882…x``, ``9144 1882 MA4W…``) they are the code the applicant meant, as the walk-in
registration (``registerWalkInParty``) and every lookup by code read them."""

# A JSON string of code characters with a lower-case letter or a space: what an identity code
# typed loosely looks like (the quick check that spares the walk for every other application).
_LOOSE_CODE = re.compile(r'"(?=[0-9A-Za-z\s]*[a-z\s])[0-9A-Za-z\s]{18,40}"')


def fold_codes(schema: dict, data: Any) -> Any:
    """``data`` with every answer of a code field (``CODE_FORMATS``) typed full width folded to
    ASCII, every identity code (``ID_CODE_FORMATS``) without spaces and in upper case, and the
    spaces between the groups of a mobile or a postcode (``UNSPACED_FORMATS``) dropped, as the web
    form sends them, for every client: the certificate prints, the clerk's search finds and the SMS
    reaches the code the applicant meant. Names and free text keep their width and spaces; ``data``
    is returned as it is when nothing needs folding."""
    def fold(value: Any, sub: dict | None) -> Any:
        if isinstance(value, str):
            if sub is None:
                return value
            formats = {v.get("format") for v in _variants(schema, sub)}
            if formats & ID_CODE_FORMATS:
                return code_text("".join(value.split()))  # no space between its groups either
            if formats & UNSPACED_FORMATS:
                return "".join(half_width(value).split())
            if formats & CODE_FORMATS and _FOLDABLE.search(value):
                return half_width(value)
            return value
        if isinstance(value, dict):
            return {k: fold(v, _child(schema, sub, k) if sub is not None else None) for k, v in value.items()}
        if isinstance(value, list):
            return [fold(v, _child(schema, sub, i) if sub is not None else None) for i, v in enumerate(value)]
        return value

    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    if not _FOLDABLE.search(text) and not _LOOSE_CODE.search(text):
        return data
    return fold(data, schema)


# --- checking a form definition ---------------------------------------------------------------------

def check_form_schema(schema: object, prefix: str = "/form") -> list[UserError]:
    """Every problem of a form definition; [] when it can be used. Paths start with ``prefix``."""
    if not isinstance(schema, dict):
        return [UserError("form.root_type", "表单定义应为JSON对象（JSON Schema）", prefix)]
    problems: list[UserError] = []
    for e in sorted(_META.iter_errors(schema), key=lambda e: [str(p) for p in e.absolute_path]):
        where = prefix + pointer(*e.absolute_path)
        problems.append(UserError("form.invalid_schema", _meta_message(e), where))
    if schema.get("type") != "object":
        problems.append(UserError("form.root_type", "表单定义的根节点应为 \"type\": \"object\"", prefix + "/type"))
    fields = 0
    for path, sub, names in _subschemas(schema):
        here = prefix + pointer(*path)
        if not _IN_CONDITION.intersection(path):  # an if/not names fields declared elsewhere
            keys = _check_keys(sub, here)
            fields += keys[0]
            problems.extend(keys[1])
        fmt = sub.get("format")
        if isinstance(fmt, str) and fmt not in SUPPORTED_FORMATS:
            supported = "、".join(sorted(SUPPORTED_FORMATS))
            problems.append(UserError("form.unknown_format", f"不支持的格式“{fmt}”，可用：{supported}", here + "/format"))
        widget = sub.get("x-widget")
        if widget is not None and widget not in WIDGETS:
            problems.append(UserError(
                "form.invalid_hint", f"x-widget“{widget}”无效，可用：{'、'.join(sorted(WIDGETS))}", here + "/x-widget"
            ))
        elif widget == "date" and fmt == "date-time":  # a date picker cannot answer the time the format asks
            title = sub.get("title") if isinstance(sub.get("title"), str) and sub["title"].strip() else (path[-1] if path else "表单")
            problems.append(UserError(
                "form.date_time_widget",
                f"“{title}”是日期时间字段，不能显示为日期选择（x-widget: date），否则申请人无法填写时间：请删除 x-widget，或把格式改为日期（date）",
                here + "/x-widget",
            ))
        problems.extend(_check_refs(schema, sub, here))
        problems.extend(_check_names(sub, names, here))
        problems.extend(_check_bounds(sub, here))
        problems.extend(check_total_spec(sub, here))
        problems.extend(check_today_spec(sub, here))
        problems.extend(check_not_before_spec(sub, here))
    if fields > FORM_MAX_FIELDS:
        problems.append(UserError(
            "form.too_many_fields", f"表单的字段过多（{fields}个）：一张表单最多{FORM_MAX_FIELDS}个字段，请精简或拆分事项", prefix,
        ))
    return problems


_IN_CONDITION = frozenset({"if", "not"})


def _check_keys(sub: dict, here: str) -> tuple[int, list[UserError]]:
    """The number of fields ``sub`` declares, and its keys the designer would refuse (:data:`FIELD_KEY`)."""
    props = sub.get("properties")
    if not isinstance(props, dict):
        return 0, []
    out = [
        UserError(
            "form.invalid_key",
            f"字段标识“{name[:64]}”无效：应以英文字母开头，由英文字母、数字和 _ 组成，至多64个字符",
            here + pointer("properties", name),
        )
        for name in props if not FIELD_KEY.fullmatch(name)
    ]
    return len(props), out


# Lower and upper bounds that together leave no value at all: (lower, upper, what, whether equal is empty).
_BOUNDS = (
    ("minimum", "maximum", "最小值", "最大值", False),
    ("exclusiveMinimum", "maximum", "下限（不含）", "最大值", True),
    ("minimum", "exclusiveMaximum", "最小值", "上限（不含）", True),
    ("exclusiveMinimum", "exclusiveMaximum", "下限（不含）", "上限（不含）", True),
    ("minLength", "maxLength", "最少字数", "最多字数", False),
    ("minItems", "maxItems", "最少行数", "最多行数", False),
    ("minProperties", "maxProperties", "最少属性数", "最多属性数", False),
)


def _is_number(v: object) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _check_bounds(sub: dict, here: str) -> list[UserError]:
    """Constraints no value can meet (minimum above maximum, an empty ``enum``): saved, they would
    refuse every applicant's answer with a message the applicant cannot act on."""
    label = f"“{sub['title']}”" if isinstance(sub.get("title"), str) and sub["title"].strip() else "此字段"
    out = []
    for low_kw, high_kw, low_name, high_name, strict in _BOUNDS:
        low, high = sub.get(low_kw), sub.get(high_kw)
        if not (_is_number(low) and _is_number(high)):
            continue
        if low > high or (strict and low == high):
            out.append(UserError(
                "form.impossible_bounds",
                f"{label}的{low_name}（{_num(low)}）{'不小于' if strict else '大于'}{high_name}（{_num(high)}），"
                "任何填写都无法通过，请修改",
                f"{here}/{low_kw}",
            ))
    if sub.get("enum") == []:
        out.append(UserError("form.empty_enum", f"{label}的可选项为空，申请人无从选择，请至少添加一个选项", here + "/enum"))
    rows = sub.get("items")
    if sub.get("type") == "array" and isinstance(rows, dict) and rows.get("type") == "object" and not rows.get("properties"):
        out.append(UserError("form.empty_table", f"{label}是没有列的表格，申请人只看到序号，无从填写，请至少添加一列", here + "/items"))
    out.extend(_check_default(sub, label, here))
    out.extend(_check_read_only(sub, here))
    return out


def _check_default(sub: dict, label: str, here: str) -> list[UserError]:
    """A default the field itself refuses (an option since removed, a number outside its limits)
    fills every applicant's form with an answer that is then refused: 请从选项中选择 for a value
    the applicant never chose."""
    if "default" not in sub:
        return []
    value, out = sub["default"], []
    where = here + "/default"
    options = sub.get("enum")
    if isinstance(options, list) and options and value not in options:
        out.append(UserError("form.bad_default", f"{label}的默认值“{value}”不在可选项中，请重新选择默认值", where))
    if _is_number(value):
        low, high = sub.get("minimum"), sub.get("maximum")
        if _is_number(low) and value < low:
            out.append(UserError("form.bad_default", f"{label}的默认值（{_num(value)}）小于最小值（{_num(low)}），请修改", where))
        if _is_number(high) and value > high:
            out.append(UserError("form.bad_default", f"{label}的默认值（{_num(value)}）大于最大值（{_num(high)}），请修改", where))
    if isinstance(value, str):
        longest = sub.get("maxLength")
        if _is_number(longest) and len(value) > longest:
            out.append(UserError("form.bad_default", f"{label}的默认值超过最多字数（{_num(longest)}），请修改", where))
    return out


def _check_read_only(sub: dict, here: str) -> list[UserError]:
    """A required field the applicant may not change and that holds no default can never be filled:
    every application would be refused at it."""
    props, required = sub.get("properties"), sub.get("required")
    if not isinstance(props, dict) or not isinstance(required, list):
        return []
    out = []
    for name, field in props.items():
        if isinstance(field, dict) and field.get("readOnly") is True and name in required and "default" not in field:
            title = field.get("title") if isinstance(field.get("title"), str) and field["title"].strip() else name
            out.append(UserError(
                "form.read_only_required",
                f"“{title}”是必填的只读字段，却没有默认值：申请人无法填写，请填写默认值或取消只读",
                here + pointer("properties", name, "readOnly"),
            ))
    return out


def _meta_message(e: ValidationError) -> str:
    """A configurator-readable sentence for a draft 2020-12 meta-schema violation."""
    last = e.absolute_path[-1] if e.absolute_path else None
    if last == "type" and e.validator in ("anyOf", "enum"):
        return "表单定义中“type”只能是 string、number、integer、boolean、array、object、null 之一"
    if e.validator == "format" and e.validator_value == "regex":
        return f"表单定义中的正则表达式无效：{e.instance!r}"
    where = f"“{last}”" if isinstance(last, str) else "此处"
    return f"表单定义不是有效的JSON Schema，{where}有误：{e.message}"


def _check_refs(root: dict, sub: dict, here: str) -> list[UserError]:
    out = []
    for kw in ("$ref", "$dynamicRef"):
        ref = sub.get(kw)
        if not isinstance(ref, str):
            continue
        if not ref.startswith("#"):
            out.append(UserError("form.invalid_ref", f"只能引用本表单内的定义（以#开头）：{ref}", f"{here}/{kw}"))
        elif _resolve_local(root, ref) is None:
            out.append(UserError("form.invalid_ref", f"引用的定义不存在：{ref}", f"{here}/{kw}"))
    return out


def _check_names(sub: dict, names: frozenset[str], here: str) -> list[UserError]:
    """``required`` and ``x-order`` must name properties that are declared (catches typos)."""
    out = []
    required = sub.get("required")
    if names and isinstance(required, list):
        for i, name in enumerate(required):
            if isinstance(name, str) and name not in names:
                out.append(UserError("form.unknown_required", f"必填字段“{name}”未在 properties 中定义", f"{here}/required/{i}"))
    if "x-order" not in sub:
        return out
    order, props = sub["x-order"], sub.get("properties")
    if not isinstance(props, dict):
        out.append(UserError("form.invalid_hint", "x-order 只能用于带 properties 的对象", here + "/x-order"))
    elif not isinstance(order, list) or not all(isinstance(n, str) for n in order):
        out.append(UserError("form.invalid_hint", "x-order 应为字段名的列表", here + "/x-order"))
    else:
        for i, name in enumerate(order):
            if name not in props:
                out.append(UserError("form.invalid_hint", f"x-order 中的字段“{name}”未定义", f"{here}/x-order/{i}"))
        if len(set(order)) != len(order):
            out.append(UserError("form.invalid_hint", "x-order 中有重复的字段", here + "/x-order"))
    return out


# --- validating data --------------------------------------------------------------------------------

_TYPE_NAMES = {
    "string": "文本", "number": "数字", "integer": "整数", "boolean": "是或否",
    "array": "列表", "object": "对象", "null": "空值",
}


def _num(n: object) -> str:
    if isinstance(n, float) and n.is_integer():
        return str(int(n))
    return str(n)


def _show(v: object) -> str:
    if v is True:
        return "是"
    if v is False:
        return "否"
    return "空" if v is None else str(v)


def _no_false_fields(schema: Any) -> Any:
    """``"field": false`` → ``{"not": {}}``: same meaning, but jsonschema 4.26 drops the path of a
    false subschema's error, and the applicant must be told *which* field may not be filled."""
    if isinstance(schema, list):
        return [_no_false_fields(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out = {}
    for key, value in schema.items():
        if key in ("enum", "const", "default", "examples") or key.startswith("x-"):
            out[key] = value
        elif key in ("properties", "patternProperties") and isinstance(value, dict):
            out[key] = {k: {"not": {}} if v is False else _no_false_fields(v) for k, v in value.items()}
        elif key == "prefixItems" and isinstance(value, list):
            out[key] = [{"not": {}} if v is False else _no_false_fields(v) for v in value]
        else:
            out[key] = _no_false_fields(value)
    return out


def _x_kind(validator: Any, kind: Any, instance: Any, schema: Any) -> Iterator[ValidationError]:
    """The designer's 日期区间 (``"x-kind": "dateRange"``): its end may not come before its start."""
    if kind == "dateRange" and reversed_date_range(instance):
        yield ValidationError("the range ends before it starts", path=["end"])


def _x_total(validator: Any, spec: Any, instance: Any, schema: Any) -> Iterator[ValidationError]:
    """A table's number column that must add up to a figure (``core.services.form_totals``)."""
    if total_off(instance, spec) is not None:
        yield ValidationError("the column does not add up")


def _x_today(validator: Any, limit: Any, instance: Any, schema: Any) -> Iterator[ValidationError]:
    """A date not after, or not before, today (``core.services.form_dates``)."""
    if date_off(instance, limit):
        yield ValidationError("the date is on the wrong side of today")


def _properties(validator: Any, properties: Any, instance: Any, schema: Any) -> Iterator[ValidationError]:
    """``properties``, and a date field of them before the sibling its ``x-notBefore`` names
    (``core.services.form_dates``): said at that field, the later one."""
    yield from _PROPERTIES(validator, properties, instance, schema)
    for name in earlier_fields(instance, properties):
        yield ValidationError(
            "the date is before the one it may not precede", validator=NOT_BEFORE,
            validator_value=properties[name][NOT_BEFORE], instance=instance[name], schema=properties[name], path=[name],
        )


def _required(validator: Any, required: Any, instance: Any, schema: Any) -> Iterator[ValidationError]:
    """``required``, where a blank text or an empty list is no answer either: a platform's "" for the
    company's name, a required 多选 sent as [] (the browser does, with nothing ticked)."""
    if not validator.is_type(instance, "object"):
        return
    for name in required:
        if name not in instance or unanswered(instance[name]):
            yield ValidationError(f"{name!r} is a required property")


_PROPERTIES = Draft202012Validator.VALIDATORS["properties"]
_X_KEYWORDS = {"x-kind": _x_kind, "x-total": _x_total, "x-today": _x_today, "properties": _properties}
_DocumentValidator = validators.extend(Draft202012Validator, _X_KEYWORDS)
_CaseDataValidator = validators.extend(Draft202012Validator, {**_X_KEYWORDS, "required": _required})


def _one_lower_bound(errors: list[ValidationError]) -> list[ValidationError]:
    """A negative amount said once: a ``money`` field (never below 0) with ``minimum: 0`` failed both,
    as “注册资本”不能为负数 and “注册资本”不能小于0. Where a field fails its money format for being
    negative and its ``minimum`` / ``exclusiveMinimum`` too, the stricter bound speaks: the form's own
    when it asks for more (不能小于10, 应大于0), else the format's 不能为负数."""
    negative = {
        tuple(e.absolute_path) for e in errors
        if e.validator == "format" and isinstance(e.cause, FormatProblem) and e.cause.kind == "negative"
    }
    if not negative:
        return errors

    def says_more(e: ValidationError) -> bool:  # than 不能为负数
        v = e.validator_value
        return _is_number(v) and (v > 0 if e.validator == "minimum" else v >= 0)

    lows = [e for e in errors if e.validator in ("minimum", "exclusiveMinimum") and tuple(e.absolute_path) in negative]
    stricter = {tuple(e.absolute_path) for e in lows if says_more(e)}
    dropped = {id(e) for e in lows if not says_more(e)} | {
        id(e) for e in errors if e.validator == "format" and tuple(e.absolute_path) in stricter
        and isinstance(e.cause, FormatProblem) and e.cause.kind == "negative"
    }
    return [e for e in errors if id(e) not in dropped]


class FormValidator:
    """A compiled form: ``errors(data)`` lists every problem with pointer, code and Chinese message.

    ``answers=True`` for what a person filled in (case data): a required field holding a blank text
    or an empty list is not filled in (``required``, 请填写…). The repository's own documents (item
    documents, center and calendar files) keep JSON Schema's plain ``required``."""

    __slots__ = ("schema", "_validator", "_precheck", "_answers")

    def __init__(self, schema: dict, answers: bool = False) -> None:
        self.schema = schema
        self._answers = answers
        cls = _CaseDataValidator if answers else _DocumentValidator
        self._validator = cls(_no_false_fields(schema), format_checker=FORMAT_CHECKER)
        # a quick yes for valid data (core.services.form_precheck): it never says yes to a blank
        # required answer, so it serves both kinds
        self._precheck = compile_precheck(schema)

    def _surely_valid(self, data: object) -> bool:
        return self._precheck is not None and self._precheck(data)

    def is_valid(self, data: object) -> bool:
        """True when ``data`` has no problem (cheaper than ``errors`` when you only need yes/no)."""
        return self._surely_valid(data) or self._validator.is_valid(data)

    def errors(self, data: object) -> list[UserError]:
        """All problems at once, sorted by path; [] when the data is valid."""
        if self._surely_valid(data):
            return []
        found: dict[tuple[str | None, str, str], tuple[tuple, UserError]] = {}
        for error in _one_lower_bound(list(self._validator.iter_errors(data))):
            for parts, ue in self._convert(error):
                key = tuple((0, p, "") if isinstance(p, int) else (1, 0, p) for p in parts)
                found.setdefault((ue.path, ue.code, ue.message), (key, ue))
        # A value of the wrong type fails its format, pattern... too: say only what matters. A blank
        # answer (required, at the field itself) is said once: by its length's 请填写 / 请至少填写一项
        # where the form gives one, else as not filled in, never as a bad format as well.
        codes: dict[str | None, set[str]] = {}
        for _, ue in found.values():
            codes.setdefault(ue.path, set()).add(ue.code)

        def said(ue: UserError) -> bool:
            here = codes[ue.path]
            if ue.code == "type" or (ue.code != "type" and "type" in here):
                return ue.code == "type"
            if "required" in here:
                lengths = here & {"minLength", "minItems"}
                return ue.code in lengths if lengths else ue.code == "required"
            return True

        kept = [kv for kv in found.values() if said(kv[1])]
        return [ue for _, ue in sorted(kept, key=lambda kv: (kv[0], kv[1].code, kv[1].message))]

    def check(self, data: object) -> None:
        """Raise UserErrorsException with every problem, or return when the data is valid."""
        if not self.is_valid(data):
            raise UserErrorsException(self.errors(data))

    # -- labels

    def label(self, parts: Sequence[Part], leaf: object = None) -> str:
        """“股东”第2项的“证件号码”: a field named by its titles, for messages."""
        if not parts:  # the document itself: an item definition, a center file... by its title
            title = self.schema.get("title") if isinstance(self.schema, dict) else None
            return f"“{title}”" if isinstance(title, str) and title else "表单数据"
        text, node = "", self.schema
        for i, part in enumerate(parts):
            node = _child(self.schema, node, part) if node is not None else None
            if isinstance(part, int):
                text += f"第{part + 1}项"
                continue
            title = node.get("title") if isinstance(node, dict) else None
            if title is None and i == len(parts) - 1 and isinstance(leaf, dict):
                title = leaf.get("title")
            name = f"“{title if isinstance(title, str) else part}”"
            text += name if not text else "的" + name
        return text

    # -- error conversion

    def _convert(self, e: ValidationError) -> list[tuple[list[Part], UserError]]:
        parts: list[Part] = list(e.absolute_path)
        kw, value, inst = e.validator, e.validator_value, e.instance
        if kw == "required":
            missing = [n for n in value if isinstance(inst, dict) and (n not in inst or (self._answers and unanswered(inst[n])))]
            return [self._missing(parts, n) for n in missing]
        if kw == "dependentRequired":
            missing = [
                d for prop, deps in value.items() if isinstance(inst, dict) and prop in inst
                for d in deps if d not in inst
            ]
            return [self._missing(parts, n) for n in missing]
        if kw == "additionalProperties" and isinstance(inst, dict) and isinstance(e.schema, dict):
            props = e.schema.get("properties") or {}
            patterns = list((e.schema.get("patternProperties") or {}))
            extras = [k for k in inst if k not in props and not any(_search(p, k) for p in patterns)]
            return [
                ([*parts, k], UserError("additionalProperties", f"不能填写表单未定义的字段“{k}”", pointer(*parts, k)))
                for k in extras
            ]
        label = self.label(parts, e.schema)
        return [(parts, UserError(self._code(e), self._message(e, label), pointer(*parts)))]

    def _missing(self, parts: list[Part], name: str) -> tuple[list[Part], UserError]:
        child = [*parts, name]
        field = schema_at(self.schema, pointer(*child))
        verb = "上传" if isinstance(field, dict) and field.get("x-widget") == "file" else "填写"  # 材料（文件）
        return child, UserError("required", f"请{verb}{self.label(child)}", pointer(*child))

    @staticmethod
    def _code(e: ValidationError) -> str:
        if e.validator == "x-kind":
            return "date_range"
        if e.validator == "x-total":
            return "total"
        if e.validator == "x-today":
            return "today"
        if e.validator == NOT_BEFORE:
            return "not_before"
        if e.validator == "format":
            return f"format.{e.validator_value}"
        if e.validator is None or (e.validator == "not" and e.validator_value == {}):
            return "not_allowed"  # a false schema: the field may not be filled at all
        return str(e.validator)

    def _message(self, e: ValidationError, label: str) -> str:
        kw, v, inst = e.validator, e.validator_value, e.instance
        if kw == "x-kind":  # the label names the end: “营业期限”的“结束日期”
            start = date.fromisoformat(inst["start"])
            return f"{label}不能早于开始日期（{start.year}年{start.month}月{start.day}日）"
        if kw == "format":
            return label + reason_for(str(v), e.cause)
        if kw == "x-total":  # “股东列表”的“出资比例”合计应为100（现为90）
            return total_message(label, e.schema, total_off(inst, v) or (0, 0))
        if kw == "x-today":  # “股东会决议日期”不能晚于今天（2026年11月29日）
            return date_message(label, str(v))
        if kw == NOT_BEFORE:  # “计划竣工日期”不能早于“计划开工日期”: the start by its own title
            start = _child(self.schema, schema_at(self.schema, pointer(*list(e.absolute_path)[:-1])), str(v))
            title = start.get("title") if isinstance(start, dict) else None
            return not_before_message(label, title if isinstance(title, str) and title.strip() else str(v))
        if kw == "type":
            if inst is None:
                return f"请填写{label}"
            types = v if isinstance(v, list) else [v]
            return f"{label}应为" + "或".join(_TYPE_NAMES.get(t, t) for t in types)
        if kw == "enum":
            if isinstance(v, list) and len(v) <= 10 and all(not isinstance(x, (dict, list)) for x in v):
                return f"{label}应为以下选项之一：" + "、".join(_show(x) for x in v)
            return f"{label}不是可选的值"
        if kw == "const":
            return f"请勾选{label}" if v is True else f"{label}应为“{_show(v)}”"
        if kw == "minLength":
            return f"请填写{label}" if inst == "" else f"{label}至少应有{v}个字符"
        if kw == "maxLength":
            return f"{label}不能超过{v}个字符（现有{len(inst)}个）"
        simple = {
            "minimum": f"{label}不能小于{_num(v)}",
            "maximum": f"{label}不能大于{_num(v)}",
            "exclusiveMinimum": f"{label}应大于{_num(v)}",
            "exclusiveMaximum": f"{label}应小于{_num(v)}",
            "multipleOf": f"{label}应为{_num(v)}的整数倍",
            "pattern": f"请填写{label}" if inst == "" else f"{label}格式不正确",  # empty: not filled in, as minLength
            "maxItems": f"{label}最多填写{v}项",
            "uniqueItems": f"{label}中有重复的项",
            "minProperties": f"{label}至少应填写{v}项内容",
            "maxProperties": f"{label}最多填写{v}项内容",
            "contains": f"{label}缺少必需的项",
            "not": f"{label}不应填写" if v == {} else f"{label}的填写不符合要求",
            "unevaluatedProperties": f"{label}包含表单未定义的字段",
            "unevaluatedItems": f"{label}包含多余的项",
            None: f"{label}不应填写",
        }
        if kw == "minItems":
            return f"请至少填写一项{label}" if not inst else f"{label}至少应填写{v}项"
        if kw in simple:
            return simple[kw]
        if kw in ("anyOf", "oneOf") and e.context:
            reasons: list[str] = []
            for child in sorted(e.context, key=lambda c: (len(c.absolute_path), str(c.validator))):
                if child.validator == "format" and isinstance(child.cause, FormatProblem):
                    texts = [str(child.cause)]  # "统一社会信用代码校验位错误": says which alternative
                else:
                    texts = [ue.message for _, ue in self._convert(child)]
                reasons.extend(t for t in texts if t not in reasons)
            return f"{label}须满足以下之一：" + "；".join(reasons[:4])
        if kw == "oneOf":
            return f"{label}同时符合了多个互斥的条件"
        return f"{label}不符合要求"


# --- cache ------------------------------------------------------------------------------------------

_cache: LRUCache[Hashable, FormValidator] = LRUCache(maxsize=VALIDATOR_CACHE_SIZE)
_cache_lock = threading.Lock()


def validator_for(key: Hashable, schema: dict, answers: bool = False) -> FormValidator:
    """The FormValidator for ``key`` (an immutable item-version id), built on first use; LRU of 512.

    The key must identify the schema's content: a published item version never changes, so its id
    does; a draft that is edited in place must not use this cache (or must use a new key per edit).
    ``answers`` (see :class:`FormValidator`) is part of the key: one schema checks both ways.
    """
    with _cache_lock:
        found = _cache.get((key, answers))
        if found is not None:
            return found
    built = FormValidator(schema, answers)  # compile outside the lock
    with _cache_lock:
        return _cache.setdefault((key, answers), built)


def clear_validator_cache() -> None:
    """Forget every cached validator (tests; a configurator tool that rewrites versions)."""
    with _cache_lock:
        _cache.clear()


# --- size ---------------------------------------------------------------------------------------------

def byte_size(obj: object) -> int:
    """Bytes of ``obj`` as compact UTF-8 JSON (``str``/``bytes`` are measured as they are)."""
    if isinstance(obj, bytes):
        return len(obj)
    if isinstance(obj, str):
        return len(obj.encode("utf-8"))
    return len(json.dumps(obj, ensure_ascii=False, separators=(",", ":"), default=str).encode("utf-8"))


def _human(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f}".rstrip("0").rstrip(".") + " MB"
    return f"{n / 1024:.1f}".rstrip("0").rstrip(".") + " KB"


def check_size(obj: object, limit_bytes: int, what: str) -> None:
    """Raise UserErrorsException ``too_large`` when ``obj`` exceeds ``limit_bytes`` (e.g. 办件数据)."""
    size = byte_size(obj)
    if size > limit_bytes:
        raise UserErrorsException.single(
            "too_large", f"{what}过大（{_human(size)}），不能超过{_human(limit_bytes)}"
        )


# --- bounds: what one case may make the server store and print ----------------------------------------

CASE_TEXT_MAX_CHARS = 2_000
"""Longest text in one field of case data or action parameters (a form's own ``maxLength`` may be
lower): enough for a 经营范围, short enough that the notice printing it stays quick. Documents lay
tables out with fixed widths, which keeps a long run of Chinese text linear to print (automatic
table layout took ~10 s for 2,000 characters in one cell; fixed layout takes ~0.1 s)."""
CASE_TEXT_TOTAL_CHARS = 20_000
"""All the text of one case's data together (keys included)."""
CASE_LIST_MAX_ITEMS = 100
"""Most entries in one list of case data (rows of a table)."""
NOTICE_TEXT_TOTAL_CHARS = 2_000
"""All the text of one action's parameters and comment together: a notice prints every word of it
(the materials of a one-time notice, a refusal's reasons)."""
NOTICE_LIST_MAX_ITEMS = 50
"""Most entries in one list of an action's parameters (materials named in a one-time notice)."""


def bounds_errors(
    document: object,
    label: Callable[[list[Part]], str] | None = None,
    *,
    total_chars: int = CASE_TEXT_TOTAL_CHARS,
    list_items: int = CASE_LIST_MAX_ITEMS,
    total_named: tuple[str, str | None] = ("填写的文字", None),
) -> list[UserError]:
    """Every value of ``document`` (case data; an action's parameters with the ``NOTICE_`` limits)
    that one request may not make the server store or print: text over :data:`CASE_TEXT_MAX_CHARS`
    characters or, together, over ``total_chars``; lists over ``list_items`` entries; text-direction
    overrides (a printed name must read as typed), NUL characters, NaN or infinite numbers.
    ``label`` names a field for messages (``FormValidator.label``); ``total_named``: what the total
    counts, as its message says it, and where it points."""
    errors: list[UserError] = []
    total = 0
    name = label or (lambda parts: "该项")

    def walk(value: object, parts: list[Part]) -> None:
        nonlocal total
        if len(errors) >= 50:
            return
        if isinstance(value, str):
            total += len(value)
            if len(value) > CASE_TEXT_MAX_CHARS:
                errors.append(UserError(
                    "maxLength", f"{name(parts)}不能超过{CASE_TEXT_MAX_CHARS}个字符（现有{len(value)}个）", pointer(*parts)
                ))
            if has_bidi_controls(value):
                errors.append(UserError("bidi_control", f"{name(parts)}{BIDI_MESSAGE}", pointer(*parts)))
            if "\x00" in value:
                errors.append(UserError("nul_character", f"{name(parts)}包含空字符，请删除后重新输入", pointer(*parts)))
        elif isinstance(value, float) and not math.isfinite(value):
            errors.append(UserError("not_finite", f"{name(parts)}不是有效的数值", pointer(*parts)))
        elif isinstance(value, dict):
            for key, item in value.items():
                walk(key, parts)
                walk(item, [*parts, key])
        elif isinstance(value, list):
            if len(value) > list_items:
                errors.append(UserError(
                    "maxItems", f"{name(parts)}最多填写{list_items}项（现有{len(value)}项）", pointer(*parts)
                ))
                return
            for index, item in enumerate(value):
                walk(item, [*parts, index])

    walk(document, [])
    if total > total_chars and not errors:
        errors.append(UserError(
            "too_large", f"{total_named[0]}合计过多（{total}个字符），不能超过{total_chars}个字符", total_named[1]
        ))
    return errors
