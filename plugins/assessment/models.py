"""The assessment plugin's table (Tortoise app label ``assessment``).

A manual score is what a supervisor enters for what the system cannot measure: attendance,
fees, archives, tidiness, conduct. Entries are never edited: a correction is a new entry with the
opposite points, so the ledger shows who changed what and when.
"""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class ManualScore(Model):
    """One entry: signed points (negative deducts) in one category of one subject and period."""

    id = fields.IntField(primary_key=True)
    center = fields.ForeignKeyField("core.Center", related_name="assessment_manual_scores", on_delete=fields.CASCADE)
    subject_kind = fields.CharField(max_length=16, description="window, staff or department")
    subject_id = fields.IntField(description="id of the window, user or department")
    period = fields.CharField(max_length=8, description="2026-11, 2026-Q3 or 2026")
    rule_set = fields.CharField(max_length=64)
    category = fields.CharField(max_length=32)
    rule = fields.CharField(max_length=48, default="", description="code of the rule entered against, if any")
    label = fields.CharField(max_length=128, default="")
    count = fields.IntField(default=1)
    points = fields.FloatField(description="signed total: negative deducts, positive adds")
    reason = fields.TextField()
    entered_by = fields.ForeignKeyField("core.User", related_name="assessment_manual_scores", on_delete=fields.RESTRICT)
    at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "assessment_manual_score"
        indexes = (("center_id", "subject_kind", "period"),)


class Publication(Model):
    """A ranking posted for publicity (公示): its rows as published, and the working days it stays up."""

    id = fields.IntField(primary_key=True)
    center = fields.ForeignKeyField("core.Center", related_name="assessment_publications", on_delete=fields.CASCADE)
    subject_kind = fields.CharField(max_length=16, description="window, staff or department")
    period = fields.CharField(max_length=8)
    rule_set = fields.CharField(max_length=64)
    rows = fields.JSONField(description="[{rank, code, name, total, grade}] as published")
    days = fields.IntField(description="公示 working days (at least 3)")
    starts_on = fields.DateField()
    ends_on = fields.DateField()
    published_by = fields.ForeignKeyField("core.User", related_name="assessment_publications", on_delete=fields.RESTRICT)
    at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "assessment_publication"
        unique_together = (("center_id", "subject_kind", "period"),)
