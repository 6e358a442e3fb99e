"""A document's template context as text, and back, exactly.

A document is numbered in its issuing transaction and rendered after commit
(:mod:`core.services.documents.rendering`), so the context it prints is stored with it. JSON alone would
turn dates into strings and a ``Decimal`` into a float; here each such value is tagged
(``{"$date": "2026-11-26"}``) and comes back as the same type, so the later render prints exactly
what was true when the document was issued. Key order is kept (the text is stored as it is).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from markupsafe import Markup

_TAGS = ("$date", "$datetime", "$time", "$decimal", "$markup", "$dict")


_PLAIN = frozenset({str, int, float, bool, type(None)})


def _encode(value: Any) -> Any:
    kind = type(value)
    if kind in _PLAIN:  # the common cases first, by exact type: what the checks below give them
        return value
    if kind is dict:
        return _encode_mapping(value)
    if kind is list:
        return [_encode(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)) and not isinstance(value, Markup):
        return value
    if isinstance(value, Markup):
        return {"$markup": str(value)}
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, time):
        return {"$time": value.isoformat()}
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    if isinstance(value, Mapping):
        return _encode_mapping(value)
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=str) if isinstance(value, (set, frozenset)) else value
        return [_encode(v) for v in items]
    return str(value)  # anything else prints as its text, as the template would have shown it


def _encode_mapping(value: Mapping[Any, Any]) -> dict[str, Any]:
    encoded = {str(k): _encode(v) for k, v in value.items()}
    if len(encoded) == 1 and next(iter(encoded)) in _TAGS:  # data that looks like a tag stays data
        return {"$dict": encoded}
    return encoded


def _decode(value: Any) -> Any:
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if not isinstance(value, dict):
        return value
    if len(value) == 1:
        (tag, inner), = value.items()
        if tag == "$date":
            return date.fromisoformat(inner)
        if tag == "$datetime":
            return datetime.fromisoformat(inner)
        if tag == "$time":
            return time.fromisoformat(inner)
        if tag == "$decimal":
            return Decimal(inner)
        if tag == "$markup":
            return Markup(inner)
        if tag == "$dict":
            return {k: _decode(v) for k, v in inner.items()}
    return {k: _decode(v) for k, v in value.items()}


def freeze(context: Mapping[str, Any]) -> str:
    """The context as JSON text (NaN and infinities refused: they are not JSON)."""
    return json.dumps(_encode(context), ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def thaw(text: str) -> dict[str, Any]:
    """The context :func:`freeze` stored, with its dates, decimals and markup as they were."""
    return _decode(json.loads(text))
