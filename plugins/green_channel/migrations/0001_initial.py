from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('core', '0001_initial'), ('core', '0002_document_number_per_center')]

    initial = True

    operations = [
        ops.CreateModel(
            name="GreenProject",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "center",
                    fields.ForeignKeyField(
                        "core.Center",
                        source_field="center_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="green_projects",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("number", fields.CharField(description="register number per center and year", max_length=32)),
                ("year", fields.IntField()),
                ("name", fields.CharField(max_length=256)),
                ("kind", fields.CharField(description="enterprise or construction", max_length=16)),
                ("applicant", fields.CharField(description="the enterprise or applicant unit", max_length=256)),
                ("uscc", fields.CharField(default="", max_length=18)),
                (
                    "basis",
                    fields.JSONField(
                        default=list,
                        description="the green channel scopes (受理范围) it falls under",
                        encoder=functools.partial(dumps, separators=(",", ":")),
                        decoder=loads,
                    ),
                ),
                (
                    "amounts",
                    fields.JSONField(
                        default=dict,
                        description="capital or investment, in ten thousands",
                        encoder=functools.partial(dumps, separators=(",", ":")),
                        decoder=loads,
                    ),
                ),
                (
                    "end_item",
                    fields.CharField(description="code of the item whose completed case ends it", max_length=64),
                ),
                (
                    "registered_by",
                    fields.ForeignKeyField(
                        "core.User",
                        source_field="registered_by_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="green_projects",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("registered_at", fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=True)),
                ("status", fields.CharField(default="open", description="open or finished", max_length=16)),
                ("finished_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "green_project",
                "app": "green_channel",
                "unique_together": (("center", "number"),),
                "indexes": [Index(fields=["center_id", "status"])],
                "pk_attr": "id",
                "table_description": "One project in the green channel, from its first window to the item that ends it.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="GreenStep",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "project",
                    fields.ForeignKeyField(
                        "green_channel.GreenProject",
                        source_field="project_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="steps",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "case",
                    fields.OneToOneField(
                        "core.Case",
                        source_field="case_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="green_step",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("item_code", fields.CharField(max_length=64)),
                (
                    "department",
                    fields.ForeignKeyField(
                        "core.Department",
                        source_field="department_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="green_steps",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "window",
                    fields.ForeignKeyField(
                        "core.Window",
                        source_field="window_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="green_steps",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                (
                    "linked_by",
                    fields.ForeignKeyField(
                        "core.User",
                        source_field="linked_by_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="green_links",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("linked_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("accepted_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                (
                    "accepted_by",
                    fields.ForeignKeyField(
                        "core.User",
                        source_field="accepted_by_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="green_accepted",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("finished_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                (
                    "finished_by",
                    fields.ForeignKeyField(
                        "core.User",
                        source_field="finished_by_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="green_finished",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("outcome", fields.CharField(default="", description="the case state it finished in", max_length=32)),
                (
                    "materials_to_follow",
                    fields.JSONField(
                        default=list,
                        description="secondary materials supplied later",
                        encoder=functools.partial(dumps, separators=(",", ":")),
                        decoder=loads,
                    ),
                ),
            ],
            options={
                "table": "green_step",
                "app": "green_channel",
                "pk_attr": "id",
                "table_description": "A line of the acceptance form: one case of the project, signed when accepted and finished.",
            },
            bases=["Model"],
        ),
    ]
