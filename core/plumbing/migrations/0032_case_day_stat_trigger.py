"""The statistics summary's triggers, reinstalled: on PostgreSQL one trigger function reads the
case's old and new values where they are (its helper ``case_day_stat_add``, which received the
whole case row, is dropped), and on both databases an update that leaves a case's accepted count
in its summary row (a completion, a changed promise) no longer takes it away and adds it back.
The summary's figures are unchanged."""

from tortoise import migrations
from tortoise.migrations import operations as ops


async def reinstall(apps, schema_editor):
    from core.plumbing.stats_summary import CURRENT, install_triggers

    await install_triggers(schema_editor.client, CURRENT)


class Migration(migrations.Migration):
    dependencies = [('core', '0031_open_case_probe_index')]

    initial = False

    operations = [
        ops.RunPython(reinstall),
    ]
