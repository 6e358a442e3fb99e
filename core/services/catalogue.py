"""The shared material catalogue (材料目录, ``schemas/material-catalogue.json``): what a material is,
independent of any item's list. Two items' materials with one catalogue code are the same thing
(营业执照 ``yyzz``, 身份证件 ``sfz``, 授权委托书 ``wts``), so a file given for one can be reused for the
other (材料共享), whatever slot code (``m01``) each item's list gives it."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from core.plumbing.errors import UserError, pointer
from core.plumbing.resources import shipped_dir

POWER_OF_ATTORNEY = "wts"  # 授权委托书: an agent may act for the applicant it names


@cache
def catalogue() -> dict[str, dict[str, Any]]:
    """Catalogue entries by code: ``{"yyzz": {"code": "yyzz", "name": "营业执照…", "issuer": …}}``."""
    doc = json.loads((shipped_dir("schemas") / "material-catalogue.json").read_text("utf-8"))
    return {entry["code"]: entry for entry in doc["materials"]}


def unknown_codes(materials: Any) -> list[UserError]:
    """An item's materials naming catalogue codes that are not in the catalogue."""
    if not isinstance(materials, list):
        return []
    known = catalogue()
    return [
        UserError("unknown_catalogue", f"材料“{m.get('name', '')}”的目录编码“{m['catalogue']}”不在材料目录中",
                  pointer("materials", i, "catalogue"))
        for i, m in enumerate(materials)
        if isinstance(m, dict) and isinstance(m.get("catalogue"), str) and m["catalogue"] not in known
    ]


def slot_for(definition: dict[str, Any], catalogue_code: str) -> dict[str, Any] | None:
    """The item's material that is this catalogue entry (the first, if listed twice)."""
    if not catalogue_code:
        return None
    return next((m for m in definition.get("materials", []) if m.get("catalogue") == catalogue_code), None)
