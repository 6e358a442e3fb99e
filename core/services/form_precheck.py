"""A quick yes for valid case data: a form's schema compiled to plain Python checks.

jsonschema walks a form's schema keyword by keyword through generic machinery on every submission;
most submissions are valid, and for them that walk only to find nothing is most of what validating
costs. :func:`compile_precheck` turns a schema made only of the common keywords (types,
properties, required, lengths, bounds, patterns, formats, items, enums) into a function that says
True only when jsonschema would find no problem. False means "not sure": the caller then asks
jsonschema, which finds every problem and words it (:class:`core.services.form_validation.FormValidator`).
A schema with any other keyword gets no precheck at all (None).

Each check is conservative where the standard is subtle: a number equal to an ``enum`` entry of
another type (``1`` and ``1.0``), an object or a list inside ``enum``/``const``, are left to jsonschema.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

from core.services.formats import FORMAT_CHECKER
from core.services.form_totals import KEYWORD as TOTAL, total_off
from core.services.form_dates import KEYWORD as TODAY, NOT_BEFORE, date_off, earlier_fields

Check = Callable[[Any], bool]

_ANNOTATIONS = frozenset({"$schema", "title", "description", "default", "examples", "$comment", "readOnly", "writeOnly", "deprecated"})
_SCALARS = (str, int, float, bool, type(None))


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


_TYPES: dict[str, Check] = {
    "string": lambda v: isinstance(v, str),
    "number": _is_number,
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
}


def reversed_date_range(value: Any) -> bool:
    """A date range (``"x-kind": "dateRange"``, the designer's 日期区间: ``start`` and ``end``) that
    ends before it starts. Dates that are not dates are their format's problem, not this one's."""
    if not isinstance(value, dict):
        return False
    start, end = value.get("start"), value.get("end")
    if not (isinstance(start, str) and isinstance(end, str)):
        return False
    try:
        return date.fromisoformat(end) < date.fromisoformat(start)
    except ValueError:
        return False


class _Unsupported(Exception):
    """The schema uses something the precheck does not mirror."""


def compile_precheck(schema: Any) -> Check | None:
    """The precheck of ``schema``, or None when it uses a keyword the precheck does not know."""
    try:
        return _compile(schema)
    except (_Unsupported, re.error, TypeError, ValueError):
        return None


def _always(value: Any) -> bool:
    return True


def _all_of(checks: list[Check]) -> Check:
    if not checks:
        return _always
    if len(checks) == 1:
        return checks[0]

    def check(value: Any) -> bool:
        for one in checks:
            if not one(value):
                return False
        return True

    return check


def _compile(schema: Any) -> Check:
    if schema is True:
        return _always
    if not isinstance(schema, dict):
        raise _Unsupported(schema)
    checks: list[Check] = []
    if schema.get("x-kind") == "dateRange":
        checks.append(lambda v: not reversed_date_range(v))
    if TOTAL in schema:
        spec = schema[TOTAL]
        checks.append(lambda v: total_off(v, spec) is None)
    if TODAY in schema:
        limit = schema[TODAY]
        checks.append(lambda v: not date_off(v, limit))
    props = schema.get("properties")
    if isinstance(props, dict) and any(isinstance(p, dict) and NOT_BEFORE in p for p in props.values()):
        checks.append(lambda v: not earlier_fields(v, props))
    for key, value in schema.items():
        if key in _ANNOTATIONS or key.startswith("x-"):
            continue
        if key == "additionalProperties" and "properties" in schema:
            continue  # checked by ``properties``
        maker = _KEYWORDS.get(key)
        if maker is None:
            raise _Unsupported(key)
        checks.append(maker(value, schema))
    return _all_of(checks)


def _type(value: Any, schema: dict) -> Check:
    names = [value] if isinstance(value, str) else value
    if not isinstance(names, list) or not names:
        raise _Unsupported(value)
    tests = [_TYPES[name] for name in names]  # KeyError: an unknown type
    return tests[0] if len(tests) == 1 else (lambda v: any(t(v) for t in tests))


def _properties(value: Any, schema: dict) -> Check:
    if not isinstance(value, dict) or "patternProperties" in schema:
        raise _Unsupported("properties")
    inner = {name: _compile(sub) for name, sub in value.items()}
    extra = schema.get("additionalProperties", True)
    if extra is True:
        rest = None
    elif extra is False:
        rest = False
    else:
        rest = _compile(extra)

    def check(v: Any) -> bool:
        if not isinstance(v, dict):
            return True
        for name, item in v.items():
            sub = inner.get(name)
            if sub is not None:
                if not sub(item):
                    return False
            elif rest is False or (rest is not None and not rest(item)):
                return False
        return True

    return check


def _additional_alone(value: Any, schema: dict) -> Check:
    """``additionalProperties`` without ``properties`` (with them, :func:`_properties` checks it)."""
    if "patternProperties" in schema:
        raise _Unsupported("additionalProperties")
    return _every(value, dict, dict.values)


def unanswered(value: Any) -> bool:
    """A value that answers nothing: an empty or blank text, an empty list (a required 多选 with
    nothing ticked). A required field holding one counts as not filled in."""
    return (isinstance(value, str) and not value.strip()) or (isinstance(value, list) and not value)


def _required(value: Any, schema: dict) -> Check:
    names = list(value)
    return lambda v: not isinstance(v, dict) or all(name in v and not unanswered(v[name]) for name in names)


def _count(kind: type, compare: Callable[[int, Any], bool]) -> Callable[[Any, dict], Check]:
    def make(bound: Any, schema: dict) -> Check:
        if not isinstance(bound, int) or isinstance(bound, bool):
            raise _Unsupported(bound)
        return lambda v: not isinstance(v, kind) or compare(len(v), bound)

    return make


def _bound(compare: Callable[[Any, Any], bool]) -> Callable[[Any, dict], Check]:
    def make(bound: Any, schema: dict) -> Check:
        if not _is_number(bound):
            raise _Unsupported(bound)
        return lambda v: not _is_number(v) or compare(v, bound)

    return make


def _pattern(value: Any, schema: dict) -> Check:
    compiled = re.compile(value)
    return lambda v: not isinstance(v, str) or compiled.search(v) is not None


def _format(value: Any, schema: dict) -> Check:
    if not isinstance(value, str):
        raise _Unsupported(value)
    return lambda v: FORMAT_CHECKER.conforms(v, value)


def _same_scalar(v: Any, option: Any) -> bool:
    return type(v) is type(option) and v == option


def _enum(value: Any, schema: dict) -> Check:
    if not isinstance(value, list) or not all(isinstance(o, _SCALARS) for o in value):
        raise _Unsupported("enum")
    options = list(value)
    return lambda v: isinstance(v, _SCALARS) and any(_same_scalar(v, o) for o in options)


def _const(value: Any, schema: dict) -> Check:
    if not isinstance(value, _SCALARS):
        raise _Unsupported("const")
    return lambda v: _same_scalar(v, value)


def _items(value: Any, schema: dict) -> Check:
    if "prefixItems" in schema:
        raise _Unsupported("prefixItems")
    return _every(value, list, iter)


def _every(subschema: Any, kind: type, entries: Callable[[Any], Any]) -> Check:
    """Every entry (``entries`` of a ``kind`` value: a dict's values, a list's items) matches
    ``subschema``; ``false`` allows none. A value of another kind is left to ``type``."""
    if subschema is False:
        return lambda v: not isinstance(v, kind) or not v
    inner = _compile(subschema)
    return lambda v: not isinstance(v, kind) or all(inner(item) for item in entries(v))


_KEYWORDS: dict[str, Callable[[Any, dict], Check]] = {
    "type": _type,
    "properties": _properties,
    "additionalProperties": _additional_alone,
    "required": _required,
    "minLength": _count(str, lambda n, b: n >= b),
    "maxLength": _count(str, lambda n, b: n <= b),
    "minItems": _count(list, lambda n, b: n >= b),
    "maxItems": _count(list, lambda n, b: n <= b),
    "minProperties": _count(dict, lambda n, b: n >= b),
    "maxProperties": _count(dict, lambda n, b: n <= b),
    "minimum": _bound(lambda v, b: v >= b),
    "maximum": _bound(lambda v, b: v <= b),
    "exclusiveMinimum": _bound(lambda v, b: v > b),
    "exclusiveMaximum": _bound(lambda v, b: v < b),
    "pattern": _pattern,
    "format": _format,
    "enum": _enum,
    "const": _const,
    "items": _items,
}
