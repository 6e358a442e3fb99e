"""The green channel's tables (Tortoise app label ``green_channel``).

A project (绿色通道项目) is entered in the register (登记簿) with its number, e.g. 绿〔2026〕001.
Each of its cases is one line of the travelling acceptance form (受理表): the window that handles
it signs the time it accepted the case and the time it finished it. A case accepted with secondary
materials to follow (先办理，后补齐) has one follow-up (后补材料) per material, due by a date (暂定
while it is counted over a year whose calendar is not published, recomputed when it is imported),
until the window records that it arrived.
"""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

OPEN = "open"
FINISHED = "finished"


class GreenProject(Model):
    """One project in the green channel, from its first window to the item that ends it."""

    id = fields.IntField(primary_key=True)
    center = fields.ForeignKeyField("core.Center", related_name="green_projects", on_delete=fields.RESTRICT)
    number = fields.CharField(max_length=32, description="register number per center and year")
    year = fields.IntField()
    name = fields.CharField(max_length=256)
    kind = fields.CharField(max_length=16, description="enterprise or construction")
    applicant = fields.CharField(max_length=256, description="the enterprise or applicant unit")
    uscc = fields.CharField(max_length=18, default="")
    basis = fields.JSONField(default=list, description="the green channel scopes (受理范围) it falls under")
    amounts = fields.JSONField(default=dict, description="capital or investment, in ten thousands")
    end_item = fields.CharField(max_length=64, description="code of the item whose completed case ends it")
    registered_by = fields.ForeignKeyField("core.User", related_name="green_projects", on_delete=fields.RESTRICT)
    registered_at = fields.DatetimeField(auto_now_add=True, db_index=True)
    status = fields.CharField(max_length=16, default=OPEN, description="open or finished")
    finished_at = fields.DatetimeField(null=True)

    class Meta:
        table = "green_project"
        unique_together = (("center", "number"),)
        indexes = (("center_id", "status"),)


class GreenStep(Model):
    """A line of the acceptance form: one case of the project, signed when accepted and finished."""

    id = fields.IntField(primary_key=True)
    project = fields.ForeignKeyField("green_channel.GreenProject", related_name="steps", on_delete=fields.RESTRICT)
    case = fields.OneToOneField("core.Case", related_name="green_step", on_delete=fields.RESTRICT)
    item_code = fields.CharField(max_length=64)
    department = fields.ForeignKeyField(
        "core.Department", related_name="green_steps", null=True, on_delete=fields.RESTRICT
    )
    window = fields.ForeignKeyField("core.Window", related_name="green_steps", null=True, on_delete=fields.SET_NULL)
    linked_by = fields.ForeignKeyField("core.User", related_name="green_links", on_delete=fields.RESTRICT)
    linked_at = fields.DatetimeField(auto_now_add=True)
    accepted_at = fields.DatetimeField(null=True)
    accepted_by = fields.ForeignKeyField(
        "core.User", related_name="green_accepted", null=True, on_delete=fields.RESTRICT
    )
    finished_at = fields.DatetimeField(null=True)
    finished_by = fields.ForeignKeyField(
        "core.User", related_name="green_finished", null=True, on_delete=fields.RESTRICT
    )
    outcome = fields.CharField(max_length=32, default="", description="the case state it finished in")
    materials_to_follow = fields.JSONField(default=list, description="secondary materials supplied later")

    class Meta:
        table = "green_step"


class FollowUp(Model):
    """先办理，后补齐: a secondary material a green-channel case was accepted without, due by a date,
    until the window records that it arrived (with the core's counter receipt)."""

    id = fields.IntField(primary_key=True)
    step = fields.ForeignKeyField("green_channel.GreenStep", related_name="follow_ups", on_delete=fields.RESTRICT)
    code = fields.CharField(max_length=64, description="the item's material code")
    name = fields.CharField(max_length=256)
    due = fields.DateField(null=True, description="the last day to supply it (none: accepted before deadlines were kept)")
    working_days = fields.IntField(null=True, description="the working days counted to due from the acceptance (followDays then)")
    provisional = fields.BooleanField(
        default=False, db_default=False,
        description="due counted over days of a year whose holiday schedule is not published yet (暂定), recomputed on import",
    )
    received_at = fields.DatetimeField(null=True)
    received_by = fields.ForeignKeyField(
        "core.User", related_name="green_follow_ups", null=True, on_delete=fields.RESTRICT
    )
    overdue_checked_at = fields.DatetimeField(
        null=True, description="when the sweeper found it late and told the window (once)"
    )

    class Meta:
        table = "green_follow_up"
        unique_together = (("step", "code"),)
        indexes = (("due",),)
