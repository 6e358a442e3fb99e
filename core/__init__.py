"""GovHall core: cases, forms, roles and timers for government service centers.

Plugins import from :mod:`core.api` only (``from core.api import hookimpl``): the plugin API.
"""

from __future__ import annotations

from core.plumbing.errors import Forbidden, NotFound, UserError, UserErrorsException
from core.services.hookspecs import hookimpl, hookspec

__all__ = ["Forbidden", "NotFound", "UserError", "UserErrorsException", "hookimpl", "hookspec"]
