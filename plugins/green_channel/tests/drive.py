"""Driving green_channel through GraphQL on the test hall (``tests.hall``) with the plugin enabled."""

from __future__ import annotations

from typing import Any

from tests.hall import CaseDriver, codes  # noqa: F401  (codes: re-exported for the tests)

FOLLOW_UP = "material name due receivedAt receivedBy state stateLabel overdueToldAt"
STEP = f"""id caseId caseNumber itemCode itemName department departmentName windowName endsProject acceptedAt
  acceptedBy finishedAt finishedBy outcome outcomeLabel materialsToFollow followUps {{ {FOLLOW_UP} }} waiting followDue
  overdue"""
PROJECT = f"""id center number name kind kindLabel applicant uscc basis {{ code label detail }} amounts endItem
  endItemName status statusLabel registeredBy registeredAt finishedAt steps {{ {STEP} }}"""
RESULT = f"__typename ... on GreenProject {{ {PROJECT} }} ... on UserErrors {{ errors {{ path code message }} }}"
CHECK = """query($c: String!, $input: JSON!) { checkGreenEligibility(center: $c, input: $input) {
  eligible basis { code label detail } reasons { path code message } } }"""
REGISTER = f"mutation($c: String!, $input: JSON!) {{ registerGreenProject(center: $c, input: $input) {{ {RESULT} }} }}"
LINK = f"mutation($p: ID!, $case: ID!) {{ linkCaseToGreenProject(project: $p, case: $case) {{ {RESULT} }} }}"
PROJECTS = f"query($c: String!, $s: String) {{ greenProjects(center: $c, status: $s) {{ {PROJECT} }} }}"
ONE = f"query($id: ID!) {{ greenProject(id: $id) {{ {PROJECT} }} }}"
DOCUMENT = "__typename ... on IssuedDocument { id kind title number url } ... on UserErrors { errors { path code message } }"
PRINT_FORM = f"mutation($p: ID!) {{ printGreenForm(project: $p) {{ {DOCUMENT} }} }}"
PRINT_REGISTER = f"""mutation($c: String!, $f: Date!, $t: Date!) {{ printGreenRegister(center: $c, from: $f, to: $t) {{
  {DOCUMENT} }} }}"""
QUEUE = 'query($c: String!) { cases(center: $c, first: 20) { edges { node { id number urgent } } } }'

ENTERPRISE = {
    "kind": "enterprise", "investor": "foreign", "registeredCapital": 1200, "name": "连州精密电子外资项目",
    "applicant": "连州精密电子有限公司", "uscc": "91310115591693856A", "endItem": "test-permit",
}


class GreenDriver(CaseDriver):
    """:class:`CaseDriver` plus the plugin's fields."""


    async def register(self, user: str, data: dict[str, Any], center: str = "hall") -> dict[str, Any]:
        return (await self.query(user, REGISTER, c=center, input=data))["registerGreenProject"]

    async def link(self, user: str, project: dict[str, Any], case: dict[str, Any]) -> dict[str, Any]:
        return (await self.query(user, LINK, p=project["id"], case=case["id"]))["linkCaseToGreenProject"]

    async def project(self, user: str, project: dict[str, Any]) -> dict[str, Any]:
        return (await self.query(user, ONE, id=project["id"]))["greenProject"]


