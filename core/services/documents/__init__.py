"""PDF notices, decisions, certificates and registers (pure rendering: no database).

See :mod:`core.services.documents.render` for the context contract. The names below are loaded on
first use: importing a submodule (``issue``, ``rendering``) does not load Jinja2, segno or WeasyPrint.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from core.services.documents.kinds import (
        DOCUMENT_KINDS,
        LITIGATION_MONTHS,
        RECONSIDERATION_DAYS,
        DocumentError,
        cn_date,
        cn_datetime,
    )
    from core.services.documents.render import (
        ASSET_DIR,
        CORE_TEMPLATE_DIR,
        AssetRefused,
        DocumentRenderer,
        example_context,
        qr_svg,
        seal_svg,
    )

_LIGHT = ("DOCUMENT_KINDS", "LITIGATION_MONTHS", "RECONSIDERATION_DAYS", "DocumentError", "cn_date", "cn_datetime")

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


def __getattr__(name: str) -> Any:
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module = importlib.import_module(f"{__name__}.{'kinds' if name in _LIGHT else 'render'}")
    value = getattr(module, name)
    globals()[name] = value
    return value
