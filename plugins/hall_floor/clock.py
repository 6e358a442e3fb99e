"""The hall floor's notion of "now" (one function, so that a story can be played at a fixed hour)."""

from __future__ import annotations

from datetime import date, datetime

from core.api import CENTER_TZ


def now() -> datetime:
    """The current time in the centers' zone."""
    return datetime.now(CENTER_TZ)


def today() -> date:
    return now().date()
