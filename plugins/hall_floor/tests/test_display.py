"""The hall display's cheap poll: ``hallDisplayVersion`` is a digest of what ``hallDisplay`` shows, the
same while nothing changes and new on every call, recall, ticket taken or finished; polling it moves a
small fraction of the bytes of the whole screen."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from .drive import CALL_NEXT, RECALL, SKIP, TAKE, floor_driver

pytestmark = pytest.mark.anyio

# what web/views/floor.js sends
FULL = """query($c: String!) { hallDisplay(center: $c) {
        version calls { number window windowName calls at } queues { code name waiting } } }"""
VERSION = "query($c: String!) { hallDisplayVersion(center: $c) }"


@pytest.fixture
async def drive(app, govhall, gql, monkeypatch):
    return await floor_driver(govhall, gql, monkeypatch)


async def _post(client: Any, query: str) -> tuple[dict[str, Any], int]:
    """The answer's data and the bytes that went over the wire (request and response bodies)."""
    request = {"query": query, "variables": {"c": "hall"}}
    response = await client.post("/graphql", json=request)
    assert response.status_code == 200 and not response.json().get("errors"), response.text
    return response.json()["data"], len(response.request.content) + len(response.content)


async def test_the_version_changes_exactly_when_the_screen_does(drive, client):
    async def version() -> str:
        (data, _), (full, _) = await _post(client, VERSION), await _post(client, FULL)
        assert data["hallDisplayVersion"] == full["hallDisplay"]["version"]  # one digest, both ways
        return data["hallDisplayVersion"]

    seen = [await version()]
    assert await version() == seen[-1]  # nothing happened

    steps = [
        lambda: drive.run(None, TAKE, c="hall", q="A"),  # a waiting count
        lambda: drive.run(None, TAKE, c="hall", q="A"),
        lambda: drive.run("clerk1", CALL_NEXT, c="hall", w="A01"),  # a call
    ]
    for step in steps:
        await step()
        seen.append(await version())
        assert await version() == seen[-1]
    first = (await drive.run("clerk1", CALL_NEXT, c="hall", w="A01"))  # the second ticket at the same window
    seen.append(await version())
    assert (await drive.run("clerk1", RECALL, c="hall", w="A01", t=first["id"]))["calls"] == 2  # a recall
    seen.append(await version())
    await drive.run("clerk1", SKIP, c="hall", w="A01", t=first["id"])  # 过号 changes nothing on screen
    assert await version() == seen[-1]
    assert len(set(seen)) == len(seen), seen
    drive.clock.moment += timedelta(days=1)  # the next morning: the empty screen of the start again
    assert await version() == seen[0]


async def test_an_unchanged_poll_moves_a_small_fraction_of_the_bytes(drive, client):
    for _ in range(8):
        await drive.run(None, TAKE, c="hall", q="A")
        await drive.run("clerk1", CALL_NEXT, c="hall", w="A01")
    await drive.run(None, TAKE, c="hall", q="B")
    full, full_bytes = await _post(client, FULL)
    assert len(full["hallDisplay"]["calls"]) == 8
    cheap, cheap_bytes = await _post(client, VERSION)
    assert cheap["hallDisplayVersion"] == full["hallDisplay"]["version"]
    assert cheap_bytes * 5 < full_bytes, (cheap_bytes, full_bytes)
