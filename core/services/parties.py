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

from core.plumbing.errors import pointer_parts, resolve

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


def _pointers(definition: Mapping[str, Any]) -> list[str]:
    """Where the applying party's name may be: the item's ``applicantField``, else the common fields."""
    configured = definition.get("applicantField")
    return [configured] if isinstance(configured, str) else list(configured or []) or list(COMMON_FIELDS)


def applicant_party(definition: Mapping[str, Any], data: Any) -> str | None:
    """The applying party named in the case data, or None when the form names nobody."""
    for pointer in _pointers(definition):
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


# Which format of a field takes a walk-in party's number: a person's resident ID, an enterprise's USCC;
# a field without a format (“统一社会信用代码或身份证号码”) takes either.
_ID_FORMAT = {"person": "resident-id", "enterprise": "uscc"}
# The applicant's field asks for the other kind of party: 企业名称 is not a person's name (a person
# filing to set up a company names the company), 姓名 not an enterprise's.
_OTHER_KIND = {"person": re.compile(r"企业|单位|公司|机构"), "enterprise": re.compile(r"^(?!.*名称).*姓名$")}


def _field_of(form: Any, pointer: str) -> tuple[Mapping[str, Any], str] | None:
    """The properties of the object holding the form's field at ``pointer`` and the field's key, or
    None when the form has no such field (only objects are followed: not a table's rows)."""
    parts = pointer_parts(pointer)
    props = form.get("properties") if isinstance(form, Mapping) else None
    for depth, key in enumerate(parts):
        if not isinstance(props, Mapping) or not isinstance(props.get(key), Mapping):
            return None
        if depth == len(parts) - 1:
            return props, key
        props = props[key].get("properties")
    return None


def party_answers(definition: Mapping[str, Any], kind: str, name: str, id_number: str) -> dict[str, Any]:
    """The answers of the item's form that name the applying party registered at the window (a
    walk-in party, ``kind`` person or enterprise): its name in the applicant's field (where
    :func:`applicant_party` reads it, unless its title asks for the other kind: 企业名称, 姓名), its resident ID or USCC in the number field beside it
    (``<x>Name`` → ``<x>Id``, ``<x>IdNumber``, ``<x>Uscc``; ``name`` → ``idNumber``; else the form's
    ``uscc`` or ``idNumber`` of that kind), as data of the form: ``{"applicantName": …,
    "applicantId": …}``. Empty when the form has no applicant's field."""
    form = definition.get("form")
    for pointer in _pointers(definition):
        found = _field_of(form, pointer)
        field = found[0][found[1]] if found else {}
        if field.get("type") == "string" and not field.get("format") and not _OTHER_KIND[kind].search(str(field.get("title") or "")):
            break
    else:
        return {}
    props, key = found
    answers: dict[str, Any] = {key: name}
    stem = key[: -len("Name")] if key.endswith("Name") else "" if key == "name" else None
    wanted = _ID_FORMAT.get(kind)
    beside = [f"{stem}Id", f"{stem}IdNumber", f"{stem}Uscc"] if stem else ["idNumber", "uscc"] if stem == "" else []
    for id_key in [*beside, "uscc" if kind == "enterprise" else "idNumber"]:
        field = props.get(id_key)
        if not isinstance(field, Mapping) or field.get("type") != "string":
            continue
        if field.get("format") == wanted or (field.get("format") is None and id_key in beside):
            answers[id_key] = id_number
            break
    for part in reversed(pointer_parts(pointer)[:-1]):
        answers = {part: answers}
    return answers
