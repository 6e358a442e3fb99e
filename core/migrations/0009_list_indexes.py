"""Indexes for the work queues (urgent first, then by id, per filter) and the statistics summary
``case_day_stat`` with the triggers that keep it, backfilled from the cases."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from tortoise.indexes import Index



async def summary_triggers_and_backfill(apps, schema_editor):
    from core.stats_summary import install_triggers, rebuild

    await install_triggers(schema_editor.client)
    await rebuild(schema_editor.client)


class Migration(migrations.Migration):
    dependencies = [('core', '0007_decisions')]

    initial = False

    operations = [
        ops.CreateModel(
            name='CaseDayStat',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('center_id', fields.IntField()),
                ('department_id', fields.IntField(default=0)),
                ('day', fields.DateField()),
                ('accepted', fields.IntField(default=0)),
                ('completed', fields.IntField(default=0)),
                ('promised_sum', fields.BigIntField(default=0)),
                ('actual_sum', fields.BigIntField(default=0)),
                ('on_time', fields.IntField(default=0)),
            ],
            options={'table': 'case_day_stat', 'app': 'core', 'unique_together': (('center_id', 'department_id', 'day'),), 'indexes': [Index(fields=['center_id', 'day'])], 'pk_attr': 'id', 'table_description': 'The year-end figures of one center, department (0: none) and day: cases accepted that day,'},
            bases=['Model'],
        ),
        ops.RemoveIndex(
            model_name='Case',
            name=None,
            fields=['center_id', 'state', 'id'],
        ),
        ops.RemoveIndex(
            model_name='Case',
            name=None,
            fields=['center_id', 'alert'],
        ),
        ops.RemoveIndex(
            model_name='Case',
            name=None,
            fields=['department_id', 'id'],
        ),
        ops.AlterField(
            model_name='Case',
            name='alert',
            field=fields.CharField(default='NONE', max_length=8),
        ),
        ops.AlterField(
            model_name='Case',
            name='state',
            field=fields.CharField(max_length=32),
        ),
        ops.AddIndex(
            model_name='Case',
            index=Index(fields=['center_id', 'urgent', 'id']),
        ),
        ops.AddIndex(
            model_name='Case',
            index=Index(fields=['center_id', 'state', 'urgent', 'id']),
        ),
        ops.AddIndex(
            model_name='Case',
            index=Index(fields=['center_id', 'alert', 'urgent', 'id']),
        ),
        ops.AddIndex(
            model_name='Case',
            index=Index(fields=['department_id', 'urgent', 'id']),
        ),
        ops.AddIndex(
            model_name='Case',
            index=Index(fields=['responsible_id', 'urgent', 'id']),
        ),
        ops.RunPython(summary_triggers_and_backfill),
    ]
