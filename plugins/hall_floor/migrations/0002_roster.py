from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('core', '0012_rating_channel'), ('hall_floor', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='RosterChange',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('center', fields.ForeignKeyField('core.Center', source_field='center_id', db_constraint=True, to_field='id', related_name='hall_floor_roster_changes', on_delete=OnDelete.CASCADE)),
                ('user', fields.ForeignKeyField('core.User', source_field='user_id', null=True, db_constraint=True, to_field='id', related_name='hall_floor_roster_changes', on_delete=OnDelete.SET_NULL)),
                ('before', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('after', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('summary', fields.TextField(default='', description='what changed, in words', unique=False)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'hall_floor_roster_change', 'app': 'hall_floor', 'indexes': [Index(fields=['center_id', 'at'])], 'pk_attr': 'id', 'table_description': 'The audit of the roster: who changed it, when, from what to what (append only).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='StoredRoster',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('center', fields.OneToOneField('core.Center', source_field='center_id', db_constraint=True, to_field='id', related_name='hall_floor_roster', on_delete=OnDelete.CASCADE)),
                ('document', fields.JSONField(description="the roster in the center file's form", encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('updated_by', fields.ForeignKeyField('core.User', source_field='updated_by_id', null=True, db_constraint=True, to_field='id', related_name='hall_floor_rosters', on_delete=OnDelete.SET_NULL)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'hall_floor_roster', 'app': 'hall_floor', 'pk_attr': 'id', 'table_description': "值班表 as edited on the supervisor's screen: once saved it replaces ``settings.hallFloor.roster``"},
            bases=['Model'],
        ),
    ]
