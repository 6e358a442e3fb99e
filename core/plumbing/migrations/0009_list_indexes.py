"""Indexes for the work queues (urgent first, then by id, per filter) and the statistics summary
``case_day_stat`` with the triggers that keep it, backfilled from the cases."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from tortoise.exceptions import OperationalError
from tortoise.indexes import Index



class RemoveIndexIfPresent(ops.RemoveIndex):
    """On SQLite, 0006 rebuilt ``gh_case`` without its indexes: an index to drop may be gone."""

    async def database_forward(self, app_label, old_state, new_state, state_editor=None):
        try:
            await super().database_forward(app_label, old_state, new_state, state_editor)
        except OperationalError:
            pass


async def restore_case_indexes(apps, schema_editor):
    """Every index ``gh_case`` declares, created where missing (SQLite databases that went through
    0006 lost them all)."""
    from core.plumbing.models import Case

    client = schema_editor.client
    generator = client.schema_generator(client)
    for sql in generator._get_table_sql(Case, safe=True)["table_creation_string"].split(";"):
        if sql.strip().upper().startswith("CREATE INDEX"):
            await client.execute_query(sql.strip())


async def summary_triggers_and_backfill(apps, schema_editor):
    from core.plumbing.stats_summary import FIRST, install_triggers, rebuild

    # the summary's columns of this migration: later ones are added (and their triggers installed) by theirs
    await install_triggers(schema_editor.client, FIRST)
    await rebuild(schema_editor.client, FIRST)


class Migration(migrations.Migration):
    dependencies = [('core', '0008_document_rendering')]

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
        RemoveIndexIfPresent(
            model_name='Case',
            name=None,
            fields=['center_id', 'state', 'id'],
        ),
        RemoveIndexIfPresent(
            model_name='Case',
            name=None,
            fields=['center_id', 'alert'],
        ),
        RemoveIndexIfPresent(
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
        ops.RunPython(restore_case_indexes),
        ops.RunPython(summary_triggers_and_backfill),
    ]
