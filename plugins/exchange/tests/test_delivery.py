"""Delivering to a real HTTP receiver on 127.0.0.1 that fails at random, is down, slow, refuses,
or processes an event and loses its answer: at least once, de-duplicated by the event id."""

from __future__ import annotations

from typing import Any

import pytest
from tortoise.transactions import in_transaction

from core.api import publish_event
from core.services.centers import load_center
from core.services.outbox import Dispatcher, OutboxConfig, OutboxEvent
from core.plumbing.outbox_models import OutboxAttempt
from tests.helpers import center_doc, make_user

from .receiver import SECRET, Receiver

pytestmark = pytest.mark.anyio

FAST = OutboxConfig(backoff_seconds=0.0, max_backoff_seconds=0.0, max_attempts=100, lease_seconds=30)


def connector(receiver: Receiver, **extra: Any) -> dict[str, Any]:
    return {"name": "city", "type": "webhook", "url": receiver.url, "secret": SECRET, "timeout": 0.5, **extra}


async def exchange_center(govhall: Any, receiver: Receiver, **extra: Any) -> Any:
    doc = center_doc("exch", ["exchange"], settings={"exchange": {"connectors": [connector(receiver, **extra)]}})
    return await load_center(doc, govhall.hub)


async def publish_many(center: Any, n: int) -> list[str]:
    ids = []
    for i in range(n):
        async with in_transaction():
            event = await publish_event("case.progressed", center=center, payload={"case": {"number": f"EX-{i:04d}"}, "i": i},
                                        subject=f"EX-{i:04d}")
        ids.append(event.event_id)
    return ids


async def test_every_event_arrives_once_after_the_receiver_recovers(govhall, receiver):
    center = await exchange_center(govhall, receiver)
    ids = await publish_many(center, 40)
    dispatcher = Dispatcher(govhall, FAST)
    receiver.stop()  # down: connections refused
    await dispatcher.run_once()
    assert {e.state for e in await OutboxEvent.all()} == {"failed"}
    assert "无法连接接收方" in (await OutboxEvent.first()).last_error
    receiver.start()  # back on the same port, but failing at random: 500, slow (timeouts), answer lost
    receiver.faults = {"500": 0.25, "slow": 0.1, "twice": 0.15}
    for _ in range(6):
        await dispatcher.run_once()
    receiver.faults = {}  # recovered
    await dispatcher.drain()
    events = await OutboxEvent.all()
    assert {e.state for e in events} == {"delivered"}
    # at least once: every event reached the receiver; its de-duplication saw each exactly once
    assert set(receiver.processed) == set(ids)
    assert set(receiver.processed.values()) == {1}
    # nothing reported delivered that the receiver did not acknowledge
    assert {e.event_id for e in events if e.state == "delivered"} <= receiver.acked
    # faults happened, and their duplicates carry the same id
    faults = [r["fault"] for r in receiver.requests]
    assert faults.count("500") and faults.count("twice") and faults.count("slow")
    assert len(receiver.requests) > len(ids)
    assert {r["id"] for r in receiver.requests} == set(ids)
    assert all(r["body"]["eventId"] == r["id"] for r in receiver.requests)
    assert receiver.bad_signatures == 0
    # every attempt was recorded: a row per request that reached the receiver and per refused
    # connection, and more for requests that timed out before the receiver saw them
    attempts = await OutboxAttempt.all()
    assert len(attempts) >= len(receiver.requests) + len(ids)
    assert sum(a.ok for a in attempts) == len(ids)
    assert any("超时" in a.error for a in attempts) and any("HTTP 500" in a.error for a in attempts)


async def test_a_failed_attempt_is_said_in_words_not_with_the_class_that_raised_it(govhall, receiver):
    """The administrator's 数据交换 screen shows each attempt's error: "接收方返回 HTTP 500：…", not
    "DeliveryFailed: 接收方返回 HTTP 500：…" (the plugin's exception class, in English)."""
    center = await exchange_center(govhall, receiver)
    await publish_many(center, 1)
    dispatcher = Dispatcher(govhall, FAST)
    receiver.stop()
    await dispatcher.run_once()
    receiver.start()
    receiver.faults = {"500": 1.0}
    await dispatcher.run_once()
    errors = [a.error for a in await OutboxAttempt.all().order_by("id")]
    assert errors[0].startswith("无法连接接收方（"), errors
    assert errors[1].startswith("接收方返回 HTTP 500："), errors
    assert (await OutboxEvent.first()).last_error.startswith("exchange:city: 接收方返回 HTTP 500：")
    assert not any("DeliveryFailed" in e for e in errors)


async def test_a_refused_event_is_a_dead_letter_an_administrator_resends(govhall, gql, receiver):
    center = await exchange_center(govhall, receiver)
    admin = await make_user("exadmin", center, "admin")
    await make_user("exclerk", center, "clerk")
    (refused, fine) = await publish_many(center, 2)
    receiver.refuse = {refused}
    dispatcher = Dispatcher(govhall, FAST)
    await dispatcher.drain()
    assert (await OutboxEvent.get(event_id=refused)).state == "dead"
    assert (await OutboxEvent.get(event_id=fine)).state == "delivered"
    from tests.helpers import PASSWORD

    token = await gql.login(admin.username, PASSWORD)
    listed = await gql(
        "query($c: String!) { outboxSummary(center: $c) { dead delivered pending }"
        " outboxEvents(center: $c, state: \"dead\") { id eventId state lastError attemptLog { target ok error } } }",
        {"c": "exch"}, token=token,
    )
    assert listed["outboxSummary"] == {"dead": 1, "delivered": 1, "pending": 0}
    (dead,) = listed["outboxEvents"]
    assert dead["eventId"] == refused and "HTTP 400" in dead["lastError"]
    assert dead["attemptLog"] == [{"target": "exchange:city", "ok": False, "error": dead["attemptLog"][0]["error"]}]
    resend = """mutation($id: ID!) { resendOutboxEvent(id: $id) { __typename
      ... on OutboxEvent { state } ... on UserErrors { errors { code message } } } }"""
    clerk = await gql.login("exclerk", PASSWORD)
    assert (await gql.raw(resend, {"id": dead["id"]}, token=clerk))["data"]["resendOutboxEvent"]["errors"][0]["code"] == "forbidden"
    receiver.refuse = set()  # the receiver's operator fixed their side
    assert (await gql(resend, {"id": dead["id"]}, token=token))["resendOutboxEvent"] == {"__typename": "OutboxEvent", "state": "pending"}
    again = await gql(resend, {"id": dead["id"]}, token=token)
    assert again["resendOutboxEvent"]["errors"][0]["code"] == "not_resendable"
    await dispatcher.drain()
    assert (await OutboxEvent.get(event_id=refused)).state == "delivered"
    assert receiver.processed == {refused: 1, fine: 1}


async def test_connectors_subscribe_to_the_kinds_they_name(govhall, receiver):
    center = await exchange_center(govhall, receiver, events=["alert.*"])
    async with in_transaction():
        await publish_event("case.submitted", center=center, payload={}, subject="A")
        await publish_event("alert.raised", center=center, payload={}, subject="B")
    await Dispatcher(govhall, FAST).drain()
    assert [r["body"]["kind"] for r in receiver.requests] == ["alert.raised"]
    assert {e.state for e in await OutboxEvent.all()} == {"delivered"}
