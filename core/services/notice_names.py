"""Which material of an item a one-time notice's entry (一次性告知) asks for.

The clerk picks most entries from the item's material list: the entry then carries the material's
code (``missing[].code``) and nothing is guessed. An entry typed by hand is matched by its name:
full-width and half-width brackets and spaces alike, remarks in brackets at the end ignored
(清税证明（加盖税务机关印章） is 清税证明), and one name containing the other (营业执照副本复印件
names 营业执照) when that points at exactly one material. A name that matches none, or several,
names no material: no upload can be checked for it (``missing[].unlisted``).

``web/views/case.js`` (``noticeMaterial``) matches names the same way, to warn the clerk before the
notice is issued; keep the two alike.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any

# a remark in brackets at the end of a name, once full-width brackets read as half-width ones
_REMARK = re.compile(r"[(\[【][^()\[\]【】]*[)\]】]$")
# shorter than this, a name inside another says nothing (证, 件)
SHORTEST_PART = 2


def bare_name(name: Any) -> str:
    """A material's name as names are compared: full-width letters, digits, brackets and spaces as
    half-width ones (NFKC), without spaces, and without the remarks in brackets that end it."""
    text = "".join(unicodedata.normalize("NFKC", str(name or "")).split())
    while (shorter := _REMARK.sub("", text)) != text and shorter:
        text = shorter
    return text


def material_for_name(name: Any, materials: Sequence[Mapping[str, Any]]) -> str | None:
    """The code of the one material of ``materials`` (an item's list) the typed name ``name``
    names, or None: the same bare name; else the one material whose name the entry's contains
    (the longest of nested ones: 营业执照副本 before 营业执照); else the one whose name contains the
    entry's (章程 for 公司章程). Two materials alike (申请书和营业执照, 身份证明) are none: a guess
    would refuse the applicant's 补齐 for a material the clerk did not mean."""
    bare = bare_name(name)
    if not bare:
        return None
    named = [(str(m["code"]), bare_name(m.get("name"))) for m in materials if m.get("code") is not None]
    same = [code for code, other in named if other == bare]
    if same:
        return same[0] if len(same) == 1 else None
    inside = [(code, other) for code, other in named if len(other) >= SHORTEST_PART and other in bare]
    # only the most specific: a material whose name is inside another's match is not a second one
    widest = [(code, other) for code, other in inside if not any(other != o and other in o for _, o in inside)]
    if widest:
        return widest[0][0] if len(widest) == 1 else None
    around = [code for code, other in named if len(bare) >= SHORTEST_PART and bare in other]
    return around[0] if len(around) == 1 else None


def entry_material(entry: Mapping[str, Any], materials: Sequence[Mapping[str, Any]]) -> str | None:
    """The code of the item's material a notice entry asks for: the one it names by ``code``; none
    when the notice marked it ``unlisted``; else the one its name names (notices issued before
    entries were marked)."""
    code = entry.get("code")
    if isinstance(code, str) and any(str(m.get("code")) == code for m in materials):
        return code
    if entry.get("unlisted") is True:
        return None
    return material_for_name(entry.get("name"), materials)


def marked_entries(missing: Sequence[Any], materials: Sequence[Mapping[str, Any]]) -> list[Any]:
    """The notice's entries as it is issued: a typed one that names a material of the item gets its
    ``code``, so the applicant's 补齐 is checked against that very material; one to be uploaded
    (not ``paper``, no ``file``: a file is checked by its own slot) that names none is marked
    ``unlisted`` (no upload can be checked; the front desk checks it when the case comes back).
    What a client sent as ``unlisted`` counts for nothing."""
    marked: list[Any] = []
    for entry in missing:
        if not isinstance(entry, Mapping):
            marked.append(entry)
            continue
        entry = {k: v for k, v in entry.items() if k != "unlisted"}
        if not entry.get("code") and not entry.get("file"):
            code = material_for_name(entry.get("name"), materials)
            if code is not None:
                entry["code"] = code
            elif entry.get("paper") is not True:
                entry["unlisted"] = True
        marked.append(entry)
    return marked

