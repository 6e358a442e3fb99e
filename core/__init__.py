"""GovHall core: cases, forms, roles and timers for government service centers.

A plugin needs one import: ``from core import hookimpl``.
"""

from __future__ import annotations

from .errors import Forbidden, NotFound, UserError, UserErrorsException
from .hookspecs import hookimpl, hookspec

__all__ = ["Forbidden", "NotFound", "UserError", "UserErrorsException", "hookimpl", "hookspec"]
