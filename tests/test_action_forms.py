"""What an action asks for beyond the core's own fields: the plugins' forms merged into one."""

from __future__ import annotations

from core.services.action_forms import merge_forms


def test_forms_of_several_plugins_become_one() -> None:
    first = {"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "integer"}},
             "required": ["a"], "x-order": ["b", "a"]}
    second = {"type": "object", "properties": {"c": {"type": "boolean"}, "a": {"type": "string", "title": "甲"}},
              "required": ["c", "a"]}
    merged = merge_forms([None, first, {}, second])
    assert merged == {
        "type": "object",
        "properties": {"a": {"type": "string", "title": "甲"}, "b": {"type": "integer"}, "c": {"type": "boolean"}},
        "required": ["a", "c"],
        "x-order": ["b", "a", "c"],
    }


def test_no_fields_no_form() -> None:
    assert merge_forms([]) is None and merge_forms([None, {"type": "object", "properties": {}}]) is None
