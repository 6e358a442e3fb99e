"""The transactional outbox: events written with the change they report, delivered later.

:mod:`.events` writes events inside the caller's transaction; :mod:`.dispatch` claims and
delivers them to the targets the center's plugins name (``event_targets`` / ``deliver_event``);
:mod:`.admin` lists them and re-sends dead letters for administrators.
"""

from core.services.outbox.dispatch import NOTHING_TO_DELIVER, DeliveryFailed, DeliveryRefused, Dispatcher, OutboxConfig, run_dispatcher
from core.plumbing.outbox_models import OutboxAttempt, OutboxEvent
from core.services.outbox.events import publish

__all__ = ["NOTHING_TO_DELIVER", "DeliveryFailed", "DeliveryRefused", "Dispatcher", "OutboxAttempt", "OutboxConfig", "OutboxEvent", "publish", "run_dispatcher"]
