"""The project's own JSON Schemas in ``schemas/`` (center, item, process, calendar documents)."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from core.plumbing.errors import UserError
from core.plumbing.resources import shipped_dir

SCHEMA_DIR = shipped_dir("schemas")


@lru_cache(maxsize=None)
def load_schema(name: str) -> dict[str, Any]:
    """``load_schema("center")`` reads ``schemas/center.schema.json`` once."""
    return json.loads((SCHEMA_DIR / f"{name}.schema.json").read_text("utf-8"))


def schema_errors(name: str, document: Any) -> list[UserError]:
    """Every problem of ``document`` against ``schemas/<name>.schema.json``, with JSON pointers and
    Chinese messages naming each field by its schema title."""
    from core.services.form_validation import validator_for

    return validator_for(("schema", name), load_schema(name)).errors(document)
