"""The case page's fast paths give what the general ones give: the events read with the case
(:func:`core.services.case_rows.case_and_events`), the actions decided from the grants alone
(:func:`core.services.cases.available_transitions_now`), resolvers that answer without awaiting,
and the request limits' per-document plan (:mod:`core.faces.limits`)."""

from __future__ import annotations

from typing import Any

import pytest

from core.faces import limits
from core.faces.graphql import cases as case_fields
from core.faces.graphql.loaders import NOT_LOADED
from core.plumbing.models import Case, CaseEvent
from core.services import cases as service
from core.services.accounts import authenticate
from core.services.case_rows import case_and_events, case_by_id
from tests.hall import CASE_FIELDS, ROLES, CaseDriver, build_hall

pytestmark = pytest.mark.anyio

ACTIONS = "actions { action label commentRequired editsData decision }"
QUERIES = [
    f"query($id: ID!) {{ case(id: $id) {{ {CASE_FIELDS} {ACTIONS} }} }}",
    "query($id: ID!) { case(id: $id) { id availableActions ...E } } fragment E on Case { events { seq action role } }",
    "query($id: ID!) { case(id: $id) { id ... on Case { events { seq toState } } } }",
    "query($id: ID!) { case(id: $id) { id events @skip(if: true) { seq } } }",
    "query($id: ID!) { case(id: $id) { id number availableActions } }",
]


async def _cases(govhall: Any, gql: Any) -> tuple[Any, list[dict[str, Any]]]:
    hall = await build_hall(govhall, gql)
    drive = CaseDriver(gql, hall)
    permit = await drive.submit("app1")
    joint = await drive.submit("app2", item="test-joint")
    quick = await drive.submit("app1", item="test-quick")
    accepted = await drive.submit("app1", allow_duplicate=True)
    await drive.ok("clerk1", accepted, "accept")
    await drive.ok("clerk1", joint, "accept")  # department tasks: reviewers of fgj and hbj see it through them
    return hall, [permit, joint, quick, accepted]


async def _answers(gql: Any, hall: Any, cases: list[dict[str, Any]]) -> list[Any]:
    users = [*ROLES, "clerk-other"]
    ids = [c["id"] for c in cases] + ["999999", "not-a-number"]
    return [await gql.raw(q, {"id": i}, token=hall.tokens[u]) for q in QUERIES for u in users for i in ids]


async def test_the_case_page_answers_as_the_general_path_does(app, govhall, gql, monkeypatch):
    hall, cases = await _cases(govhall, gql)
    fast = await _answers(gql, hall, cases)
    assert any(a.get("data") and a["data"]["case"] and len(a["data"]["case"].get("events") or []) > 1 for a in fast)
    assert any(a.get("errors") for a in fast)  # not found, forbidden
    with monkeypatch.context() as patch:
        patch.setattr(case_fields, "selects_directly", lambda *args: False)
        patch.setattr(case_fields, "loaded_now", lambda *args: NOT_LOADED)
        patch.setattr(service, "available_transitions_now", lambda *args: None)
        general = await _answers(gql, hall, cases)
    assert fast == general


async def test_the_events_read_with_the_case_are_those_of_their_own_query(app, govhall, gql):
    _, cases = await _cases(govhall, gql)
    for key in [int(c["id"]) for c in cases] + [999999]:
        case, events = await case_and_events(key)
        alone = await case_by_id(key, joined=False)
        if alone is None:
            assert case is None and events == []
            continue
        assert case is not None
        assert _fields(case) == _fields(alone)
        expected = await CaseEvent.filter(case_id=key).order_by("seq")
        assert [_fields(e) for e in events] == [_fields(e) for e in expected] and expected


def _fields(row: Case | CaseEvent) -> dict[str, Any]:
    return {name: getattr(row, name) for name in type(row)._meta.fields_db_projection}


async def test_actions_decided_from_the_grants_are_those_the_database_decides(app, govhall, gql):
    hall, cases = await _cases(govhall, gql)
    undecided = 0
    for username in [*ROLES, "clerk-other"]:
        actor = await authenticate(hall.tokens[username])
        for c in cases:
            case = await case_by_id(int(c["id"]), joined=False)
            assert case is not None
            process = govhall.processes.get(case.process)
            now = service.available_transitions_now(actor, case, process)
            if now is None:
                undecided += 1
                continue
            assert now == await service.available_transitions(actor, case, process), (username, c["id"])
    assert undecided  # a reviewer of a joint department: only the case's tasks can tell


PAGE = """query($n: Int) { cases(center: "hall", first: $n) { edges { node { id number state kind
  events { seq action } documents { kind } } } } }"""  # over the anonymous tier's cost limit for 100 cases
DOCUMENTS: list[tuple[str, dict[str, Any]]] = [
    ("query($id: ID!) { case(id: $id) { id number } }", {"id": "12"}),
    ("query($id: ID!) { case(id: $id) { id number } }", {"id": "99999999999"}),
    ('{ case(id: "99999999999") { id } }', {}),
    ("query($id: ID!) { case(id: $id) { id } }", {"id": "a\x00b"}),
    ('query { cases(center: "hall", first: 20) { edges { node { id events { seq } } } } }', {}),
    (PAGE, {"n": 100}),
    (PAGE, {"n": 2}),
    ("mutation($d: JSON!) { submitCase(center: \"hall\", item: \"x\", data: $d) { __typename } }", {"d": {"a": [1, 2]}}),
    ("mutation($d: JSON!) { submitCase(center: \"hall\", item: \"x\", data: $d) { __typename } }",
     {"d": {"a": float("nan")}}),
    ('mutation { submitCase(center: "hall", item: "x", data: {a: 9999999999999999}) { __typename } }', {}),
    ('mutation($x: Int) { submitCase(center: "hall", item: "x", data: {a: [$x]}) { __typename } }', {"x": 2**60}),
    ('mutation { submitCase(center: "h\u202eall", item: "x", data: {}) { __typename } }', {}),
]


async def test_the_request_limits_plan_refuses_what_the_full_check_refuses(app, monkeypatch):
    schema = app.state.schema._schema
    documents = DOCUMENTS + [(q, {"n": 5000}) for q, v in DOCUMENTS if "$n" in q]
    for tier in (limits.SIGNED_IN, limits.ANONYMOUS):
        for query, variables in documents:
            document = limits.parse_within(query, tier)
            planned = limits._value_errors(schema, document, tier, variables, None)
            with monkeypatch.context() as patch:
                patch.setattr(limits, "_value_plan", lambda *args: limits._ValuePlan(False, (), None))
                general = limits._value_errors(schema, document, tier, variables, None)
            assert [(e.message, e.extensions) for e in planned] == [(e.message, e.extensions) for e in general], query
    anonymous = limits.ANONYMOUS
    assert limits._value_errors(schema, limits.parse_within(PAGE, anonymous), anonymous, {"n": 100}, None)
    assert not limits._value_errors(schema, limits.parse_within(PAGE, anonymous), anonymous, {"n": 2}, None)
