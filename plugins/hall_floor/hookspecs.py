"""The hooks the hall floor adds for other plugins (``register_hookspecs``): a hall's voice
announcer or LED wall, an SMS to the supervisor. Implement them with ``@hookimpl(optionalhook=True)``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from core.api import hookspec

if TYPE_CHECKING:
    from core.api import Center


@hookspec
def hall_ticket_called(center: Center, ticket: Any, window: str, recall: bool) -> None:
    """Called after a window's call (``recall`` False) or recall (True) of a ticket is committed,
    with the ticket row (``number``, ``queue``, ``calls``) and the window's code. Returns nothing;
    exceptions are logged, the call stands."""


@hookspec
def hall_rectification_opened(center: Center, rectification: Any, rating: Any) -> None:
    """Called after a bad on-site rating (不满意, 非常不满意) opened a rectification task and both are
    committed, with the task (``reason``, ``due``) and the rating (``window_code``, ``level``,
    ``case_id``, ``ticket_id``). Returns nothing; exceptions are logged."""
