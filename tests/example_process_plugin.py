"""The plugin docs/plugins.md's registration examples are taken from: a process of its own (收费办结)
with a guard and an effect it registers, and demo rows through ``demo_data``. ``tests/test_plugins.py``
runs it the way the docs describe (a center enables it; ``govhall demo`` calls its hook)."""

from __future__ import annotations

from core.api import UserError, hookimpl

FEE_PROCESS = {
    "id": "example.fee",
    "name": "收费办结",
    "initial": "submitted",
    "states": {
        "submitted": {"label": "待受理", "queue": "front_desk"},
        "charged": {"label": "已收费办结", "terminal": True, "completed": True},
    },
    "transitions": [
        {"action": "charge", "label": "收费并办结", "from": ["submitted"], "to": "charged", "roles": ["clerk", "head"],
         "guards": ["example.amount_given"],
         "effects": [{"effect": "set_accepted"}, {"effect": "example.record_fee", "note": "窗口收费"}, {"effect": "complete"}]},
    ],
}

DEMO_SEEN: list[str] = []


async def amount_given(ctx):
    """The clerk states the amount in the transition's data (``transitionCase(data: {amount: 30})``)."""
    if not isinstance(ctx.params.get("amount"), int) or ctx.params["amount"] < 0:
        return [UserError("example.amount", "请填写收费金额（元）", "/amount")]
    return []


async def record_fee(ctx, note=""):
    """Listed as ``{"effect": "example.record_fee", "note": "窗口收费"}``: the other keys are its arguments."""
    ctx.changes["fee"] = {"amount": ctx.params["amount"], "note": note}


@hookimpl
def register_processes():
    return [FEE_PROCESS]


@hookimpl
def register_guards():
    return {"example.amount_given": amount_given}


@hookimpl
def register_effects():
    return {"example.record_fee": record_fee}


@hookimpl
async def demo_data(center, actor):
    DEMO_SEEN.append(center.code)
    return [f"收费标准 1 项（{actor.user.username}）"]
