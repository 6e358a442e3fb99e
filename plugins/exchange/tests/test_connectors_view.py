"""What an administrator sees of the center's connections (``exchangeConnectors``): each connector
as configured, a secret whose environment variable is not set, and what became of the deliveries."""

from __future__ import annotations

import socket

import pytest
from tortoise.transactions import in_transaction

from core.api import publish_event
from core.services.centers import load_center
from core.services.outbox import Dispatcher, OutboxConfig
from tests.helpers import PASSWORD, center_doc, make_user

from .receiver import SECRET

pytestmark = pytest.mark.anyio

FAST = OutboxConfig(backoff_seconds=0.0, max_backoff_seconds=0.0, max_attempts=100, lease_seconds=30)
CONNECTORS = """query($c: String!) { exchangeConnectors(center: $c) { name type typeLabel url events signed problems
  acknowledged failed lastAttemptAt lastOk lastError } }"""


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens there once closed: connections are refused


async def test_an_administrator_sees_each_connection_its_problems_and_its_deliveries(govhall, gql, receiver, monkeypatch):
    monkeypatch.delenv("GOVHALL_TEST_JIANCHA_SECRET", raising=False)
    settings = {"exchange": {"connectors": [
        {"name": "lake", "type": "webhook", "url": receiver.url, "secret": SECRET, "timeout": 0.5},
        {"name": "jiancha", "type": "supervision", "url": f"http://127.0.0.1:{closed_port()}/feed",
         "secretEnv": "GOVHALL_TEST_JIANCHA_SECRET", "timeout": 0.5},
    ]}}
    center = await load_center(center_doc("exch", ["exchange"], settings=settings), govhall.hub)
    other = await load_center(center_doc("plain"), govhall.hub)
    await make_user("exadmin", center, "admin")
    await make_user("exclerk", center, "clerk")
    await make_user("plainadmin", other, "admin")
    admin = await gql.login("exadmin", PASSWORD)

    before = (await gql(CONNECTORS, {"c": "exch"}, admin))["exchangeConnectors"]
    assert [(c["name"], c["typeLabel"], c["signed"], c["acknowledged"], c["failed"], c["lastOk"]) for c in before] == [
        ("lake", "通用推送", True, 0, 0, None), ("jiancha", "电子监察", False, 0, 0, None)]
    assert before[0]["problems"] == [] and before[1]["events"] == ["case.*", "alert.*"]
    assert before[1]["problems"] == ["密钥环境变量 GOVHALL_TEST_JIANCHA_SECRET 未设置：请求不带签名，接收方可能拒收"]

    for i in range(3):
        async with in_transaction():
            await publish_event("case.progressed", center=center, payload={"case": {"number": f"EX-{i}"}}, subject=f"EX-{i}")
    await Dispatcher(govhall, FAST).run_once()
    lake, jiancha = (await gql(CONNECTORS, {"c": "exch"}, admin))["exchangeConnectors"]
    assert (lake["acknowledged"], lake["failed"], lake["lastOk"], lake["lastError"]) == (3, 0, True, "")
    assert lake["lastAttemptAt"] is not None
    assert (jiancha["acknowledged"], jiancha["failed"], jiancha["lastOk"]) == (0, 3, False)
    assert "无法连接接收方" in jiancha["lastError"]

    # only the center's administrators, and only where the plugin is enabled
    clerk = await gql.raw(CONNECTORS, {"c": "exch"}, await gql.login("exclerk", PASSWORD))
    assert clerk["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    plain = await gql.raw(CONNECTORS, {"c": "plain"}, await gql.login("plainadmin", PASSWORD))
    assert plain["errors"][0]["extensions"]["code"] == "FORBIDDEN" and "未启用" in plain["errors"][0]["message"]


async def test_an_event_a_connector_reports_nothing_for_is_no_delivery(govhall, gql, receiver):
    """好差评 reports a verified complaint only about a case: one about the hall's air conditioning is
    settled without a request, and the connector shows no acknowledged delivery and no last attempt
    (it showed 成功 1 次 and 最近一次 成功 for a request never sent)."""
    settings = {"exchange": {"connectors": [
        {"name": "hcp", "type": "haochaping", "url": receiver.url, "secret": SECRET, "timeout": 0.5}]}}
    center = await load_center(center_doc("exch", ["exchange"], settings=settings), govhall.hub)
    await make_user("exadmin", center, "admin")
    admin = await gql.login("exadmin", PASSWORD)
    async with in_transaction():
        await publish_event("complaint.verified", center=center, subject="", payload={
            "case": None, "complaint": {"id": 1, "channel": "box", "text": "等候区太冷", "verified": False, "reply": "已调高温度"}})
    await Dispatcher(govhall, FAST).run_once()
    (hcp,) = (await gql(CONNECTORS, {"c": "exch"}, admin))["exchangeConnectors"]
    assert (hcp["acknowledged"], hcp["failed"], hcp["lastAttemptAt"], hcp["lastOk"]) == (0, 0, None, None)
    assert receiver.requests == []
    summary = (await gql("query($c: String!) { outboxSummary(center: $c) { delivered dead failed pending } }", {"c": "exch"}, admin))
    assert summary["outboxSummary"]["delivered"] == 1  # settled: nothing left to do for it
