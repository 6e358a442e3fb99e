"""Triggers that notify every app process when what a sign-in depends on changes (PostgreSQL;
nothing on SQLite): see :mod:`core.plumbing.auth_changes`."""

from tortoise import migrations
from tortoise.migrations import operations as ops


async def auth_change_triggers(apps, schema_editor):
    from core.plumbing.auth_changes import install

    await install(schema_editor.client)


class Migration(migrations.Migration):
    dependencies = [('core', '0014_removal_date')]

    initial = False

    operations = [
        ops.RunPython(auth_change_triggers),
    ]
