"""The precheck of a form (core.services.form_precheck) says yes only where jsonschema finds nothing."""

from __future__ import annotations

import itertools
from typing import Any

from jsonschema import Draft202012Validator

from core.services.form_precheck import compile_precheck
from core.services.formats import FORMAT_CHECKER
from tests.hall import FORM, GOOD_DATA

SCHEMAS: list[dict[str, Any]] = [
    FORM,
    {"type": "object", "required": ["a"], "additionalProperties": False,
     "properties": {"a": {"type": "integer", "minimum": 1, "exclusiveMaximum": 10},
                    "b": {"type": ["string", "null"], "maxLength": 3, "pattern": "^x"},
                    "c": {"enum": ["x", 1, True, None]}, "d": {"const": 2},
                    "e": {"type": "array", "minItems": 1, "maxItems": 2,
                          "items": {"type": "object", "properties": {"n": {"type": "number", "maximum": 5}},
                                    "additionalProperties": {"type": "string"}}}}},
    {"type": "object", "additionalProperties": {"type": "boolean"}, "minProperties": 1, "maxProperties": 2},
]

VALUES: list[Any] = [None, True, False, 0, 1, 1.0, 2, 2.5, 9, 10, -1, "", "x", "xy", "xyzw", "y", "1", [], [{}],
                     [{"n": 5}], [{"n": 6}], [{"n": True}], [{"n": 1, "m": "s"}], [{"m": 1}], [{}, {}, {}], {}]


def instances() -> list[Any]:
    """Valid and invalid data of every shape the schemas above constrain."""
    out: list[Any] = [dict(GOOD_DATA), {**GOOD_DATA, "uscc": "bad"}, {**GOOD_DATA, "companyName": "a"},
                      {**GOOD_DATA, "capital": -1}, {**GOOD_DATA, "capital": 3.5}, {**GOOD_DATA, "capital": True},
                      {"companyName": "测试"}, {}, [], "x", None]
    out += [{"a": a, "b": b} for a, b in itertools.product(VALUES, VALUES)]
    out += [{"a": 2, key: v} for key in ("c", "d", "e", "z") for v in VALUES]
    out += [{"p": a, "q": b} for a, b in itertools.product(VALUES[:4], VALUES[:4])]
    out += [{"p": True, "q": False, "r": True}]
    return out


def test_a_yes_is_never_wrong_and_valid_data_gets_it() -> None:
    for schema in SCHEMAS:
        precheck = compile_precheck(schema)
        assert precheck is not None, schema
        validator = Draft202012Validator(schema, format_checker=FORMAT_CHECKER)
        said_yes = 0
        for data in instances():
            if precheck(data):
                said_yes += 1
                assert validator.is_valid(data), (schema, data)
        assert said_yes
    assert compile_precheck(FORM)(GOOD_DATA)


def test_unknown_keywords_get_no_precheck() -> None:
    for schema in ({"type": "object", "allOf": [{}]}, {"$ref": "#/x"}, {"properties": {"a": False}},
                   {"type": "object", "patternProperties": {"^a": {}}, "properties": {}}, {"multipleOf": 2},
                   {"enum": [{"a": 1}]}, {"prefixItems": [{}], "items": {}}):
        assert compile_precheck(schema) is None, schema
