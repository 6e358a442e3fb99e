"""The hooks the hall floor adds: a center's announcer hears every call and recall, a notifier every
rectification opened; a failing listener changes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from core.api import hookimpl

from ..models import Ticket
from .drive import CALL_NEXT, FINISH, RATE, RECALL, TAKE, floor_driver

pytestmark = pytest.mark.anyio


class Announcer:
    def __init__(self) -> None:
        self.heard: list[tuple[str, str, bool]] = []
        self.tasks: list[tuple[str, str]] = []
        self.broken = False

    @hookimpl(optionalhook=True)
    def hall_ticket_called(self, center: Any, ticket: Any, window: str, recall: bool) -> None:
        if self.broken:
            raise RuntimeError("the loudspeaker is off")
        self.heard.append((ticket.number, window, recall))

    @hookimpl(optionalhook=True)
    async def hall_rectification_opened(self, center: Any, rectification: Any, rating: Any) -> None:
        self.tasks.append((rectification.reason, rating.window_code))


@pytest.fixture
def announcer(plugin_manager):
    plugin = Announcer()
    plugin_manager.register(plugin, name="announcer")
    return plugin


@pytest.fixture
async def drive(announcer, app, govhall, gql, monkeypatch):
    return await floor_driver(govhall, gql, monkeypatch, plugins=("announcer",))


async def test_calls_and_rectifications_are_announced(drive, announcer):
    first = await drive.run(None, TAKE, c="hall", q="A")
    await drive.run(None, TAKE, c="hall", q="A")
    await drive.run("clerk1", CALL_NEXT, c="hall", w="A01")
    await drive.run("clerk1", RECALL, c="hall", w="A01", t=first["id"])
    assert announcer.heard == [("A001", "A01", False), ("A001", "A01", True)]

    await drive.run("clerk1", FINISH, c="hall", w="A01", t=first["id"])
    rated = await drive.run("clerk1", RATE, c="hall", w="A01", l=2, t=first["id"], r="一次性告知不清")
    assert rated["channel"] == "现场" and announcer.tasks == [("一次性告知不清", "A01")]

    announcer.broken = True
    called = await drive.run("clerk1", CALL_NEXT, c="hall", w="A01")
    assert called["number"] == "A002" and (await Ticket.get(id=int(called["id"]))).status == "called"
