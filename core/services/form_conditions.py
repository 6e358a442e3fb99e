"""The answers a form shows: an answer to a field hidden by its condition (a field only a ``then``
requires, while none of its conditions holds) is dropped from a case's data, whoever sends it.

The web form never sends such an answer, but an API client or a stale draft may (组成形式 个人经营
with 家庭成员 filled in). Kept, it would sit in the case's data, reach the certificate and the case
page, though the form never asked for it. The conditions are read exactly as ``web/conditions.js``
reads them (``matchesIf``, ``conditionalFields``, ``hiddenFields``), walking the form as
``web/form.js`` renders it (fieldsets and the rows of a table, down to the same depth); both are
tested against the same vectors (tests/test_form_conditions.py).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

MAX_DEPTH = 12
"""``web/form.js``'s ``MAX_DEPTH``: deeper than this a value is edited as JSON, its conditions unread."""


def _truthy(x: Any) -> bool:
    """JavaScript's truthiness (an empty object or list is true, 0 and "" are false)."""
    if x is None or x is False:
        return False
    if isinstance(x, (int, float)) and not isinstance(x, bool):
        return x == x and x != 0
    if isinstance(x, str):
        return x != ""
    return True


def _get(x: Any, key: str) -> Any:
    """``x[key]`` as JavaScript reads a property: None (undefined) unless ``x`` is an object holding it."""
    return x.get(key) if isinstance(x, dict) else None


def _is_object(x: Any) -> bool:
    """``typeof x === "object"`` for a JSON value that is not null."""
    return isinstance(x, (dict, list))


def _strictly_equal(a: Any, b: Any) -> bool:
    """JavaScript's ``===`` between two parsed JSON values: two objects are never the same one."""
    if _is_object(a) or _is_object(b):
        return False
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    return type(a) is type(b) and a == b


def _includes(options: list, x: Any) -> bool:
    return any(_strictly_equal(o, x) for o in options)


def _names(x: Any) -> list[str]:
    """``for (const name of x || [])`` over a list of names."""
    return [n for n in x if isinstance(n, str)] if isinstance(x, list) else []


def _keys(x: Any) -> list[str]:
    """``Object.keys(x || {})`` of an object."""
    return list(x) if isinstance(x, dict) else []


def matches_if(cond: Any, value: Any) -> bool:
    """Whether ``value`` meets ``cond`` (``matchesIf``): ``required``, then each answered property's
    ``const``, ``enum`` or ``contains``."""
    if not _truthy(cond) or not _is_object(cond):
        return False
    v = value if isinstance(value, dict) else {}
    for key in _names(_get(cond, "required")):
        if key not in v:
            return False
    props = _get(cond, "properties")
    for key in _keys(props):
        sub = props[key]
        if key not in v or not _truthy(sub) or not _is_object(sub):
            continue
        if isinstance(sub, dict) and "const" in sub and not _strictly_equal(v[key], sub["const"]):
            return False
        if isinstance(_get(sub, "enum"), list) and not _includes(sub["enum"], v[key]):
            return False
        contains = _get(sub, "contains")
        if _truthy(contains) and _is_object(contains):
            items = v[key] if isinstance(v[key], list) else []
            if not any(_matches_value(x, contains) for x in items):
                return False
    return True


def _matches_value(x: Any, sub: Any) -> bool:
    if isinstance(sub, dict) and "const" in sub and not _strictly_equal(x, sub["const"]):
        return False
    if isinstance(_get(sub, "enum"), list) and not _includes(sub["enum"], x):
        return False
    return True


def conditions_of(schema: Any) -> list[Any]:
    """The if/then(/else) pairs of an object schema: itself and its ``allOf`` (``conditionsOf``)."""
    found = [schema] if _truthy(_get(schema, "if")) else []
    all_of = _get(schema, "allOf")
    for sub in all_of if isinstance(all_of, list) else []:
        if _truthy(sub) and _truthy(_get(sub, "if")):
            found.append(sub)
    return found


def conditional_fields(schema: Any) -> dict[str, list[Any]]:
    """Fields shown only while a condition holds (``conditionalFields``): required by a ``then``, not
    required otherwise, not named by any ``if`` or ``else``; each with the conditions that show it."""
    excluded = set(_names(_get(schema, "required")))
    conditions = conditions_of(schema)
    for c in conditions:
        cond = _get(c, "if")
        excluded.update(_keys(_get(cond, "properties")) if _truthy(cond) else [])
        otherwise = _get(c, "else")
        if _truthy(otherwise):
            excluded.update(_names(_get(otherwise, "required")))
            excluded.update(_keys(_get(otherwise, "properties")))
    shows: dict[str, list[Any]] = {}
    for c in conditions:
        then = _get(c, "then")
        for name in _names(_get(then, "required")) if _truthy(then) else []:
            if name not in excluded:
                shows.setdefault(name, []).append(c)
    return shows


def hidden_fields(schema: Any, value: Any) -> list[str]:
    """The fields of an object schema hidden for ``value`` (``hiddenFields``): the conditions read
    the other answers only."""
    shows = conditional_fields(schema)
    others = {k: v for k, v in value.items() if k not in shows} if isinstance(value, dict) else {}
    return [name for name, conds in shows.items() if not any(matches_if(_get(c, "if"), others) for c in conds)]


# --- the form as web/form.js walks it ----------------------------------------------------------------

def _pointer_target(root: Any, ref: str) -> Any:
    if ref == "#":
        return root
    if not ref.startswith("#/"):
        return None
    node = root
    for raw in ref[2:].split("/"):
        key = unquote(raw).replace("~1", "/").replace("~0", "~")
        if isinstance(node, list) and key.isdigit() and int(key) < len(node):
            node = node[int(key)]
        elif isinstance(node, dict) and key in node:
            node = node[key]
        else:
            return None
    return node


def _resolve(root: Any, schema: Any, depth: int = 0) -> dict:
    """A local ``$ref`` merged under the schema's own keywords (``resolve``)."""
    if not isinstance(schema, dict):
        return {}
    ref = schema.get("$ref")
    if isinstance(ref, str) and depth < MAX_DEPTH:
        target = _pointer_target(root, ref)
        rest = {k: v for k, v in schema.items() if k != "$ref"}
        return _resolve(root, {**(target if isinstance(target, dict) else {}), **rest}, depth + 1)
    return schema


def _main_type(schema: dict) -> str | None:
    """``object`` or ``array`` as ``mainType`` tells them apart (the rest does not matter here)."""
    t = schema.get("type")
    if isinstance(t, list):
        t = next((x for x in t if x != "null"), t[0] if t else None)
    if _truthy(t):
        return t if isinstance(t, str) else None
    if _truthy(schema.get("properties")):
        return "object"
    if _truthy(schema.get("items")):
        return "array"
    return None


def _without(value: dict, hidden: list[str]) -> dict:
    return {k: v for k, v in value.items() if k not in hidden}


def _constant(form: dict, schema: Any) -> bool:
    """A field the web form does not render but sends as its ``const``: nothing inside it is asked."""
    sub = _resolve(form, schema)
    return "const" in sub and not _truthy(sub.get("x-widget"))


def shown_answers(form: dict, data: Any) -> Any:
    """``data`` without the answers to fields the form hides for it: in the form, its fieldsets and
    the rows of its tables (a table's cell edited as JSON is kept whole, as the web form keeps it).
    ``data`` itself is returned when nothing is hidden."""
    def walk(schema: Any, value: Any, depth: int) -> Any:
        if depth > MAX_DEPTH:
            return value
        schema = _resolve(form, schema)
        kind = _main_type(schema)
        props = schema.get("properties")
        if kind == "object" and _truthy(props) and isinstance(props, dict):
            if not isinstance(value, dict):
                return value
            kept = _without(value, hidden_fields(schema, value))
            out = {k: walk(props[k], v, depth + 1) if k in props and not _constant(form, props[k]) else v
                   for k, v in kept.items()}
            return value if out == value else out
        if kind == "array" and isinstance(value, list):
            items = _resolve(form, schema.get("items") or {})
            if _main_type(items) == "object" and _truthy(items.get("properties")):
                rows = [_without(row, hidden_fields(items, row)) if isinstance(row, dict) else row for row in value]
                return value if rows == value else rows
        return value

    return walk(form, data, 0)
