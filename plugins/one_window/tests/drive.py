"""Driving one_window through GraphQL on the test hall (``tests.hall``) with the plugin enabled."""

from __future__ import annotations

from typing import Any

from tests.hall import CaseDriver, codes  # noqa: F401  (codes: re-exported for the tests)

RESULT = "__typename ... on HandOver { id caseNumber stage toDepartment toPickup materials comment fromUser " \
         "receivedBy receivedAt } ... on UserErrors { errors { path code message } }"
HAND_OVER = f"""mutation($id: ID!, $dep: String, $pickup: Boolean, $materials: [String!], $comment: String,
  $checklist: [String!], $originals: Boolean) {{
  handOverCase(id: $id, toDepartment: $dep, toPickup: $pickup, materials: $materials, comment: $comment,
    checklist: $checklist, originalsChecked: $originals) {{ {RESULT} }} }}"""
RECEIVE = f"mutation($id: ID!) {{ receiveHandover(id: $id) {{ {RESULT} }} }}"
HANDOVER_FIELDS = "id caseNumber stage stageLabel toDepartment toDepartmentName toPickup materials fromUser receivedBy"
CASE_HANDOVERS = f"query($id: ID!) {{ caseHandovers(id: $id) {{ {HANDOVER_FIELDS} }} }}"
CAN_RECEIVE = "query($id: ID!) { caseHandovers(id: $id) { canReceive } }"
PENDING = f"query($c: String!) {{ pendingHandovers(center: $c) {{ {HANDOVER_FIELDS} }} }}"
SMS = "query($id: ID!) { smsMessages(id: $id) { channel recipient text } }"
REGISTER = """query($c: String!, $f: Date!, $t: Date!) { pickupRegister(center: $c, from: $f, to: $t) {
  caseNumber itemName applicantName method methodLabel receiver idNumber trackingNumber by } }"""
PRINT = """mutation($c: String!, $f: Date!, $t: Date!) { printPickupRegister(center: $c, from: $f, to: $t) {
  __typename ... on IssuedDocument { id kind title number url } ... on UserErrors { errors { path code message } } } }"""

CHECKED = {"checklist": ["c1", "c2"], "originalsChecked": True}
ID_NUMBER = "11010519491231002X"


class WindowDriver(CaseDriver):
    """:class:`CaseDriver` plus the plugin's fields."""

    async def hand_over(self, user: str, case: dict[str, Any], *, dep: str | None = None, pickup: bool | None = None,
                        **extra: Any) -> dict[str, Any]:
        variables = {"id": case["id"], "dep": dep, "pickup": pickup, **extra}
        return (await self.gql(HAND_OVER, variables, token=self.hall.tokens[user]))["handOverCase"]

    async def receive(self, user: str, handover: dict[str, Any] | str) -> dict[str, Any]:
        key = handover if isinstance(handover, str) else handover["id"]
        return (await self.gql(RECEIVE, {"id": key}, token=self.hall.tokens[user]))["receiveHandover"]


