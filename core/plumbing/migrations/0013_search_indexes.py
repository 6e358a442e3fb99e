"""Trigram indexes for the clerk's search (PostgreSQL with ``pg_trgm``; nothing on SQLite): see
:mod:`core.plumbing.search_index`. Where ``pg_trgm`` cannot be created the migration still applies
(the search then reads the cases as before) and logs why; ``govhall db upgrade`` tries again."""

from tortoise import migrations
from tortoise.migrations import operations as ops


async def search_indexes(apps, schema_editor):
    from core.plumbing.search_index import install_search_indexes

    await install_search_indexes(schema_editor.client)


class Migration(migrations.Migration):
    dependencies = [('core', '0012_rating_channel')]

    initial = False

    operations = [
        ops.RunPython(search_indexes),
    ]
