"""The queue plugin's table (Tortoise app label ``queue``, named after the plugin)."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class Ticket(Model):
    """One ticket: numbered per center and day (A001, A002…), for a visitor or a submitted case."""

    id = fields.IntField(primary_key=True)
    center = fields.ForeignKeyField("core.Center", related_name="queue_tickets", on_delete=fields.RESTRICT)
    day = fields.DateField()
    number = fields.IntField()
    case = fields.ForeignKeyField("core.Case", related_name="queue_tickets", null=True, on_delete=fields.RESTRICT)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "queue_ticket"
        unique_together = (("center", "day", "number"),)

    @property
    def label(self) -> str:
        return f"A{self.number:03d}"
