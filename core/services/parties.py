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


def party_answers(definition: Mapping[str, Any], kind: str, name: str, id_number: str,
                  contact_name: str = "", mobile: str = "") -> dict[str, Any]:
    """The answers of the item's form that name the applying party registered at the window (a
    walk-in party, ``kind`` person or enterprise): its name in the applicant's field (where
    :func:`applicant_party` reads it, unless its title asks for the other kind: 企业名称, 姓名), its resident ID or USCC in the number field beside it
    (``<x>Name`` → ``<x>Id``, ``<x>IdNumber``, ``<x>Uscc``; ``name`` → ``idNumber``; else the form's
    ``uscc`` or ``idNumber`` of that kind), as data of the form: ``{"applicantName": …,
    "applicantId": …}``; and how to reach it (:func:`contact_answers`). Empty when the form has
    neither."""
    return _merged(contact_answers(definition.get("form"), kind, contact_name, mobile),
                   _applicant_answers(definition, kind, name, id_number))


def _merged(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """``base`` with ``over``'s answers, objects merged key by key (``over`` wins)."""
    out = dict(base)
    for key, value in over.items():
        out[key] = _merged(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def _applicant_answers(definition: Mapping[str, Any], kind: str, name: str, id_number: str) -> dict[str, Any]:
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


# The form's fields for whom to reach about the case say so in their titles (联系电话, 联系人, 联系手机,
# 经办人, 联络员, 指定代表或委托代理人); 法定代表人联系电话 or 公司联系电话 is someone else's number.
_CONTACT = re.compile(r"^联系|联系人|联系手机|经办人|联络员|委托代理人")
_NUMBER_FORMATS = ("mobile-cn", "phone-cn")  # a 联系电话 takes a mobile too


def _string(props: Mapping[str, Any], key: str, formats: tuple[str | None, ...]) -> bool:
    field = props.get(key)
    return isinstance(field, Mapping) and field.get("type") == "string" and field.get("format") in formats


def _contact_slots(form: Any) -> list[tuple[str | None, str | None, str | None]]:
    """Where the form asks for the contact, in the form's order: ``(object, name key, number key)``
    (``object``: the key of a person's own object such as ``liaison`` 联络员, None at the top):
    ``<x>Name`` titled as a contact with ``<x>Mobile`` or ``<x>Phone`` beside it; an object
    titled as a contact with ``name`` and ``mobile`` or ``phone``; a number titled as the contact's."""
    props = form.get("properties") if isinstance(form, Mapping) else None
    slots: list[tuple[str | None, str | None, str | None]] = []
    if not isinstance(props, Mapping):
        return []
    for key, field in props.items():
        if not isinstance(field, Mapping) or not _CONTACT.search(str(field.get("title") or "")):
            continue
        if field.get("type") == "object" and isinstance(field.get("properties"), Mapping):
            inner = field["properties"]
            name = "name" if _string(inner, "name", (None,)) else None
            number = next((k for k in ("mobile", "phone") if _string(inner, k, _NUMBER_FORMATS)), None)
            if name or number:
                slots.append((key, name, number))
        elif _string(props, key, (None,)) and key.endswith("Name"):
            stem = key[: -len("Name")]
            number = next((k for k in (f"{stem}Mobile", f"{stem}Phone") if _string(props, k, _NUMBER_FORMATS)), None)
            slots.append((None, key, number))
        elif _string(props, key, _NUMBER_FORMATS) and not any(s[0] is None and s[2] == key for s in slots):
            slots.append((None, None, key))
    return slots


def contact_answers(form: Any, kind: str, contact_name: str, mobile: str) -> dict[str, Any]:
    """The answers of ``form`` that say whom to reach, for a walk-in party: an enterprise's 经办联系人
    and mobile in the first contact's name and number (联系人 and 联系人手机号码, 经办人姓名 and
    经办人手机号码, 联络员, 联系手机); a person's own mobile in the first contact number at the top of
    the form (a person is not the 联络员 or 委托代理人 of its own object, with a name and ID of its own)."""
    for obj, name_key, number_key in _contact_slots(form):
        if kind != "enterprise" and (obj is not None or number_key is None):
            continue
        answers: dict[str, Any] = {}
        if name_key and contact_name and kind == "enterprise":
            answers[name_key] = contact_name
        if number_key and mobile:
            answers[number_key] = mobile
        if answers:
            return {obj: answers} if obj else answers
    return {}
