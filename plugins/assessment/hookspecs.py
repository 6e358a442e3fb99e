"""The hook the assessment plugin adds for other plugins (``register_hookspecs``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from core.api import hookspec

if TYPE_CHECKING:
    from core.api import Center


@hookspec
def assessment_rules(center: Center) -> Sequence[Mapping[str, Any]] | None:
    """Called when an assessment is computed for a center. Return rule sets (window, staff,
    department scoring) as documents; the assessment plugin evaluates them."""
