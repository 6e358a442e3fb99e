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
            name='AgencyRequest',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('center', fields.ForeignKeyField('core.Center', source_field='center_id', db_constraint=True, to_field='id', related_name='enterprise_zone_agency', on_delete=OnDelete.CASCADE)),
                ('applicant', fields.ForeignKeyField('core.User', source_field='applicant_id', db_constraint=True, to_field='id', related_name='enterprise_zone_agency', on_delete=OnDelete.RESTRICT)),
                ('item_code', fields.CharField(max_length=64)),
                ('item_name', fields.CharField(default='', max_length=256)),
                ('contact_mobile', fields.CharField(max_length=32)),
                ('note', fields.TextField(default='', unique=False)),
                ('status', fields.CharField(default='pending', description='pending, assigned, filed or cancelled', max_length=16)),
                ('agent', fields.ForeignKeyField('core.User', source_field='agent_id', null=True, db_constraint=True, to_field='id', related_name='enterprise_zone_agency_assigned', on_delete=OnDelete.RESTRICT)),
                ('assigned_by', fields.ForeignKeyField('core.User', source_field='assigned_by_id', null=True, db_constraint=True, to_field='id', related_name='enterprise_zone_agency_assigner', on_delete=OnDelete.RESTRICT)),
                ('assigned_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('case', fields.ForeignKeyField('core.Case', source_field='case_id', null=True, db_constraint=True, to_field='id', related_name='enterprise_zone_agency', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'enterprise_zone_agency_request', 'app': 'enterprise_zone', 'indexes': [Index(fields=['center_id', 'status'])], 'pk_attr': 'id', 'table_description': 'A request for the free agency service by an applicant, and the agent assigned to it.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Appointment',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('center', fields.ForeignKeyField('core.Center', source_field='center_id', db_constraint=True, to_field='id', related_name='enterprise_zone_appointments', on_delete=OnDelete.CASCADE)),
                ('user', fields.ForeignKeyField('core.User', source_field='user_id', db_constraint=True, to_field='id', related_name='enterprise_zone_appointments', on_delete=OnDelete.RESTRICT)),
                ('item_code', fields.CharField(max_length=64)),
                ('item_name', fields.CharField(default='', max_length=256)),
                ('day', fields.DateField()),
                ('period', fields.CharField(description='HH:MM-HH:MM', max_length=11)),
                ('delayed', fields.BooleanField(default=False, description='a delayed-hours slot outside office hours')),
                ('status', fields.CharField(default='booked', description='booked or cancelled', max_length=16)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'enterprise_zone_appointment', 'app': 'enterprise_zone', 'indexes': [Index(fields=['center_id', 'day'])], 'pk_attr': 'id', 'table_description': 'A booked visit: one user, one item, one period of one working day.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='AppointmentSlot',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('center', fields.ForeignKeyField('core.Center', source_field='center_id', db_constraint=True, to_field='id', related_name='enterprise_zone_slots', on_delete=OnDelete.CASCADE)),
                ('slot', fields.CharField(description='YYYY-MM-DD HH:MM-HH:MM', max_length=32)),
                ('booked', fields.IntField(default=0)),
            ],
            options={'table': 'enterprise_zone_appointment_slot', 'app': 'enterprise_zone', 'unique_together': (('center', 'slot'),), 'pk_attr': 'id', 'table_description': 'How many bookings one period of one day holds, raised only while below capacity.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='GiftPack',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('center', fields.ForeignKeyField('core.Center', source_field='center_id', db_constraint=True, to_field='id', related_name='enterprise_zone_gift_packs', on_delete=OnDelete.CASCADE)),
                ('case', fields.OneToOneField('core.Case', source_field='case_id', db_constraint=True, to_field='id', related_name='enterprise_zone_gift_pack', on_delete=OnDelete.RESTRICT)),
                ('enterprise_name', fields.CharField(default='', max_length=256)),
                ('contents', fields.JSONField(default=list, description='what the pack holds, one line each', encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('delivery', fields.CharField(default='', max_length=64)),
                ('mailing_address', fields.CharField(default='', max_length=256)),
                ('status', fields.CharField(default='waiting', description='waiting or handed_over', max_length=16)),
                ('receiver', fields.CharField(default='', max_length=64)),
                ('handed_over_by', fields.ForeignKeyField('core.User', source_field='handed_over_by_id', null=True, db_constraint=True, to_field='id', related_name='enterprise_zone_gift_packs', on_delete=OnDelete.RESTRICT)),
                ('handed_over_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'enterprise_zone_gift_pack', 'app': 'enterprise_zone', 'indexes': [Index(fields=['center_id', 'status'])], 'pk_attr': 'id', 'table_description': '开办大礼包: licence, seals, tax UKey and invoices of a newly opened company, for the pickup window.'},
            bases=['Model'],
        ),
    ]
