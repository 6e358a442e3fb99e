"""Reading JSON written by hand: a key given twice in one object is refused, not silently dropped.

``json.loads`` keeps the last of two equal keys and loses the first without a word; in a center or
item file that is a whole ``settings`` or ``form`` gone. :func:`loads` is ``json.loads`` that raises
:class:`RepeatedKeyError` instead, naming the key, the JSON path of its object and its line. Every
reader of a file an administrator or configurator writes goes through it.
"""

from __future__ import annotations

import json
from json.decoder import scanstring
from typing import Any

_DECODER = json.JSONDecoder()
_WHITESPACE = " \t\n\r"


class RepeatedKeyError(ValueError):
    """A key given twice in one JSON object: ``path`` is the object's JSON pointer ("" for the top),
    ``line`` and ``column`` where the second one is (None when they cannot be told)."""

    def __init__(self, key: str, path: str, line: int | None = None, column: int | None = None) -> None:
        self.key, self.path, self.line, self.column = key, path, line, column
        where = f"第 {line} 行第 {column} 列，" if line else ""
        super().__init__(
            f"{where}对象 {path or '/'} 中的键“{key}”写了两次（同一对象中一个键只能出现一次，否则前一处的内容会被丢掉），"
            "请删去或合并其中一处"
        )


class _Repeated(Exception):
    def __init__(self, key: str) -> None:
        self.key = key


def _refuse_repeats(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    doc = dict(pairs)
    if len(doc) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _Repeated(key)
            seen.add(key)
    return doc


def loads(text: str) -> Any:
    """``json.loads(text)``, raising :class:`RepeatedKeyError` for a key repeated in one object
    (and ``json.JSONDecodeError`` / ``RecursionError`` as ``json.loads`` does)."""
    try:
        return json.loads(text, object_pairs_hook=_refuse_repeats)
    except _Repeated as repeated:
        try:
            found = _first_repeat(text)
        except RecursionError:
            found = None
        if found is None:
            raise RepeatedKeyError(repeated.key, "") from None
        raise found from None


def _pointer(path: list[str]) -> str:
    return "".join("/" + p.replace("~", "~0").replace("/", "~1") for p in path)


def _first_repeat(text: str) -> RepeatedKeyError | None:
    """The first repeated key in document order, with its place; ``text`` is known to be valid JSON."""

    def skip(i: int) -> int:
        while i < len(text) and text[i] in _WHITESPACE:
            i += 1
        return i

    def value(i: int, path: list[str]) -> int:
        i = skip(i)
        if text[i] == "{":
            seen: set[str] = set()
            i = skip(i + 1)
            if text[i] == "}":
                return i + 1
            while True:
                start = i
                key, i = scanstring(text, i + 1)
                if key in seen:
                    line = text.count("\n", 0, start) + 1
                    raise RepeatedKeyError(key, _pointer(path), line, start - text.rfind("\n", 0, start))
                seen.add(key)
                i = value(skip(i) + 1, [*path, key])  # past the colon
                i = skip(i)
                if text[i] == "}":
                    return i + 1
                i = skip(i + 1)
        if text[i] == "[":
            i = skip(i + 1)
            if text[i] == "]":
                return i + 1
            index = 0
            while True:
                i = skip(value(i, [*path, str(index)]))
                if text[i] == "]":
                    return i + 1
                i, index = i + 1, index + 1
        return _DECODER.raw_decode(text, i)[1]

    try:
        value(0, [])
    except RepeatedKeyError as found:
        return found
    return None
