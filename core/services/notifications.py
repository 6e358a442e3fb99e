"""Messages to people (短信) sent after the change that prompts them has committed.

They go through the center's ``send_notification`` hook (the core's default records them in the
``notification`` table). The change is committed already, so a failure to send is logged and the
change stands: the person is not told of an error that is not theirs to fix.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from core.plumbing.models import Case, Center, Notification, User
from core.services import clock
from core.services.calendar import cn_day
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


async def tell_promise_moved(govhall: GovHall, center: Center, year: int, moved: Sequence[clock.PromiseMoved]) -> int:
    """The acceptance and promise notices say 如有变化另行告知: once a calendar import that moved
    cases' promised dates (``promised_moved`` of :func:`core.services.clock.import_calendar`) has
    committed, each case's applicant gets one SMS with the old and the new date. Returns how many
    were sent."""
    sent = 0
    for m in moved:
        if m.after is None:
            continue
        text = (f"【{center.name}】您的办件（受理编号{m.case.number}）因{year}年节假日安排公布，承诺办结日期由"
                f"{cn_day(m.before) if m.before else '未定'}调整为{cn_day(m.after)}。")
        if await send_sms(govhall, center, await applicant_recipient(m.case), text, case=m.case):
            sent += 1
    return sent
