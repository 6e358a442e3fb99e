"""new_instance builds what Model(**values) builds (core.plumbing.instances)."""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any

import pytest

from core.plumbing.instances import new_instance
from core.plumbing.models import Case, CaseEvent, Center, Document, Timer, User

pytestmark = pytest.mark.anyio


def same(model: Any, values: dict[str, Any], random: tuple[str, ...] = ()) -> None:
    """``random``: fields whose default is drawn anew for each instance (compared by type)."""
    built, expected = new_instance(model, dict(values)), model(**values)
    for name in random:
        assert type(vars(built).pop(name)) is type(vars(expected).pop(name))
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
    center = await Center.create(code="c1", name="某中心", short_name="C1", doc_prefix="某")
    case = Case(id=5)
    case._saved_in_db = True
    same(Document, {  # as an issued notice's row (core.services.documents.issue)
        "center": center, "case": case, "kind": "acceptance_notice", "title": "受理通知书", "number": "某受〔2026〕第0001号",
        "issued_on": date.today(), "verify_code": "K7Q29XDM4TPA", "sha256": "", "content": b"", "size": 0,
        "state": "pending", "progress": 0, "render_context": "{}",
    }, random=("public_id",))


async def test_the_same_refusals(app: Any) -> None:
    with pytest.raises(ValueError):
        new_instance(Timer, {"case_id": 3, "kind": None})
    with pytest.raises(Exception) as refused:
        new_instance(CaseEvent, {"actor": User(username="unsaved")})
    assert "save" in str(refused.value)
