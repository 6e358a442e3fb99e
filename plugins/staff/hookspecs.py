"""The hook the staff plugin adds for other plugins (``register_hookspecs``)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from core.api import hookspec

if TYPE_CHECKING:
    from core.api import Center, User


@hookspec
def staff_hand_over(center: Center, person: User, partner: User, start: date, end: date) -> None:
    """Called when a leave request is approved at its last step, after the core moved the person's
    open cases to their AB岗 partner: move the plugin's own open work of ``person`` (assigned
    agency requests, pending tasks) to ``partner`` for the leave from ``start`` to ``end``.
    Returns nothing."""
