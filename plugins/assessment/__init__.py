"""考核: window, staff and department scoring rules (seeds 001, 002).

Rules are data (``rules/*.json``, returned by :func:`assessment_rules`); scoring is pure
(:mod:`.scoring`); the facts come from SQL aggregates (:mod:`.facts`); supervisors enter what the
system cannot measure (:mod:`.manual`) and print the ranking (:mod:`.report`); the year figures are
in :mod:`.figures`. Complaints are the core's: the rules read them through
``core.api.verified_complaints``. The GraphQL fields are in :mod:`.graphql`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from core.api import Center, hookimpl

from . import hookspecs
from .assess import ASSESSOR_ROLES
from .graphql import Mutation, Query
from .report import KIND
from .ruleset import bundled_rules

TEMPLATES = Path(__file__).resolve().parent / "templates"


@hookimpl
def register_title() -> str:
    return "绩效考核"


@hookimpl
def register_hookspecs() -> Any:
    """``assessment_rules``: a center's own plugin may supply rule sets."""
    return hookspecs


@hookimpl
def register_models() -> str:
    """The manual scores table (app label ``assessment``)."""
    return "plugins.assessment.models"


@hookimpl
def register_graphql() -> Mapping[str, Sequence[type]]:
    return {"query": [Query], "mutation": [Mutation]}


@hookimpl
def register_document_templates() -> Sequence[Path]:
    """``assessment_report.html``: the printed ranking with its bar chart."""
    return [TEMPLATES]


@hookimpl
def register_document_kinds() -> Mapping[str, Mapping[str, Any]]:
    """The ranking's 文号: 连政服考〔2026〕第0001号; only assessors read it, as they alone see the scores."""
    return {KIND: {"title": "考核排名表", "abbreviation": "考", "readers": ASSESSOR_ROLES}}


@hookimpl(trylast=True)
def assessment_rules(center: Center) -> list[dict[str, Any]]:
    """The approval center's window and staff rules and the enterprise zone's department rules; called last, so a
    center's own plugin that returns a rule set of the same kind is preferred."""
    return bundled_rules()
