"""Who the applying party is (申请人): the company, 经营者 or person named in the form, as every
document prints it; never a login account's label.

An item names the field in ``applicantField`` (a JSON pointer, or a list of pointers tried in order).
Without one, the first of :data:`COMMON_FIELDS` the form data has is used; without any, the account's
name with a trailing role label removed (``张三（申请人）`` → ``张三``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from core.plumbing.errors import resolve

COMMON_FIELDS: tuple[str, ...] = (
    "/applicantName", "/enterpriseName", "/companyName", "/operatorName", "/unitName", "/builderName",
    "/entityName", "/name", "/personName", "/staffName",
)
_LABEL = re.compile(r"\s*[（(][^（）()]*[）)]\s*$")


def account_name(display_name: str | None, username: str = "") -> str:
    """A person's name from their account: the display name without a trailing ``（申请人）``-style
    label, else the username."""
    name = _LABEL.sub("", display_name or "").strip()
    return name or username


def _text(value: Any) -> str | None:
    if isinstance(value, str) and value.strip():
        return value.strip()
    if isinstance(value, Mapping):  # {"name": ...} objects, as in legalRepresentative
        return _text(value.get("name"))
    return None


def applicant_party(definition: Mapping[str, Any], data: Any) -> str | None:
    """The applying party named in the case data, or None when the form names nobody."""
    configured = definition.get("applicantField")
    pointers = [configured] if isinstance(configured, str) else list(configured or []) or list(COMMON_FIELDS)
    for pointer in pointers:
        try:
            found = _text(resolve(data, pointer))
        except (KeyError, IndexError, TypeError, ValueError):
            continue
        if found:
            return found
    return None


def applicant_name(definition: Mapping[str, Any], data: Any, display_name: str | None, username: str = "") -> str:
    """What documents print as the applicant (max. 256 characters, the case column)."""
    return (applicant_party(definition, data) or account_name(display_name, username))[:256]
