"""A page of cases costs the same number of SQL statements whatever its size: the per-case fields
(department, item, events, documents, tasks, notifications, rating) go through per-request
DataLoaders, one query per kind for the whole page."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from tortoise.backends.base.client import BaseDBAsyncClient

from tests.hall import CaseDriver, build_hall

pytestmark = pytest.mark.anyio

PAGE = """query($first: Int!) { cases(center: "hall", first: $first) {
  edges { node { id number state stateLabel kind kindLabel urgent alert submittedAt acceptedAt promisedDue legalDue
    deadlineProvisional applicantName department item { code name version } rating
    events { seq action actor } documents { kind number } tasks { department state } notifications { text } } }
  pageInfo { hasNextPage endCursor } } }"""

EXECUTE_METHODS = ("execute_query", "execute_query_dict", "execute_insert", "execute_many", "execute_script",
                   "execute_bounded_read")


@contextmanager
def counted_statements(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every SQL statement any database client runs inside the block."""
    statements: list[str] = []
    classes = {cls for cls in _subclasses(BaseDBAsyncClient)}
    with monkeypatch.context() as patch:
        for cls in classes:
            for name in EXECUTE_METHODS:
                original = cls.__dict__.get(name)
                if original is not None:
                    patch.setattr(cls, name, _counting(original, statements))
        yield statements


def _subclasses(cls: type) -> Iterator[type]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def _counting(original: Any, statements: list[str]) -> Any:
    async def execute(self: Any, sql: str, *args: Any, **kwargs: Any) -> Any:
        statements.append(sql)
        return await original(self, sql, *args, **kwargs)

    return execute


async def test_a_page_of_100_cases_runs_as_many_queries_as_a_page_of_5(app, govhall, gql, monkeypatch):
    hall = await build_hall(govhall, gql)
    drive = CaseDriver(gql, hall)
    cases = [await drive.submit("app1", item="test-joint" if n % 10 == 0 else "test-permit", allow_duplicate=True) for n in range(100)]
    for case in cases[:3] + cases[10:11]:  # documents, a department, department tasks
        await drive.ok("clerk1", case, "accept")

    sizes = {}
    for first in ("cold", 5, 100):
        with counted_statements(monkeypatch) as statements:
            page = await drive.query("clerk1", PAGE, first=100 if first == "cold" else first)
        nodes = [e["node"] for e in page["cases"]["edges"]]
        assert len(nodes) == (100 if first == "cold" else first)
        sizes[first] = len(statements)
    assert nodes[0]["department"] == "zjj" and nodes[0]["tasks"]  # the first case: joint, accepted
    assert sum(1 for n in nodes if n["documents"]) == 4 and all(n["events"] for n in nodes)
    assert sizes[100] == sizes[5], sizes
    # 603 statements for 100 cases before the loaders; the center is cached, and the items and departments are
    # once read
    assert sizes["cold"] <= 9 and sizes[100] <= 7, sizes
