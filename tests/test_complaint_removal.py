"""下岗决定: the center decides on the removal flag of a second substantiated complaint — the supervision
office or the director confirms it (with the date and a note) or not (with the reason), once; the person
complained against cannot decide; the outcome shows on the complaint and in the consequences."""

from __future__ import annotations

import re
from typing import Any

import pytest

from core.plumbing.models import Notification
from tests.hall import CaseDriver, codes
from tests.test_complaints import ERRORS, FILE, VERIFY, drive, ok, today  # noqa: F401

pytestmark = pytest.mark.anyio

DECISION = "removalDecision { outcome outcomeLabel effectiveOn note decidedBy }"
DECIDE = f"""mutation($id: ID!, $confirmed: Boolean!, $note: String!, $date: Date) {{
  decideRemoval(id: $id, confirmed: $confirmed, note: $note, date: $date) {{
  __typename ... on Complaint {{ id consequence consequenceLabel {DECISION} steps {{ action actionLabel text }} }} {ERRORS} }} }}"""
CONSEQUENCES = f"""query($c: String!) {{ complaintConsequences(center: $c) {{
  staff count consequenceLabel removalPending removal {{ outcome effectiveOn note }} }} }}"""
LIST = f"query($c: String!) {{ complaints(center: $c) {{ id consequence {DECISION} }} }}"


async def flagged(drive: CaseDriver, staff: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Two substantiated complaints against ``staff``: the first (通报) and the second (下岗 flag)."""
    found = []
    for text in ("态度生硬", "推诿不办"):
        k = await ok(drive, "clerk1", FILE, "fileComplaint", c="hall", channel="oral", staff=staff, text=text)
        verifier = "sup2" if staff == "sup1" else "sup1"
        found.append(await ok(drive, verifier, VERIFY, "verifyComplaint", id=k["id"], verified=True, reply="经查属实"))
    assert [k["consequence"] for k in found] == ["notice", "removal"]
    return found[0], found[1]


async def test_the_supervision_office_confirms_removal_with_a_date_once(drive):
    notice, flag = await flagged(drive, "rev-scjg")
    pending = (await drive.query("sup1", CONSEQUENCES, c="hall"))["complaintConsequences"]
    assert [(c["staff"], c["removalPending"], c["removal"]) for c in pending] == [("rev-scjg", True, None)]

    assert codes((await drive.query("clerk1", DECIDE, id=flag["id"], confirmed=True, note="x", date="2027-01-04"))
                 ["decideRemoval"]) == ["forbidden"]
    assert codes((await drive.query("sup1", DECIDE, id=notice["id"], confirmed=True, note="x", date="2027-01-04"))
                 ["decideRemoval"]) == ["state"]
    missing = (await drive.query("sup1", DECIDE, id=flag["id"], confirmed=True, note=" "))["decideRemoval"]
    assert {(e["code"], e["path"]) for e in missing["errors"]} == {("required", "/date"), ("required", "/note")}
    early = (await drive.query("sup1", DECIDE, id=flag["id"], confirmed=True, note="决定下岗", date="2025-01-06"))["decideRemoval"]
    assert codes(early) == ["date"] and re.search(r"不能早于投诉查实日期\d{4}年\d{1,2}月\d{1,2}日$", early["errors"][0]["message"])

    done = (await drive.query("sup1", DECIDE, id=flag["id"], confirmed=True, note="主任办公会决定，退回原单位",
                              date="2027-01-04"))["decideRemoval"]
    assert done["__typename"] == "Complaint", done
    assert (done["consequence"], done["consequenceLabel"]) == ("removed", "已确认下岗")
    assert done["removalDecision"] == {"outcome": "removed", "outcomeLabel": "确认下岗", "effectiveOn": "2027-01-04",
                                       "note": "主任办公会决定，退回原单位", "decidedBy": "sup1"}
    assert done["steps"][-1]["actionLabel"] == "确认下岗" and "2027年1月4日起下岗" in done["steps"][-1]["text"]
    assert codes((await drive.query("admin1", DECIDE, id=flag["id"], confirmed=False, note="改变主意"))["decideRemoval"]) == ["state"]

    seen = (await drive.query("sup1", CONSEQUENCES, c="hall"))["complaintConsequences"]
    assert [(c["staff"], c["removalPending"], c["removal"]) for c in seen] == [
        ("rev-scjg", False, {"outcome": "removed", "effectiveOn": "2027-01-04", "note": "主任办公会决定，退回原单位"})]
    listed = {k["id"]: k for k in (await drive.query("sup1", LIST, c="hall"))["complaints"]}
    assert listed[flag["id"]]["removalDecision"]["outcome"] == "removed" and listed[notice["id"]]["removalDecision"] is None
    assert await Notification.filter(recipient="head1", text__contains="【下岗决定】").count() == 1


async def test_removal_not_confirmed_needs_a_reason_and_nobody_decides_about_themselves(drive):
    _, flag = await flagged(drive, "sup1")
    assert codes((await drive.query("sup1", DECIDE, id=flag["id"], confirmed=False, note="本人不同意"))["decideRemoval"]) \
        == ["forbidden"]
    assert codes((await drive.query("admin1", DECIDE, id=flag["id"], confirmed=False, note=""))["decideRemoval"]) == ["required"]
    done = (await drive.query("admin1", DECIDE, id=flag["id"], confirmed=False, note="情节较轻，诫勉谈话"))["decideRemoval"]
    assert (done["consequence"], done["consequenceLabel"]) == ("retained", "不予下岗")
    assert done["removalDecision"]["outcome"] == "retained" and done["removalDecision"]["effectiveOn"] is None
    assert done["removalDecision"]["note"] == "情节较轻，诫勉谈话" and done["removalDecision"]["decidedBy"] == "admin1"
