"""The hooks the assessment plugin adds for other plugins (``register_hookspecs``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from core.api import hookspec

if TYPE_CHECKING:
    from core.api import Center


@hookspec
def assessment_rules(center: Center) -> Sequence[Mapping[str, Any]] | None:
    """Called when an assessment is computed for a center. Return rule sets (window, staff,
    department scoring) as documents; the assessment plugin evaluates them."""


@hookspec
def assessment_window_ratings(center: Center, since: datetime, until: datetime) -> Sequence[Mapping[str, Any]] | None:
    """Called when an assessment counts the applicants' ratings given in ``[since, until)``. Return
    the ratings given at a window that are no case's rating (a case's is the core's ``rating`` and
    counts already), e.g. a rating tablet's of a queue number served without a case (咨询), each a
    mapping: ``window`` (the window's code), ``staff`` (the id of the user who served, or None),
    ``level`` (1–5) and ``label`` (what was rated, as an explanation names it: 2026年11月30日排队号A001)."""
