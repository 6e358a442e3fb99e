from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('core', '0007_decisions')]

    initial = True

    operations = [
        ops.CreateModel(
            name='ClockDevice',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('center', fields.ForeignKeyField('core.Center', source_field='center_id', db_constraint=True, to_field='id', related_name='staff_clock_devices', on_delete=OnDelete.CASCADE)),
                ('window', fields.ForeignKeyField('core.Window', source_field='window_id', null=True, db_constraint=True, to_field='id', related_name='staff_clock_devices', on_delete=OnDelete.SET_NULL)),
                ('name', fields.CharField(max_length=64)),
                ('token_hash', fields.CharField(unique=True, max_length=64)),
                ('active', fields.BooleanField(default=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'staff_clock_device', 'app': 'staff', 'pk_attr': 'id', 'table_description': 'A card reader registered at a window, which authenticates with its own token.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ClockIn',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('center', fields.ForeignKeyField('core.Center', source_field='center_id', db_constraint=True, to_field='id', related_name='staff_clock_ins', on_delete=OnDelete.CASCADE)),
                ('user', fields.ForeignKeyField('core.User', source_field='user_id', db_constraint=True, to_field='id', related_name='staff_clock_ins', on_delete=OnDelete.CASCADE)),
                ('day', fields.DateField()),
                ('slot', fields.CharField(description='am_in, pm_in or pm_out', max_length=8)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('device', fields.ForeignKeyField('staff.ClockDevice', source_field='device_id', null=True, db_constraint=True, to_field='id', related_name='clock_ins', on_delete=OnDelete.SET_NULL)),
            ],
            options={'table': 'staff_clock_in', 'app': 'staff', 'unique_together': (('center', 'user', 'day', 'slot'),), 'pk_attr': 'id', 'table_description': "刷卡: one of the three clock-ins of a day of a person, made by their own session or a device."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='LeaveRequest',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('center', fields.ForeignKeyField('core.Center', source_field='center_id', db_constraint=True, to_field='id', related_name='staff_leave', on_delete=OnDelete.CASCADE)),
                ('user', fields.ForeignKeyField('core.User', source_field='user_id', db_constraint=True, to_field='id', related_name='staff_leave', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharField(description='a key of LEAVE_KINDS', max_length=16)),
                ('start', fields.DateField()),
                ('start_half', fields.CharField(default='am', max_length=2)),
                ('end', fields.DateField()),
                ('end_half', fields.CharField(default='pm', max_length=2)),
                ('days', fields.FloatField(description='working days, in halves')),
                ('reason', fields.TextField(default='', unique=False)),
                ('route', fields.JSONField(default=list, description='the approval steps, in order', encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('step', fields.IntField(default=0, description='index in route of the step waiting')),
                ('decisions', fields.JSONField(default=list, description='[{step, by, name, approve, comment, at}]', encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('status', fields.CharField(default='pending', max_length=16)),
                ('handed_over', fields.IntField(default=0, description='open cases moved to the partner')),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'staff_leave_request', 'app': 'staff', 'indexes': [Index(fields=['center_id', 'status']), Index(fields=['center_id', 'user_id', 'start'])], 'pk_attr': 'id', 'table_description': '请假: from a half day to a half day, routed by its length: ``route`` lists the steps still'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='StaffRecord',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('center', fields.ForeignKeyField('core.Center', source_field='center_id', db_constraint=True, to_field='id', related_name='staff_records', on_delete=OnDelete.CASCADE)),
                ('user', fields.ForeignKeyField('core.User', source_field='user_id', db_constraint=True, to_field='id', related_name='staff_records', on_delete=OnDelete.CASCADE)),
                ('department', fields.ForeignKeyField('core.Department', source_field='department_id', null=True, db_constraint=True, to_field='id', related_name='staff_records', on_delete=OnDelete.SET_NULL)),
                ('window', fields.ForeignKeyField('core.Window', source_field='window_id', null=True, db_constraint=True, to_field='id', related_name='staff_records', on_delete=OnDelete.SET_NULL)),
                ('position', fields.CharField(default='window_staff', description='a key of POSITIONS', max_length=16)),
                ('posted_on', fields.DateField(description='进驻日期: attendance counts from this day')),
                ('min_term_months', fields.IntField(default=0, description='最低进驻期限, months (0: none)')),
                ('partner', fields.ForeignKeyField('core.User', source_field='partner_id', null=True, db_constraint=True, to_field='id', related_name='staff_partner_of', on_delete=OnDelete.SET_NULL)),
                ('card', fields.CharField(null=True, description='考勤卡号, unique in the center', max_length=32)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'staff_record', 'app': 'staff', 'unique_together': (('center', 'user'), ('center', 'card')), 'pk_attr': 'id', 'table_description': "One person on the staff register (人员名册) of one center."},
            bases=['Model'],
        ),
    ]
