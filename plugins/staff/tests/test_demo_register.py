"""``govhall demo`` fills the staff register of the demo centers that enable the plugin (连州, 昆山)
through the plugin's ``demo_data`` hook: the people overseeing staff see whole entries (department,
window, term, AB岗 partner, card) from the first start; running the demo again changes nothing; a
center without the plugin gets no entries."""

from __future__ import annotations

import pytest

from core.services.demo import build_demo

from .drive import REGISTER

pytestmark = pytest.mark.anyio


async def test_the_demo_fills_the_register_once(app, govhall, gql):
    lines = await build_demo(govhall)
    assert "  lianzhou：人员名册 10 人（考勤卡号 LZ0001 起）" in lines
    assert "  kunshan：人员名册 4 人（考勤卡号 KS0001 起）" in lines
    assert not any(line.startswith("  wushen：人员名册") for line in lines)
    token = await gql.login("lz-super")
    register = {r["username"]: r for r in (await gql(REGISTER, {"c": "lianzhou"}, token=token))["staffRegister"]}
    assert set(register) == {"lz-clerk", "lz-pickup", "lz-scjg", "lz-gaj", "lz-zjj", "lz-fgj", "lz-hbj", "lz-head", "lz-super",
                             "lz-config"}
    gaj = register["lz-gaj"]
    # posted by a department: the center's minimum term of two years; the center's own people have none
    assert (gaj["department"], gaj["window"], gaj["postedOn"], gaj["minTermMonths"], gaj["termEndsOn"], gaj["partner"],
            gaj["card"]) == ("gaj", "ZH01", "2025-06-01", 24, "2027-06-01", "lz-scjg", "LZ0006")
    assert (register["lz-clerk"]["minTermMonths"], register["lz-clerk"]["termEndsOn"]) == (0, None)
    # AB岗 partners named both ways
    assert (register["lz-clerk"]["partner"], register["lz-pickup"]["partner"]) == ("lz-pickup", "lz-clerk")
    assert register["lz-pickup"]["partnerName"] == "陈敏（连州综合窗口）"
    await build_demo(govhall)
    again = (await gql(REGISTER, {"c": "lianzhou"}, token=token))["staffRegister"]
    assert len(again) == 10 and {r["card"] for r in again} == {r["card"] for r in register.values()}
    own = (await gql(REGISTER, {"c": "lianzhou"}, token=await gql.login("lz-clerk")))["staffRegister"]
    assert [r["username"] for r in own] == ["lz-clerk"]


async def test_the_demo_register_lets_a_window_clerk_take_a_days_leave(app, govhall, gql):
    """Every step of a one-day leave of the comprehensive window's clerk has someone to decide it:
    the window's leader, the office, the supervision office (the request used to wait for a window
    leader nobody was)."""
    await build_demo(govhall)
    fields = "... on LeaveRequest { id route currentStep status } ... on UserErrors { errors { code message } }"
    asked = (await gql(f"""mutation {{ requestLeave(center: "lianzhou", input: {{kind: "personal", start: "2026-12-03",
        end: "2026-12-03"}}) {{ {fields} }} }}""", token=await gql.login("lz-clerk")))["requestLeave"]
    assert asked["route"] == ["window", "office", "supervision"], asked
    for decider in ("lz-head", "lz-config", "lz-super"):
        asked = (await gql(f'mutation {{ decideLeave(leave: "{asked["id"]}", approve: true) {{ {fields} }} }}',
                           token=await gql.login(decider)))["decideLeave"]
        assert "errors" not in asked, (decider, asked)
    assert asked["status"] == "approved"
