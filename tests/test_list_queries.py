"""The web UI's work queue (工作台: a 30-row page with the queues' counts) and 我的办件 run a bounded
number of SQL statements whatever the page size, for the clerk, the supervisor, a reviewer and an
applicant; no statement reads an item's definition; urgent cases come first across pages."""

from __future__ import annotations

import pytest

from tests.hall import CaseDriver, build_hall
from tests.test_graphql_loaders import counted_statements

pytestmark = pytest.mark.anyio

CASE_ROW = ("id number state stateLabel kind kindLabel urgent alert submittedAt acceptedAt promisedDue legalDue "
            "deadlineProvisional applicantName department item { code name version }")
QUEUES = " ".join(
    f'q_{key}: cases(center: $c, state: "{state}", first: 100) {{ edges {{ node {{ id }} }} pageInfo {{ hasNextPage }} }}'
    for key, state in (("new", "submitted"), ("supplied", "supplied"), ("waiting", "supplementing"))
)
WORK = f"""query($c: String!, $s: String, $d: String, $m: Boolean!, $a: String, $first: Int!) {{
  cases(center: $c, state: $s, department: $d, mine: $m, first: $first, after: $a) {{
    edges {{ node {{ {CASE_ROW} }} }} pageInfo {{ hasNextPage endCursor }} }}
  {QUEUES} }}"""
# 我的办件 also asks whether each case waits for its rating (待评价): the page's ratings in one statement
MINE = f"""query($a: String, $first: Int!) {{ myCases(first: $first, after: $a) {{
  edges {{ node {{ {CASE_ROW} completedAt awaitingPickup rating center {{ code name }} }} }} pageInfo {{ hasNextPage endCursor }} }} }}"""


async def statements(drive, monkeypatch, user, query, **variables) -> tuple[int, list[str], dict]:
    with counted_statements(monkeypatch) as sql:
        data = await drive.query(user, query, **variables)
    return len(sql), sql, data


async def test_a_30_row_page_runs_a_bounded_number_of_statements(app, govhall, gql, monkeypatch):
    hall = await build_hall(govhall, gql)
    drive = CaseDriver(gql, hall)
    cases = [await drive.submit("app1" if n % 2 else "app2", item="test-joint" if n % 7 == 0 else "test-permit", allow_duplicate=True)
             for n in range(70)]
    for case in cases[:6]:
        await drive.ok("clerk1", case, "accept")
    for case in (cases[40], cases[3]):
        await drive.ok("head1", case, "mark_urgent", comment="群众急需")

    for user, variables in (
        ("clerk1", {}), ("sup1", {}), ("rev-scjg", {}), ("clerk1", {"s": "under_review"}),
        ("sup1", {"d": "scjg"}), ("rev-zjj", {"m": True}), ("app1", {"m": False}),
    ):
        counts = {}
        for first in ("cold", 5, 30):
            n, sql, data = await statements(drive, monkeypatch, user, WORK, c="hall", first=30 if first == "cold" else first,
                                            **{"m": False, **variables})
            counts[first] = n
            assert not [s for s in sql if "definition" in s], sql  # a list never loads an item's form
            assert data["cases"]["edges"], (user, variables)
        # the token, then per list one statement (its two index ranges of cases); the departments and items once,
        # until the app keeps them (items forever, departments for the configuration's generation); the center
        # and the department filter come from the app's caches
        assert counts["cold"] <= 7 and counts[30] == counts[5] <= 5, (user, variables, counts)

    # the queue order holds across pages: urgent cases first, then by submission
    seen, after = [], None
    while True:
        page = (await drive.query("clerk1", WORK, c="hall", first=30, m=False, a=after))["cases"]
        seen += [e["node"] for e in page["edges"]]
        after = page["pageInfo"]["endCursor"]
        if not page["pageInfo"]["hasNextPage"]:
            break
    assert [c["number"] for c in seen[:2]] == [cases[3]["number"], cases[40]["number"]] and all(c["urgent"] for c in seen[:2])
    rest = [int(c["id"]) for c in seen[2:]]
    assert rest == sorted(rest) and len(seen) == 70 and not any(c["urgent"] for c in seen[2:])

    counts = {}
    for first in (5, 30):
        n, sql, data = await statements(drive, monkeypatch, "app1", MINE, first=first)
        counts[first] = n
        assert len(data["myCases"]["edges"]) == first and not [s for s in sql if "definition" in s]
    assert counts[30] == counts[5] <= 8, counts


async def test_a_page_shows_a_department_renamed_meanwhile(app, govhall, gql):
    """The app keeps the departments a page showed only for the configuration's generation: a
    department saved by anyone (here straight in the database, as another worker would) shows at once."""
    from core.plumbing.models import Department

    hall = await build_hall(govhall, gql)
    drive = CaseDriver(gql, hall)
    await drive.submit("app1")
    query = f'query {{ cases(center: "hall", first: 5) {{ edges {{ node {{ {CASE_ROW} }} }} }} }}'
    before = {e["node"]["department"] for e in (await drive.query("clerk1", query))["cases"]["edges"]}
    code = next(iter(before - {None}))
    department = await Department.get(code=code, center__code="hall")
    department.code = f"{code}-new"
    await department.save()
    after = {e["node"]["department"] for e in (await drive.query("clerk1", query))["cases"]["edges"]}
    assert after == {f"{code}-new"} | (before - {code})
