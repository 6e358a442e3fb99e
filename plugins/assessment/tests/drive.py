"""Driving the assessment plugin through GraphQL on the test hall (``tests.hall``), with a clock
the test sets: cases accepted and completed on chosen days of March 2025."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest

from core.services import clock
from core.services.accounts import Actor, load_grants
from core.services.items import define_item, publish_item
from core.plumbing.models import Department, User, Window
from tests.hall import PERMIT, CaseDriver, Hall, codes  # noqa: F401  (codes: re-exported for the tests)

CATEGORY = "code name max points floored explanations"
RANKING = f"""ruleSet title kind period periodLabel base max
  rows {{ rank subjectId code name total rawTotal capped grade categories {{ {CATEGORY} }} }}"""
WINDOW = f"query($c: String!, $p: String!) {{ windowAssessment(center: $c, period: $p) {{ {RANKING} }} }}"
STAFF = f"query($c: String!, $p: String!) {{ staffAssessment(center: $c, period: $p) {{ {RANKING} }} }}"
DEPARTMENT = f"query($c: String!, $q: String!) {{ departmentAssessment(center: $c, quarter: $q) {{ {RANKING} }} }}"
YEAR = """query($c: String!, $y: Int!) { departmentYear(center: $c, year: $y) {
  ruleSet year quarters rows { rank code name total quarters { quarter total } } } }"""
ERRORS = "... on UserErrors { errors { path code message } }"
MANUAL = f"""mutation($c: String!, $k: String!, $s: String!, $p: String!, $cat: String!, $reason: String!,
  $rule: String, $count: Int, $points: Float) {{
  enterManualScore(center: $c, kind: $k, subject: $s, period: $p, category: $cat, reason: $reason, rule: $rule,
    count: $count, points: $points) {{ __typename ... on ManualScore {{ id kind period category rule label count points reason }}
    {ERRORS} }} }}"""
COMPLAINT = "id channel channelLabel text caseId caseNumber department window staff verified reply status"
FILE = f"""mutation($c: String!, $text: String!, $channel: String, $case: ID, $dep: String, $win: String, $staff: String,
  $who: String) {{
  fileComplaint(center: $c, text: $text, channel: $channel, case: $case, department: $dep, window: $win, staff: $staff,
    complainant: $who) {{
    __typename ... on Complaint {{ {COMPLAINT} }} {ERRORS} }} }}"""
VERIFY = f"""mutation($id: ID!, $verified: Boolean!, $reply: String!) {{
  verifyComplaint(id: $id, verified: $verified, reply: $reply) {{ __typename ... on Complaint {{ {COMPLAINT} }} {ERRORS} }} }}"""
COMPLAINTS = f"query($c: String!, $pending: Boolean) {{ complaints(center: $c, pending: $pending) {{ {COMPLAINT} }} }}"
PRINT = f"""mutation($c: String!, $k: String!, $p: String!) {{ printAssessment(center: $c, kind: $k, period: $p) {{
  __typename ... on IssuedDocument {{ id kind title number url }} {ERRORS} }} }}"""
RATE = """mutation($id: ID!, $level: Int!, $comment: String) { rateCase(id: $id, level: $level, comment: $comment) {
  __typename } }"""

ZJJ_PERMIT = {**copy.deepcopy(PERMIT), "code": "test-permit-zjj", "name": "测试建筑业许可", "department": "zjj"}


@dataclass
class Today:
    """The date the clock and the workflow see (set by the test)."""

    value: date


@pytest.fixture
def today(monkeypatch: pytest.MonkeyPatch) -> Today:
    current = Today(date(2025, 3, 3))
    monkeypatch.setattr(clock, "local_today", lambda now=None: current.value)
    return current


async def add_department_windows(govhall: Any, hall: Hall) -> None:
    """A special window per department of the permits, and a permit item of 住建局."""
    for code, name in (("scjg", "市场监管专窗"), ("zjj", "住建专窗")):
        department = await Department.get(center_id=hall.center.id, code=code)
        await Window.create(center=hall.center, code=f"W-{code.upper()}", name=name, kind="special", department=department)
    config = await User.get(username="config1")
    actor = Actor(user=config, grants=await load_grants(config))
    await define_item(govhall, actor, hall.center, copy.deepcopy(ZJJ_PERMIT))
    await publish_item(govhall, actor, hall.center, ZJJ_PERMIT["code"])


class AssessmentDriver(CaseDriver):
    """:class:`CaseDriver` plus the plugin's fields."""


    async def rate(self, user: str, case: dict[str, Any], level: int, comment: str | None = None) -> None:
        rated = await self.query(user, RATE, id=case["id"], level=level, comment=comment)
        assert rated["rateCase"]["__typename"] != "UserErrors", rated


def row_of(ranking: dict[str, Any], code: str) -> dict[str, Any]:
    return next(r for r in ranking["rows"] if r["code"] == code)


def category(row: dict[str, Any], code: str) -> dict[str, Any]:
    return next(c for c in row["categories"] if c["code"] == code)
