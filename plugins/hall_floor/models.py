"""The hall floor's tables (Tortoise app label ``hall_floor``).

A ticket (排队号) is one visit in one queue; its times give the waiting and service statistics. An
on-site rating (现场评价) is what the tablet recorded; a bad one opens a rectification task (整改) with its follow-up (回访). A booking
(预约) holds one place of one roster slot; the slot row counts them so capacity holds; its 预约码
(booking code) takes the ticket at the public kiosk.
"""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

TICKET_LABELS = {"waiting": "等候中", "called": "已叫号", "done": "已办结", "skipped": "已过号"}
RECTIFICATION_LABELS = {"open": "整改中", "rectified": "已整改", "closed": "已回访办结"}
BOOKING_LABELS = {"booked": "已预约", "arrived": "已取号", "cancelled": "已取消"}


class Ticket(Model):
    """One visit: taken at the kiosk (or by the clerk), called by a window, finished or skipped."""

    id = fields.IntField(primary_key=True)
    center = fields.ForeignKeyField("core.Center", related_name="hall_floor_tickets", on_delete=fields.CASCADE)
    queue = fields.CharField(max_length=8, description="the queue code, also the prefix of the number")
    day = fields.DateField()
    number = fields.CharField(max_length=16)
    status = fields.CharField(max_length=16, default="waiting", description="waiting, called, done or skipped")
    mobile = fields.CharField(max_length=32, default="")
    booking = fields.ForeignKeyField("hall_floor.Booking", related_name="tickets", null=True, on_delete=fields.SET_NULL)
    due_at = fields.DatetimeField(null=True, description="the start of an appointment: from then on it is called first")
    taken_at = fields.DatetimeField()
    called_at = fields.DatetimeField(null=True)
    finished_at = fields.DatetimeField(null=True)
    window_code = fields.CharField(max_length=32, default="")
    called_by = fields.ForeignKeyField("core.User", related_name="hall_floor_calls", null=True, on_delete=fields.SET_NULL)
    calls = fields.IntField(default=0, description="how often it was called (recalls included)")
    last_call_at = fields.DatetimeField(null=True)
    near_notified = fields.BooleanField(default=False)
    case = fields.ForeignKeyField("core.Case", related_name="hall_floor_tickets", null=True, on_delete=fields.SET_NULL)
    transferred_from = fields.CharField(max_length=32, default="", db_default="", description="转窗: the window that sent it to this queue (empty: not transferred)")
    transferred_from_queue = fields.CharField(max_length=8, default="", db_default="", description="转窗: the queue it was in before")
    transferred_at = fields.DatetimeField(null=True, description="转窗: when it was sent to this queue")

    class Meta:
        table = "hall_floor_ticket"
        unique_together = (("center", "day", "number"),)
        indexes = (("center_id", "day", "status"),)


class OnSiteRating(Model):
    """评价器: a rating tapped at the tablet of a window, of a case (then also the core rating) or a ticket."""

    id = fields.IntField(primary_key=True)
    center = fields.ForeignKeyField("core.Center", related_name="hall_floor_ratings", on_delete=fields.CASCADE)
    channel = fields.CharField(max_length=8, default="现场")
    window_code = fields.CharField(max_length=32)
    staff = fields.ForeignKeyField("core.User", related_name="hall_floor_rated", null=True, on_delete=fields.SET_NULL)
    case = fields.OneToOneField("core.Case", related_name="hall_floor_rating", null=True, on_delete=fields.CASCADE)
    ticket = fields.OneToOneField("hall_floor.Ticket", related_name="rating", null=True, on_delete=fields.CASCADE)
    level = fields.IntField()
    reason = fields.CharField(max_length=64, default="")
    at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "hall_floor_on_site_rating"
        indexes = (("center_id", "at"),)


class Rectification(Model):
    """整改: opened by a bad on-site rating, due in 15 working days, closed by its follow-up (回访)."""

    id = fields.IntField(primary_key=True)
    center = fields.ForeignKeyField("core.Center", related_name="hall_floor_rectifications", on_delete=fields.CASCADE)
    rating = fields.OneToOneField("hall_floor.OnSiteRating", related_name="rectification", on_delete=fields.CASCADE)
    reason = fields.CharField(max_length=64)
    opened_on = fields.DateField()
    due = fields.DateField()
    status = fields.CharField(max_length=16, default="open", description="open, rectified or closed")
    measures = fields.TextField(default="")
    follow_up = fields.TextField(default="", description="回访: what the applicant said when called back")
    follow_up_satisfied = fields.BooleanField(null=True)
    followed_by = fields.ForeignKeyField("core.User", related_name="hall_floor_follow_ups", null=True, on_delete=fields.SET_NULL)
    followed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "hall_floor_rectification"
        indexes = (("center_id", "status"),)


class BookingSlot(Model):
    """How many bookings one period of one day of one queue holds, raised only while below capacity."""

    id = fields.IntField(primary_key=True)
    center = fields.ForeignKeyField("core.Center", related_name="hall_floor_slots", on_delete=fields.CASCADE)
    slot = fields.CharField(max_length=48, description="QUEUE YYYY-MM-DD HH:MM-HH:MM")
    booked = fields.IntField(default=0)

    class Meta:
        table = "hall_floor_booking_slot"
        unique_together = (("center", "slot"),)


class Booking(Model):
    """预约: one person, one queue, one roster period, the holder column is unique per slot while it is booked."""

    id = fields.IntField(primary_key=True)
    center = fields.ForeignKeyField("core.Center", related_name="hall_floor_bookings", on_delete=fields.CASCADE)
    user = fields.ForeignKeyField("core.User", related_name="hall_floor_bookings", on_delete=fields.RESTRICT)
    queue = fields.CharField(max_length=8)
    day = fields.DateField()
    period = fields.CharField(max_length=11, description="HH:MM-HH:MM")
    slot = fields.CharField(max_length=48)
    holder = fields.IntField(null=True, description="the user id while booked: one place per person and slot")
    extended = fields.BooleanField(default=False, description="错时/延时服务 outside office hours")
    status = fields.CharField(max_length=16, default="booked", description="booked, arrived or cancelled")
    code = fields.CharField(max_length=6, null=True, description="预约码: 6 random digits, unique among the center's booked bookings of the day (none: used or cancelled before codes existed)")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "hall_floor_booking"
        unique_together = (("center", "slot", "holder"),)
        indexes = (("center_id", "day"),)


class StoredRoster(Model):
    """值班表 as edited on the supervisor's screen: once saved it replaces ``settings.hallFloor.roster``
    of the center file (which a re-import would otherwise overwrite)."""

    id = fields.IntField(primary_key=True)
    center = fields.OneToOneField("core.Center", related_name="hall_floor_roster", on_delete=fields.CASCADE)
    document = fields.JSONField(description="the roster in the center file's form")
    updated_by = fields.ForeignKeyField("core.User", related_name="hall_floor_rosters", null=True, on_delete=fields.SET_NULL)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "hall_floor_roster"


class RosterChange(Model):
    """The audit of the roster: who changed it, when, from what to what (append only)."""

    id = fields.IntField(primary_key=True)
    center = fields.ForeignKeyField("core.Center", related_name="hall_floor_roster_changes", on_delete=fields.CASCADE)
    user = fields.ForeignKeyField("core.User", related_name="hall_floor_roster_changes", null=True, on_delete=fields.SET_NULL)
    before = fields.JSONField()
    after = fields.JSONField()
    summary = fields.TextField(default="", description="what changed, in words")
    at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "hall_floor_roster_change"
        indexes = (("center_id", "at"),)
