"""先办理，后补齐 with a deadline: one follow-up (后补材料) per secondary material a green-channel case
was accepted without, due by a date, until the window records it. Materials named at acceptances
before this version (``green_step.materials_to_follow``) become follow-ups without a due date (their
notice said 请尽快补齐, no date): still outstanding, never late; the window records them as the others."""

import json

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index


EARLIER = """SELECT s.id, s.materials_to_follow, v.definition FROM green_step s
JOIN gh_case c ON c.id = s.case_id JOIN item_version v ON v.id = c.item_version_id ORDER BY s.id"""


def _json(value):
    return json.loads(value) if isinstance(value, (str, bytes)) else value


async def follow_ups_of_earlier_acceptances(apps, state_editor) -> None:
    conn = state_editor.client
    insert = ("INSERT INTO green_follow_up (step_id, code, name) VALUES ($1, $2, $3)"
              if conn.capabilities.dialect == "postgres" else
              "INSERT INTO green_follow_up (step_id, code, name) VALUES (?, ?, ?)")
    for row in await conn.execute_query_dict(EARLIER):
        names = _json(row["materials_to_follow"]) or []
        materials = (_json(row["definition"]) or {}).get("materials", [])
        codes = {str(m.get("name", "")).strip(): str(m.get("code") or m.get("name")) for m in materials}
        seen = set()
        for name in names:
            code = codes.get(str(name).strip(), str(name))[:64]
            if code not in seen:
                seen.add(code)
                await conn.execute_query(insert, [row["id"], code, str(name)[:256]])


class Migration(migrations.Migration):
    dependencies = [('core', '0021_legal_speed_up'), ('green_channel', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='FollowUp',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('step', fields.ForeignKeyField('green_channel.GreenStep', source_field='step_id', db_constraint=True, to_field='id', related_name='follow_ups', on_delete=OnDelete.RESTRICT)),
                ('code', fields.CharField(description="the item's material code", max_length=64)),
                ('name', fields.CharField(max_length=256)),
                ('due', fields.DateField(null=True, description='the last day to supply it (none: accepted before deadlines were kept)')),
                ('received_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('received_by', fields.ForeignKeyField('core.User', source_field='received_by_id', null=True, db_constraint=True, to_field='id', related_name='green_follow_ups', on_delete=OnDelete.RESTRICT)),
                ('overdue_checked_at', fields.DatetimeField(null=True, description='when the sweeper found it late and told the window (once)', auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'green_follow_up', 'app': 'green_channel', 'unique_together': (('step', 'code'),), 'indexes': [Index(fields=['due'])], 'pk_attr': 'id', 'table_description': '先办理，后补齐: a secondary material a green-channel case was accepted without, due by a date,'},
            bases=['Model'],
        ),
        ops.RunPython(follow_ups_of_earlier_acceptances),
    ]
