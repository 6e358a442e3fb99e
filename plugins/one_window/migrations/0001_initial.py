from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('core', '0001_initial')]

    initial = True

    operations = [
        ops.CreateModel(
            name='HandOver',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('case', fields.ForeignKeyField('core.Case', source_field='case_id', db_constraint=True, to_field='id', related_name='one_window_handovers', on_delete=OnDelete.RESTRICT)),
                ('stage', fields.CharField(description='front_desk_to_department or department_to_pickup', max_length=32)),
                ('from_user', fields.ForeignKeyField('core.User', source_field='from_user_id', db_constraint=True, to_field='id', related_name='one_window_handed', on_delete=OnDelete.RESTRICT)),
                ('to_department', fields.ForeignKeyField('core.Department', source_field='to_department_id', null=True, db_constraint=True, to_field='id', related_name='one_window_handovers', on_delete=OnDelete.RESTRICT)),
                ('to_pickup', fields.BooleanField(default=False)),
                ('materials', fields.JSONField(default=list, description='names or codes of the materials handed over', encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('comment', fields.TextField(default='', unique=False)),
                ('handed_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=True)),
                ('received_by', fields.ForeignKeyField('core.User', source_field='received_by_id', null=True, db_constraint=True, to_field='id', related_name='one_window_received', on_delete=OnDelete.RESTRICT)),
                ('received_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'one_window_handover', 'app': 'one_window', 'indexes': [Index(fields=['case_id', 'stage'])], 'pk_attr': 'id', 'table_description': 'One hand-over: who handed which materials to whom, and who received them when.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PickupRecord',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('case', fields.ForeignKeyField('core.Case', source_field='case_id', db_constraint=True, to_field='id', related_name='one_window_pickups', on_delete=OnDelete.RESTRICT)),
                ('method', fields.CharField(description='in_person, self_print or courier', max_length=16)),
                ('receiver', fields.CharField(default='', max_length=64)),
                ('id_number', fields.CharField(default='', max_length=32)),
                ('tracking_number', fields.CharField(default='', max_length=64)),
                ('by', fields.ForeignKeyField('core.User', source_field='by_id', db_constraint=True, to_field='id', related_name='one_window_pickups', on_delete=OnDelete.RESTRICT)),
                ('at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'one_window_pickup', 'app': 'one_window', 'pk_attr': 'id', 'table_description': '出件登记: how the result left the pickup window. The ID number is stored whole, shown masked.'},
            bases=['Model'],
        ),
    ]
