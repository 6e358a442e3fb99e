"""The hall's clock in the browser tests: the server (its own process) reads the product's clock
(``core.services.clock.now``) as the real time plus an offset kept in a file, which the test moves
(:meth:`HallClock.set`), and the pages' own clocks are installed at the same moment. The hall gives
numbers only within its hours: the screens' stories happen at a chosen moment, never at whatever
time the test suite happens to run."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any

from core.api import CENTER_TZ, WorkCalendar

CLOCK_FILE = "GOVHALL_TEST_CLOCK_FILE"
CLOCKED_SERVER = f"""
import os
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import uvicorn

from core.services import clock

offset = Path(os.environ["{CLOCK_FILE}"])


def now():
    return datetime.now(timezone.utc) + timedelta(seconds=float(offset.read_text()))


clock.now = now
from core.faces.app import create_app
from core.plumbing.settings import Settings

app = create_app(Settings(database_url=sys.argv[1]))
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), lifespan="on", log_level="warning")
"""


def open_morning(after: date | None = None) -> datetime:
    """10:00 in Beijing of the first working day from ``after`` (default: today there) on."""
    day = after or datetime.now(CENTER_TZ).date()
    calendar = WorkCalendar()
    while not calendar.is_workday(day):
        day += timedelta(days=1)
    return datetime.combine(day, time(10, 0), tzinfo=CENTER_TZ)


def morning_clock(folder: Path) -> HallClock:
    """A hall clock (its file in ``folder``) at a working morning, as the floor's stories start."""
    clock = HallClock(folder / "hall-clock")
    clock.set(open_morning())
    return clock


@contextmanager
def clocked_serving(url: str, folder: Path, clock: HallClock) -> Iterator[str]:
    """The app on the database ``url`` in its own process (``tests.test_web.serving``, its log in
    ``folder``) with its clock at ``clock``'s moment: yields the base URL."""
    import os

    from tests.test_web import require_browser, serving

    require_browser()
    env = {**os.environ, "GOVHALL_DATABASE_URL": url, CLOCK_FILE: str(clock.path)}
    with serving(url, env, folder / "server.log", script=CLOCKED_SERVER) as base:
        yield base


class HallClock:
    """The server's clock, through the file it reads."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def set(self, moment: datetime) -> None:
        self.path.write_text(str((moment - datetime.now(timezone.utc)).total_seconds()))

    @contextmanager
    def at(self, moment: datetime) -> Iterator[None]:
        """The hall at ``moment`` for the block; then back where its time had got to (it never goes
        back: the tickets of the module's stories are ordered by their times)."""
        before = self.path.read_text()
        self.set(moment)
        try:
            yield
        finally:
            self.path.write_text(before)

    def now(self) -> datetime:
        return datetime.now(timezone.utc) + timedelta(seconds=float(self.path.read_text()))

    def today(self) -> date:
        return self.now().astimezone(CENTER_TZ).date()

    def install(self, page: Any) -> None:
        """The page's (and its context's) clock at the hall's moment, running on from there."""
        page.context.clock.install(time=self.now())
