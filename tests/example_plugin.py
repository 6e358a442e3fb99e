"""A minimal outside plugin, as docs/plugins.md shows it: it adds one rule to case validation
and records what it saw, so tests can tell whether it ran for a center."""

from __future__ import annotations

from core.api import UserError, hookimpl

SEEN: list[str] = []


@hookimpl
def validate_case(center, item, data, action):
    SEEN.append(center.code)
    if str(data.get("name", "")).startswith("测试"):
        return [UserError(code="example.name", message="名称不能以“测试”开头", path="/name")]
    return []
