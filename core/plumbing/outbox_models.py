"""The outbox's tables (app label ``core``): events waiting to leave, and every delivery attempt.

An :class:`OutboxEvent` is written in the same transaction as the change it reports, so an event
exists exactly when its change was committed. The dispatcher claims events (``state`` becomes
``delivering`` with a lease), hands each to the targets the center's plugins name, and records one
:class:`OutboxAttempt` per target and try.
"""

from __future__ import annotations

import uuid

from tortoise import fields
from tortoise.models import Model

STATES = ("pending", "delivering", "failed", "delivered", "dead")


def new_event_id() -> str:
    """The event's stable id (a UUID, hex): receivers de-duplicate by it."""
    return str(uuid.uuid4())


class OutboxEvent(Model):
    id = fields.BigIntField(primary_key=True)
    event_id = fields.CharField(max_length=36, unique=True, default=new_event_id, description="stable id sent as the idempotency key")
    center: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "core.Center", related_name="outbox_events", null=True, on_delete=fields.CASCADE
    )
    kind = fields.CharField(max_length=64, description="case.submitted, alert.raised, rating.submitted...")
    subject = fields.CharField(max_length=64, default="", description="what it is about: a case number...")
    payload = fields.JSONField(default=dict)
    state = fields.CharField(max_length=16, default="pending", description="pending|delivering|failed|delivered|dead")
    attempts = fields.IntField(default=0, description="claims so far")
    next_attempt_at = fields.DatetimeField(description="not claimed before this time")
    lease_until = fields.DatetimeField(null=True, description="a delivering claim expires then")
    claim = fields.CharField(max_length=36, default="", description="token of the current claim")
    done_targets = fields.JSONField(default=list, description="targets that acknowledged it")
    last_error = fields.TextField(default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    delivered_at = fields.DatetimeField(null=True)

    class Meta:
        table = "outbox_event"
        indexes = (("state", "next_attempt_at"), ("subject", "kind"))


class OutboxAttempt(Model):
    id = fields.BigIntField(primary_key=True)
    event: fields.ForeignKeyRelation[OutboxEvent] = fields.ForeignKeyField(
        "core.OutboxEvent", related_name="attempt_rows", on_delete=fields.CASCADE
    )
    number = fields.IntField(description="the event's claim number")
    target = fields.CharField(max_length=64, default="")
    ok = fields.BooleanField(default=False)
    error = fields.TextField(default="")
    worker = fields.CharField(max_length=64, default="")
    started_at = fields.DatetimeField()
    finished_at = fields.DatetimeField()

    class Meta:
        table = "outbox_attempt"
        indexes = (("event_id",),)
