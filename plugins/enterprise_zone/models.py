"""The enterprise zone's tables (Tortoise app label ``enterprise_zone``).

An agency request (代办帮办) is an applicant asking for a free agent, assigned by a head. An
appointment (预约/延时服务) books a slot of a working day, and a slot row counts its bookings so that
capacity holds under concurrent bookings. A gift pack (开办大礼包) is what the pickup window hands a
newly opened company.
"""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

AGENCY_LABELS = {"pending": "待指派", "assigned": "已指派代办员", "filed": "已代为申报", "cancelled": "已取消"}
APPOINTMENT_LABELS = {"booked": "已预约", "cancelled": "已取消"}
GIFT_PACK_LABELS = {"waiting": "待领取", "handed_over": "已领取"}


class AgencyRequest(Model):
    """A request for the free agency service by an applicant, and the agent assigned to it."""

    id = fields.IntField(primary_key=True)
    center = fields.ForeignKeyField("core.Center", related_name="enterprise_zone_agency", on_delete=fields.CASCADE)
    applicant = fields.ForeignKeyField("core.User", related_name="enterprise_zone_agency", on_delete=fields.RESTRICT)
    item_code = fields.CharField(max_length=64)
    item_name = fields.CharField(max_length=256, default="")
    contact_mobile = fields.CharField(max_length=32)
    note = fields.TextField(default="")
    status = fields.CharField(max_length=16, default="pending", description="pending, assigned, filed or cancelled")
    agent = fields.ForeignKeyField(
        "core.User", related_name="enterprise_zone_agency_assigned", null=True, on_delete=fields.RESTRICT
    )
    assigned_by = fields.ForeignKeyField(
        "core.User", related_name="enterprise_zone_agency_assigner", null=True, on_delete=fields.RESTRICT
    )
    assigned_at = fields.DatetimeField(null=True)
    case = fields.ForeignKeyField("core.Case", related_name="enterprise_zone_agency", null=True, on_delete=fields.SET_NULL)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "enterprise_zone_agency_request"
        indexes = (("center_id", "status"),)


class Appointment(Model):
    """A booked visit: one user, one item, one period of one working day."""

    id = fields.IntField(primary_key=True)
    center = fields.ForeignKeyField("core.Center", related_name="enterprise_zone_appointments", on_delete=fields.CASCADE)
    user = fields.ForeignKeyField("core.User", related_name="enterprise_zone_appointments", on_delete=fields.RESTRICT)
    item_code = fields.CharField(max_length=64)
    item_name = fields.CharField(max_length=256, default="")
    day = fields.DateField()
    period = fields.CharField(max_length=11, description="HH:MM-HH:MM")
    delayed = fields.BooleanField(default=False, description="a delayed-hours slot outside office hours")
    status = fields.CharField(max_length=16, default="booked", description="booked or cancelled")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "enterprise_zone_appointment"
        indexes = (("center_id", "day"),)


class AppointmentSlot(Model):
    """How many bookings one period of one day holds, raised only while below capacity."""

    id = fields.IntField(primary_key=True)
    center = fields.ForeignKeyField("core.Center", related_name="enterprise_zone_slots", on_delete=fields.CASCADE)
    slot = fields.CharField(max_length=32, description="YYYY-MM-DD HH:MM-HH:MM")
    booked = fields.IntField(default=0)

    class Meta:
        table = "enterprise_zone_appointment_slot"
        unique_together = (("center", "slot"),)


class GiftPack(Model):
    """开办大礼包: licence, seals, tax UKey and invoices of a newly opened company, for the pickup window."""

    id = fields.IntField(primary_key=True)
    center = fields.ForeignKeyField("core.Center", related_name="enterprise_zone_gift_packs", on_delete=fields.CASCADE)
    case = fields.OneToOneField("core.Case", related_name="enterprise_zone_gift_pack", on_delete=fields.RESTRICT)
    enterprise_name = fields.CharField(max_length=256, default="")
    contents = fields.JSONField(default=list, description="what the pack holds, one line each")
    delivery = fields.CharField(max_length=64, default="")
    mailing_address = fields.CharField(max_length=256, default="")
    status = fields.CharField(max_length=16, default="waiting", description="waiting or handed_over")
    receiver = fields.CharField(max_length=64, default="")
    handed_over_by = fields.ForeignKeyField(
        "core.User", related_name="enterprise_zone_gift_packs", null=True, on_delete=fields.RESTRICT
    )
    handed_over_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "enterprise_zone_gift_pack"
        indexes = (("center_id", "status"),)
