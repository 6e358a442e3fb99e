"""The two "one thing" bundles (一件事): which items they are, who leads them, what the opening
bundle's gift pack holds (seeds 000, 002)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

OPENING = "qykb-yjs"  # 企业开办“一件事”
CLOSING = "qyzx-yjs"  # 企业注销“一件事”
BUNDLES = frozenset({OPENING, CLOSING})
LEAD = "scjg"  # the combined window is the market regulator's business


def lead_department(item_code: str, department_codes: Sequence[str]) -> str | None:
    """The market regulator leads both bundles; any other item is left to the next answer."""
    if item_code in BUNDLES and LEAD in department_codes:
        return LEAD
    return None


def gift_pack_contents(data: Mapping[str, Any]) -> list[str]:
    """开办大礼包: the licence, then the seals, tax UKey and invoices the case asked for."""
    contents = ["营业执照正本、副本"]
    seals = data.get("seals") or {}
    if seals.get("engrave"):
        contents += [f"印章：{kind}" for kind in seals.get("types") or []]
    tax = data.get("tax") or {}
    if tax.get("taxUKey"):
        contents.append("税务UKey")
    if tax.get("invoiceNeeded"):
        contents += [f"发票：{kind}" for kind in tax.get("invoiceTypes") or []]
    return contents
