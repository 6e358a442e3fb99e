from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from core.plumbing.outbox_models import new_event_id
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('core', '0009_list_indexes')]

    initial = False

    operations = [
        ops.CreateModel(
            name='OutboxEvent',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('event_id', fields.CharField(default=new_event_id, unique=True, description='stable id sent as the idempotency key', max_length=36)),
                ('center', fields.ForeignKeyField('core.Center', source_field='center_id', null=True, db_constraint=True, to_field='id', related_name='outbox_events', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharField(description='case.submitted, alert.raised, rating.submitted...', max_length=64)),
                ('subject', fields.CharField(default='', description='what it is about: a case number...', max_length=64)),
                ('payload', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('state', fields.CharField(default='pending', description='pending|delivering|failed|delivered|dead', max_length=16)),
                ('attempts', fields.IntField(default=0, description='claims so far')),
                ('next_attempt_at', fields.DatetimeField(description='not claimed before this time', auto_now=False, auto_now_add=False)),
                ('lease_until', fields.DatetimeField(null=True, description='a delivering claim expires then', auto_now=False, auto_now_add=False)),
                ('claim', fields.CharField(default='', description='token of the current claim', max_length=36)),
                ('done_targets', fields.JSONField(default=list, description='targets that acknowledged it', encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('last_error', fields.TextField(default='', unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('delivered_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'outbox_event', 'app': 'core', 'indexes': [Index(fields=['state', 'next_attempt_at']), Index(fields=['subject', 'kind'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='OutboxAttempt',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('event', fields.ForeignKeyField('core.OutboxEvent', source_field='event_id', db_constraint=True, to_field='id', related_name='attempt_rows', on_delete=OnDelete.CASCADE)),
                ('number', fields.IntField(description="the event's claim number")),
                ('target', fields.CharField(default='', max_length=64)),
                ('ok', fields.BooleanField(default=False)),
                ('error', fields.TextField(default='', unique=False)),
                ('worker', fields.CharField(default='', max_length=64)),
                ('started_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('finished_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'outbox_attempt', 'app': 'core', 'indexes': [Index(fields=['event_id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
