"""new_instance builds what Model(**values) builds (core.plumbing.instances)."""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any

import pytest

from core.plumbing.instances import new_instance
from core.plumbing.models import Case, CaseEvent, Timer, User

pytestmark = pytest.mark.anyio


def same(model: Any, values: dict[str, Any]) -> None:
    built, expected = new_instance(model, dict(values)), model(**values)
    assert vars(built) == vars(expected)
    assert (built._saved_in_db, built._partial, built._custom_generated_pk) == (False, False, False)


async def test_as_the_orm_builds_it(app: Any) -> None:
    now = datetime.now(timezone.utc)
    user = await User.create(username="someone", password_hash="x")
    same(Case, {
        "center_id": 1, "item_version_id": 2, "process": "standard", "applicant_id": user.id, "agent_id": None,
        "department_id": None, "applicant_name": "某人", "data": {"a": [1]}, "state": "submitted",
        "kind": "promised", "channel": "web", "urgent": False, "flags": {}, "version": 1, "submitted_at": now,
        "updated_at": now, "deadline_provisional": False, "promised_days": 0, "alert": "NONE",
    })
    same(CaseEvent, {"seq": 1, "action": "submit", "from_state": "", "to_state": "submitted", "actor_name": "某人",
                     "role": "applicant", "at": now, "comment": "", "changes": {}, "actor": user})
    same(Timer, {"case_id": 3, "task_id": None, "kind": "promised", "working_days": 10, "started_on": date.today()})


async def test_the_same_refusals(app: Any) -> None:
    with pytest.raises(ValueError):
        new_instance(Timer, {"case_id": 3, "kind": None})
    with pytest.raises(Exception) as refused:
        new_instance(CaseEvent, {"actor": User(username="unsaved")})
    assert "save" in str(refused.value)
