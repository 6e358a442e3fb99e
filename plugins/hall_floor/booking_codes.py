"""预约码: the 6-digit code a booking gets, with which its ticket is taken at the public kiosk (取号机),
where nobody is logged in.

A code is random (``secrets``) and unique among the center's still-booked bookings of its day: it is
drawn under the center's lock for that day (:func:`core.api.lock_scope`; on SQLite a process runs its
transactions one at a time), so two bookings made at once never share one. At the kiosk a code
finds today's booked booking of the center; wrong codes are counted per client address
(:func:`core.api.limit_guesses`), and a few in a row lock the address for a while.
"""

from __future__ import annotations

import re
import secrets
from datetime import date

from core.api import Center, GuessLimits, UserErrorsException, limit_guesses, local_today, lock_scope

from .models import Booking

DIGITS = 6
GUESSES = GuessLimits(failures=10, window_minutes=15, lock_minutes=1, max_lock_minutes=5)
"""A kiosk's address is everyone's at it: ten typos before a lock, and never more than 5 minutes
of it; still at most ~40 guesses an hour against about 1 in 10,000 a guess of matching a booking."""
LOCKED = "预约码输错次数过多，请 {minutes} 分钟后再试，或到咨询台请工作人员帮助取号"
UNKNOWN = "预约码不正确或不是今天的预约，请核对后重新输入"


def random_code() -> str:
    return f"{secrets.randbelow(10**DIGITS):0{DIGITS}d}"


async def new_code(center: Center | int, day: date) -> str:
    """A code no booking of the center holds on ``day`` while booked (nor one used that day already, so a
    used code typed again is never someone else's); call it in the booking's transaction."""
    center_id = center if isinstance(center, int) else center.id
    await lock_scope(center_id, f"hall_floor.booking_code {day.isoformat()}")
    while True:
        code = random_code()
        if not await Booking.exists(center_id=center_id, day=day, status__in=("booked", "arrived"), code=code):
            return code


def _check_form(text: str) -> str:
    code = re.sub(r"\s+", "", text)
    if not re.fullmatch(rf"\d{{{DIGITS}}}", code):
        raise UserErrorsException.single("format.booking_code", f"预约码为{DIGITS}位数字，请核对后重新输入", "/bookingCode")
    return code


async def _find(center: Center, code: str) -> Booking:
    today = local_today()
    found = await Booking.filter(center_id=center.id, day=today, code=code, status="booked").first()
    if found is not None:
        return found
    if await Booking.exists(center_id=center.id, day=today, code=code, status="arrived"):
        raise UserErrorsException.single("booking_used", "该预约已取号，不能重复取号", "/bookingCode")
    raise UserErrorsException.single("unknown_booking", UNKNOWN, "/bookingCode")


async def booking_by_code(center: Center, text: str, address: str | None) -> Booking:
    """Today's booked booking of the center with this code. A malformed entry is refused before it
    counts; a wrong (or used) code is a failed guess of the client ``address``."""
    code = _check_form(text)
    return await limit_guesses("hall_floor.booking_code", address, lambda: _find(center, code),
                               locked_message=LOCKED, limits=GUESSES)
