"""The staff plugin's tables (Tortoise app label ``staff``).

A register entry (``StaffRecord``) says where a person works in one center: department, window,
register role, posting date and minimum term, AB岗 partner and clock card. Clock-ins are one row
per person, day and slot (三次刷卡). A clock device is a card reader at a window with its own token
(only its hash is stored). A leave request carries its approval route and the decisions taken.
"""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

POSITIONS = {
    "window_staff": "窗口工作人员",
    "window_leader": "窗口负责人",
    "office": "中心办公室",
    "supervision": "督查科",
    "leadership": "中心领导",
}
LEAVE_KINDS = {"personal": "事假", "sick": "病假", "annual": "休假", "official": "公假（因公回原部门）"}
LEAVE_STATUS = {"pending": "审批中", "approved": "已批准", "refused": "未批准", "cancelled": "已撤回"}
SLOTS = {"am_in": "上午上班", "pm_in": "下午上班", "pm_out": "下午下班"}
HALVES = ("am", "pm")


class StaffRecord(Model):
    """One person on the staff register (人员名册) of one center."""

    id = fields.IntField(primary_key=True)
    center = fields.ForeignKeyField("core.Center", related_name="staff_records", on_delete=fields.CASCADE)
    user = fields.ForeignKeyField("core.User", related_name="staff_records", on_delete=fields.CASCADE)
    department = fields.ForeignKeyField("core.Department", related_name="staff_records", null=True, on_delete=fields.SET_NULL)
    window = fields.ForeignKeyField("core.Window", related_name="staff_records", null=True, on_delete=fields.SET_NULL)
    position = fields.CharField(max_length=16, default="window_staff", description="a key of POSITIONS")
    posted_on = fields.DateField(description="进驻日期: attendance counts from this day")
    min_term_months = fields.IntField(default=0, description="最低进驻期限, months (0: none)")
    partner = fields.ForeignKeyField("core.User", related_name="staff_partner_of", null=True, on_delete=fields.SET_NULL)
    card = fields.CharField(max_length=32, null=True, description="考勤卡号, unique in the center")
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "staff_record"
        unique_together = (("center", "user"), ("center", "card"))


class ClockDevice(Model):
    """A card reader registered at a window, which authenticates with its own token."""

    id = fields.IntField(primary_key=True)
    center = fields.ForeignKeyField("core.Center", related_name="staff_clock_devices", on_delete=fields.CASCADE)
    window = fields.ForeignKeyField("core.Window", related_name="staff_clock_devices", null=True, on_delete=fields.SET_NULL)
    name = fields.CharField(max_length=64)
    token_hash = fields.CharField(max_length=64, unique=True)
    active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "staff_clock_device"


class ClockIn(Model):
    """刷卡: one of the three clock-ins of a day of a person, made by their own session or a device."""

    id = fields.IntField(primary_key=True)
    center = fields.ForeignKeyField("core.Center", related_name="staff_clock_ins", on_delete=fields.CASCADE)
    user = fields.ForeignKeyField("core.User", related_name="staff_clock_ins", on_delete=fields.CASCADE)
    day = fields.DateField()
    slot = fields.CharField(max_length=8, description="am_in, pm_in or pm_out")
    at = fields.DatetimeField()
    device = fields.ForeignKeyField("staff.ClockDevice", related_name="clock_ins", null=True, on_delete=fields.SET_NULL)

    class Meta:
        table = "staff_clock_in"
        unique_together = (("center", "user", "day", "slot"),)


class LeaveRequest(Model):
    """请假: from a half day to a half day, routed by its length: ``route`` lists the steps still
    to come after ``step`` and ``decisions`` what each approver said. ``acting_post_told`` is the
    post last told that it decides the current step in place of its vacant own post
    (:mod:`.acting`), so each change is told once."""

    id = fields.IntField(primary_key=True)
    center = fields.ForeignKeyField("core.Center", related_name="staff_leave", on_delete=fields.CASCADE)
    user = fields.ForeignKeyField("core.User", related_name="staff_leave", on_delete=fields.CASCADE)
    kind = fields.CharField(max_length=16, description="a key of LEAVE_KINDS")
    start = fields.DateField()
    start_half = fields.CharField(max_length=2, default="am")
    end = fields.DateField()
    end_half = fields.CharField(max_length=2, default="pm")
    days = fields.FloatField(description="working days, in halves")
    reason = fields.TextField(default="")
    route = fields.JSONField(default=list, description="the approval steps, in order")
    step = fields.IntField(default=0, description="index in route of the step waiting")
    decisions = fields.JSONField(default=list, description="[{step, by, name, approve, comment, at}]")
    status = fields.CharField(max_length=16, default="pending")
    handed_over = fields.IntField(default=0, description="open cases moved to the partner")
    created_at = fields.DatetimeField(auto_now_add=True)
    acting_post_told = fields.CharField(
        max_length=16, null=True,
        description="the post deciding the current step for its vacant own post, once told (none: not told, or not vacant)")

    class Meta:
        table = "staff_leave_request"
        indexes = (("center_id", "status"), ("center_id", "user_id", "start"))
