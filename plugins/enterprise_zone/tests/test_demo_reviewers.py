"""The demo hall can walk each "one thing" bundle to its end: every department a bundle is split to
in Lianzhou has a reviewer among the demo users (not only the chief representative, who may decide
for any department but is one person)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.services.demo import DEMO_USERS

FORMS = Path(__file__).resolve().parent.parent / "forms"


@pytest.mark.parametrize("bundle", sorted(p.name for p in FORMS.glob("*.json")))
def test_every_department_of_a_bundle_has_a_demo_reviewer_in_lianzhou(bundle: str) -> None:
    item = json.loads((FORMS / bundle).read_text(encoding="utf-8"))
    reviewed = {department for _, _, grants in DEMO_USERS for center, role, department in grants
                if center == "lianzhou" and role == "reviewer"}
    departments = {item["department"], *item.get("jointDepartments", [])}
    assert departments - reviewed == set(), f"{item['code']}: no demo reviewer for {sorted(departments - reviewed)}"
