"""Licence numbers and validity (许可证编号、有效期) of the certificates an item issues.

An item's ``certificate`` may give ``numberPattern`` (``"JY{year}{seq:06d}"``) and ``validYears``.
Placeholders: ``{year}``, ``{center}`` (the center's short name), ``{item}`` (the item code, upper
case), ``{seq}`` / ``{seq:0Nd}`` (the sequence, zero-padded to N digits). Nothing else is expanded, so
a pattern can never reach into Python objects. Numbers come from the core's counters, one sequence
per expanded prefix (a pattern with ``{year}`` restarts every year), so two items sharing a pattern
never share a number.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from core.plumbing.counters import next_value

DEFAULT_PATTERN = "{center}{item}{year}{seq:06d}"
PLACEHOLDER = re.compile(r"\{(year|center|item|seq)(?::0(\d)d)?\}")


def pattern_problems(pattern: str) -> list[str]:
    """What is wrong with a pattern: unknown placeholders, no ``{seq}``."""
    problems = []
    stripped = PLACEHOLDER.sub("", pattern)
    if "{" in stripped or "}" in stripped:
        problems.append("只能使用 {year}、{center}、{item}、{seq} 或 {seq:06d} 形式的占位符")
    if not any(m.group(1) == "seq" for m in PLACEHOLDER.finditer(pattern)):
        problems.append("须包含流水号 {seq}")
    return problems


def _expand(pattern: str, values: Mapping[str, str], seq: int | None) -> str:
    def one(match: re.Match[str]) -> str:
        name, width = match.group(1), match.group(2)
        if name == "seq":
            return "{seq}" if seq is None else f"{seq:0{int(width or 1)}d}"
        return values[name]

    return PLACEHOLDER.sub(one, pattern)


async def next_licence_number(center_id: int, center_short: str, item_code: str, spec: Mapping[str, Any], on: date) -> str:
    """The next number of the item's licences (inside the caller's transaction)."""
    pattern = str(spec.get("numberPattern") or DEFAULT_PATTERN)
    values = {"year": str(on.year), "center": center_short, "item": item_code.upper()}
    prefix = _expand(pattern, values, None)
    scope = f"licence:{center_id}:{prefix}"
    if len(scope) > 96:  # the counter's scope column
        scope = f"licence:{center_id}:{hashlib.sha256(prefix.encode()).hexdigest()[:40]}"
    seq = await next_value(scope)
    return _expand(pattern, values, seq)


def valid_until(start: date, years: int) -> date:
    """The last day of a validity of ``years`` from ``start`` (5 years from 2026-11-27: 2031-11-26)."""
    try:
        end = start.replace(year=start.year + years)
    except ValueError:  # 29 February
        end = start.replace(year=start.year + years, day=28) + timedelta(days=1)
    return end - timedelta(days=1)


async def licence_for(center_id: int, center_short: str, item_code: str, spec: Mapping[str, Any], on: date) -> dict[str, Any]:
    """``{number, validFrom, validUntil?}`` of a licence issued on ``on``."""
    licence: dict[str, Any] = {
        "number": await next_licence_number(
            center_id=center_id, center_short=center_short, item_code=item_code, spec=spec, on=on
        ),
        "validFrom": on.isoformat(),
    }
    years = spec.get("validYears")
    if isinstance(years, int) and years > 0:
        licence["validUntil"] = valid_until(on, years).isoformat()
    return licence
