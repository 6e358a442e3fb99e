"""The plugin API's shared helpers: ``send_sms`` after a commit, the one settable ``now``, and
``claim_place`` / ``release_place`` for capacity-limited slots (the concurrent bookings of the
enterprise zone and hall floor plugins test them on PostgreSQL)."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest
from tortoise.transactions import in_transaction

from core import api
from core.plumbing.models import Notification
from core.services import clock
from core.services.calendar import CENTER_TZ
from tests.helpers import make_center

pytestmark = pytest.mark.anyio


class FailingGateway:
    @api.hookimpl
    async def send_notification(self, center: Any, recipient: str, text: str, case: Any) -> str:
        raise ConnectionError("gateway down")


async def test_send_sms_goes_through_the_hook_and_the_default_records_it(govhall: Any) -> None:
    center = await make_center()
    assert await api.send_sms(govhall, center, "13800138000", "【测试】您好") == "sms"
    (row,) = await Notification.filter(recipient="13800138000")
    assert row.text == "【测试】您好" and row.channel == "sms" and row.case_id is None  # type: ignore[attr-defined]


@pytest.fixture
def failing_gateway(plugin_manager: Any) -> None:
    plugin_manager.register(FailingGateway(), name="failing_gateway")


async def test_a_failed_sms_is_logged_and_the_caller_goes_on(
    failing_gateway: None, govhall: Any, caplog: pytest.LogCaptureFixture
) -> None:
    center = await make_center(govhall.hub, plugins=["failing_gateway"])
    with caplog.at_level(logging.ERROR, logger="govhall.notifications"):
        assert await api.send_sms(govhall, center, "13800138000", "【测试】您好") is None
    (record,) = [r for r in caplog.records if r.name == "govhall.notifications"]
    assert "8000" in record.getMessage() and "13800138000" not in record.getMessage()
    assert record.exc_info is not None and isinstance(record.exc_info[1], ConnectionError)
    assert not await Notification.exists(recipient="13800138000")


def test_now_is_utc_and_local_today_follows_the_held_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    held = datetime(2026, 3, 2, 23, 30, tzinfo=timezone.utc)  # 07:30 on 3 March in the centers' zone
    monkeypatch.setattr(clock, "now", lambda: held)
    assert api.now() == held and api.now().tzinfo == timezone.utc
    assert api.local_today() == clock.local_today() == date(2026, 3, 3)
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 3, 2, 8, 0, tzinfo=CENTER_TZ))
    assert api.now() == datetime(2026, 3, 2, 0, 0, tzinfo=timezone.utc) and api.now().tzinfo == timezone.utc
    assert api.local_today() == date(2026, 3, 2)


def test_an_explicit_moment_still_wins_over_the_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 3, 2, 12, 0, tzinfo=timezone.utc))
    assert api.local_today(datetime(2026, 5, 1, 16, 0, tzinfo=timezone.utc)) == date(2026, 5, 2)


def test_the_unheld_clock_is_the_real_time() -> None:
    assert abs(api.now() - datetime.now(timezone.utc)) < timedelta(minutes=1)


async def test_claim_place_stops_at_capacity_and_release_gives_one_back(govhall: Any) -> None:
    from plugins.enterprise_zone.models import AppointmentSlot  # a slot model of the shape the API asks for

    assert "enterprise_zone" in govhall.hub.installed
    center = await make_center()
    key = "2026-12-01 09:00-10:00"
    assert [await api.claim_place(AppointmentSlot, center, key, 2) for _ in range(3)] == [True, True, False]
    assert await api.claim_place(AppointmentSlot, center, "2026-12-01 10:00-11:00", 2)  # another slot: its own count
    async with in_transaction():
        await api.release_place(AppointmentSlot, center.id, key)
    assert await api.claim_place(AppointmentSlot, center, key, 2)
    assert not await api.claim_place(AppointmentSlot, center, key, 2)
    with pytest.raises(RuntimeError):
        async with in_transaction():
            await api.release_place(AppointmentSlot, center.id, key)
            raise RuntimeError("the cancellation failed")
    assert (await AppointmentSlot.get(center_id=center.id, slot=key)).booked == 2  # the rollback kept the place taken
