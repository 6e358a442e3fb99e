"""Trigram indexes for the clerk's search on ``gh_case``'s own columns (PostgreSQL with ``pg_trgm``;
nothing on SQLite). Where ``pg_trgm`` cannot be created the migration still applies (the search then
reads the cases as before) and logs why; ``govhall db upgrade`` tries again. Migration 0022
replaces these indexes with the search table (:mod:`core.plumbing.search_index`)."""

from tortoise import migrations
from tortoise.migrations import operations as ops


async def search_indexes(apps, schema_editor):
    from core.plumbing.search_index import install_case_column_indexes

    await install_case_column_indexes(schema_editor.client)


class Migration(migrations.Migration):
    dependencies = [('core', '0012_rating_channel')]

    initial = False

    operations = [
        ops.RunPython(search_indexes),
    ]
