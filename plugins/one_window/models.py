"""The one-window plugin's tables (Tortoise app label ``one_window``).

A hand-over (流转交接) is one move of a case's file: front desk → a department's back office, or
back office → the unified pickup window. A pickup record (出件登记) says who took the result and how.
"""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

FRONT_DESK_TO_DEPARTMENT = "front_desk_to_department"
DEPARTMENT_TO_PICKUP = "department_to_pickup"


class HandOver(Model):
    """One hand-over: who handed which materials to whom, and who received them when."""

    id = fields.IntField(primary_key=True)
    case = fields.ForeignKeyField("core.Case", related_name="one_window_handovers", on_delete=fields.RESTRICT)
    stage = fields.CharField(max_length=32, description="front_desk_to_department or department_to_pickup")
    from_user = fields.ForeignKeyField("core.User", related_name="one_window_handed", on_delete=fields.RESTRICT)
    to_department = fields.ForeignKeyField(
        "core.Department", related_name="one_window_handovers", null=True, on_delete=fields.RESTRICT
    )
    to_pickup = fields.BooleanField(default=False)
    materials = fields.JSONField(default=list, description="names or codes of the materials handed over")
    comment = fields.TextField(default="")
    handed_at = fields.DatetimeField(auto_now_add=True, db_index=True)
    received_by = fields.ForeignKeyField(
        "core.User", related_name="one_window_received", null=True, on_delete=fields.RESTRICT
    )
    received_at = fields.DatetimeField(null=True)

    class Meta:
        table = "one_window_handover"
        indexes = (("case_id", "stage"),)


class PickupRecord(Model):
    """出件登记: how the result left the pickup window. The ID number is stored whole, shown masked."""

    id = fields.IntField(primary_key=True)
    case = fields.ForeignKeyField("core.Case", related_name="one_window_pickups", on_delete=fields.RESTRICT)
    method = fields.CharField(max_length=16, description="in_person, self_print or courier")
    receiver = fields.CharField(max_length=64, default="")
    id_number = fields.CharField(max_length=32, default="")
    tracking_number = fields.CharField(max_length=64, default="")
    by = fields.ForeignKeyField("core.User", related_name="one_window_pickups", on_delete=fields.RESTRICT)
    at = fields.DatetimeField(auto_now_add=True, db_index=True)

    class Meta:
        table = "one_window_pickup"
