"""A green channel project's registration (登记时间, which its register of a period counts by) and each
case's linking are dated by the product's clock (``core.api.now``, held here five hours behind the
machine's), as the cases' own moments are."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from core.services import clock
from plugins.green_channel.models import GreenProject, GreenStep
from tests.hall import build_hall

from .drive import ENTERPRISE, GreenDriver

pytestmark = pytest.mark.anyio


@pytest.fixture
async def drive(app, govhall, gql):
    return GreenDriver(gql, await build_hall(govhall, gql, plugins=["green_channel"]))


async def test_registration_and_linking_are_dated_by_the_products_clock(drive, monkeypatch):
    held = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(hours=5)
    monkeypatch.setattr(clock, "now", lambda: held)
    licence = await drive.submit("app1")
    project = await drive.register("clerk1", ENTERPRISE)
    assert project["__typename"] == "GreenProject", project
    assert datetime.fromisoformat(project["registeredAt"]) == held
    assert (await GreenProject.get(id=int(project["id"]))).registered_at == held

    held += timedelta(minutes=20)
    linked = await drive.link("clerk1", project, licence)
    assert linked["__typename"] == "GreenProject", linked
    assert (await GreenStep.get(case_id=int(licence["id"]))).linked_at == held
