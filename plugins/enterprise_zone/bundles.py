"""The two "one thing" bundles (一件事): which items they are, who leads them, what the opening
bundle's gift pack holds (seeds 000, 002)."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

OPENING = "qykb-yjs"  # 企业开办“一件事”
CLOSING = "qyzx-yjs"  # 企业注销“一件事”
BUNDLES = frozenset({OPENING, CLOSING})
LEAD = "scjg"  # the combined window is the market regulator's business
SEALS = "gaj"  # the police approve seal engraving
TAX = "swj"  # the tax office issues the UKey and invoices


def lead_department(item_code: str, department_codes: Sequence[str]) -> str | None:
    """The market regulator leads both bundles; any other item is left to the next answer."""
    if item_code in BUNDLES and LEAD in department_codes:
        return LEAD
    return None


def gift_pack_contents(data: Mapping[str, Any], approved: Collection[str] | None = None) -> list[str]:
    """开办大礼包: the licence, then the seals, tax UKey and invoices the case asked for; of a partly
    granted bundle (部分准予) only what the ``approved`` departments granted, nothing without the licence."""
    if approved is not None and LEAD not in approved:
        return []
    contents = ["营业执照正本、副本"]
    seals = data.get("seals") or {}
    if seals.get("engrave") and (approved is None or SEALS in approved):
        contents += [f"印章：{kind}" for kind in seals.get("types") or []]
    tax = data.get("tax") or {}
    if approved is None or TAX in approved:
        if tax.get("taxUKey"):
            contents.append("税务UKey")
        if tax.get("invoiceNeeded"):
            contents += [f"发票：{kind}" for kind in tax.get("invoiceTypes") or []]
    return contents
