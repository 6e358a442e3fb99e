"""Messages to people (短信) sent after the change that prompts them has committed.

They go through the center's ``send_notification`` hook (the core's default records them in the
``notification`` table). The change is committed already, so a failure to send is logged and the
change stands: the person is not told of an error that is not theirs to fix.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING

from core.plumbing.models import Case, Center, Notification, User
from core.services import clock
from core.services.plugins import acall_first

if TYPE_CHECKING:
    from core.services.runtime import GovHall

log = logging.getLogger("govhall.notifications")


async def send_sms(
    govhall: GovHall, center: Center, recipient: str, text: str, *, case: Case | None = None
) -> str | None:
    """Call it once the change is committed. Send ``text`` to ``recipient`` through the first plugin of ``center`` that answers
    ``send_notification``; returns the channel it used, or ``None`` when sending failed (logged
    with the recipient's last four digits and the case's number)."""
    try:
        hooks = govhall.hub.for_center(center)
        return await acall_first(hooks.send_notification, center=center, recipient=recipient, text=text, case=case)
    except Exception:  # noqa: BLE001 - committed already; tell the log, not the user
        log.exception("SMS to %s failed (case %s)", recipient[-4:], case.number if case is not None else "-")
        return None


async def send_internal(center_id: int, recipients: Iterable[str], text: str, case_id: int | None = None) -> None:
    """Internal messages (站内消息) to people by account name, written in the caller's transaction:
    what staff read among their messages (``staffMessages``), and an applicant on their case."""
    for name in recipients:
        await Notification.create(
            center_id=center_id, case_id=case_id, channel="internal", recipient=name, text=text, created_at=clock.now()
        )


async def applicant_recipient(case: Case) -> str:
    """Where an SMS to the case's applicant goes: the phone on their account, else the mobile the
    form gave (``contactMobile``), else the account's name (the notification hook decides)."""
    applicant = await User.get(id=case.applicant_id)  # type: ignore[attr-defined]
    mobile = (case.data or {}).get("contactMobile") if isinstance(case.data, dict) else None
    return applicant.phone or (str(mobile) if mobile else "") or applicant.username
