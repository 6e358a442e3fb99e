"""The staff register: kept by administrators, read by those overseeing staff, each person's
own entry for everyone on it; the minimum term (the enterprise service sub-center's rules: 不少于2年) from the center's settings."""

from __future__ import annotations

import pytest

from core.plumbing.models import Center

from .drive import REGISTER, SAVE_RECORD, build_staff, codes

pytestmark = pytest.mark.anyio


@pytest.fixture
async def drive(app, govhall, gql, monkeypatch):
    return await build_staff(govhall, gql, monkeypatch)


async def test_the_register_holds_department_window_term_and_partner(drive):
    center = await Center.get(code="hall")
    center.settings = {**(center.settings or {}), "staff": {"minTermMonths": 24}}
    await center.save()
    record = await drive.add_person("rev-scjg", "window_staff", window="A01", partner="clerk1", posted="2025-02-28")
    assert record["minTermMonths"] == 24 and record["termEndsOn"] == "2027-02-28"
    changed = await drive.run("admin1", SAVE_RECORD, c="hall", i={
        "username": "rev-scjg", "position": "window_staff", "postedOn": "2024-02-29", "department": "scjg",
        "window": "A01", "minTermMonths": 12, "partner": "clerk1", "card": "K-0001"})
    assert (changed["department"], changed["window"], changed["termEndsOn"], changed["partner"], changed["card"]) == (
        "scjg", "A01", "2025-02-28", "clerk1", "K-0001")
    everyone = {r["username"] for r in await drive.run("sup1", REGISTER, c="hall")}
    assert {"clerk1", "win2", "lead1", "rev-scjg", "boss1"} <= everyone
    assert [r["username"] for r in await drive.run("win2", REGISTER, c="hall")] == ["win2"]


async def test_bad_entries_change_nothing(drive):
    result = await drive.run("admin1", SAVE_RECORD, c="hall", i={
        "username": "clerk1", "position": "boss", "postedOn": "2026-01-05", "window": "Z9", "department": "nope",
        "partner": "clerk1", "minTermMonths": -1})
    assert sorted(codes(result)) == ["own_partner", "range", "unknown_department", "unknown_position", "unknown_window"]
    taken = await drive.run("admin1", SAVE_RECORD, c="hall", i={
        "username": "win2", "position": "window_staff", "postedOn": "2026-01-05", "partner": "app2"})
    assert codes(taken) == ["partner_not_registered"]
    (clerk,) = [r for r in await drive.run("admin1", REGISTER, c="hall") if r["username"] == "clerk1"]
    assert (clerk["position"], clerk["window"], clerk["partner"]) == ("window_staff", "A01", "win2")


async def test_only_administrators_keep_the_register(drive):
    for user in ("clerk1", "sup1", "boss1"):
        result = await drive.run(user, SAVE_RECORD, c="hall", i={
            "username": user, "position": "leadership", "postedOn": "2026-01-05"})
        assert codes(result) == ["forbidden"], user


async def test_the_register_shows_a_removal_flag_and_the_centers_decision_to_overseers_only(drive):
    file = """mutation($s: String!, $t: String!) { fileComplaint(center: "hall", channel: "oral", staff: $s, text: $t) {
      ... on Complaint { id } } }"""
    verify = """mutation($id: ID!) { verifyComplaint(id: $id, verified: true, reply: "经查属实") { ... on Complaint { consequence } } }"""
    decide = """mutation($id: ID!) { decideRemoval(id: $id, confirmed: true, note: "主任办公会决定", date: "2027-01-04") {
      __typename } }"""
    shown = 'query { staffRegister(center: "hall") { username removal } }'
    flags = []
    for text in ("态度生硬", "推诿不办"):
        k = (await drive.run("sup1", file, s="win2", t=text))["id"]
        flags.append((k, (await drive.run("sup1", verify, id=k))["consequence"]))
    assert [c for _, c in flags] == ["notice", "removal"]
    everyone = {r["username"]: r["removal"] for r in await drive.run("sup1", shown)}
    assert everyone["win2"] == "下岗待中心决定" and everyone["clerk1"] is None
    assert [r["removal"] for r in await drive.run("win2", shown)] == [None]  # not on one's own entry
    assert (await drive.run("sup1", decide, id=flags[1][0]))["__typename"] == "Complaint"
    everyone = {r["username"]: r["removal"] for r in await drive.run("admin1", shown)}
    assert everyone["win2"] == "已确认下岗（2027-01-04起）"


CLOSE = """mutation($c: String!, $code: String!) { closeWindow(center: $c, code: $code) { __typename } }"""


async def test_a_closed_window_takes_no_new_entry_and_an_entry_there_keeps_it(drive):
    """撤销: a window closed on 中心管理 is refused for a new post, as the core refuses a role there
    (``window_closed``); a person registered there before keeps it when the entry is changed."""
    assert (await drive.run("admin1", CLOSE, c="hall", code="A01"))["__typename"] == "Window"
    refused = await drive.run("admin1", SAVE_RECORD, c="hall", i={
        "username": "rev-scjg", "position": "window_staff", "postedOn": "2026-01-05", "window": "A01"})
    assert codes(refused) == ["window_closed"]
    (error,) = refused["errors"]
    assert error["path"] == "/window" and error["message"] == "窗口“综合受理窗口”已撤销，不能再安排岗位"
    assert "rev-scjg" not in {r["username"] for r in await drive.run("admin1", REGISTER, c="hall")}
    kept = await drive.run("admin1", SAVE_RECORD, c="hall", i={
        "username": "clerk1", "position": "window_staff", "postedOn": "2026-01-05", "window": "A01", "card": "K-0009"})
    assert (kept["window"], kept["card"]) == ("A01", "K-0009")
