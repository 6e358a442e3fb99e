"""PDF notices, decisions, certificates and registers (pure rendering: no database).

See :mod:`core.services.documents.render` for the context contract.
"""

from __future__ import annotations

from core.services.documents.render import (
    ASSET_DIR,
    CORE_TEMPLATE_DIR,
    DOCUMENT_KINDS,
    LITIGATION_MONTHS,
    RECONSIDERATION_DAYS,
    AssetRefused,
    DocumentError,
    DocumentRenderer,
    cn_date,
    cn_datetime,
    example_context,
    qr_svg,
    seal_svg,
)

__all__ = [
    "ASSET_DIR",
    "CORE_TEMPLATE_DIR",
    "DOCUMENT_KINDS",
    "LITIGATION_MONTHS",
    "RECONSIDERATION_DAYS",
    "AssetRefused",
    "DocumentError",
    "DocumentRenderer",
    "cn_date",
    "cn_datetime",
    "example_context",
    "qr_svg",
    "seal_svg",
]
