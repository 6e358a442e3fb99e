"""The clerk's search moves to a table of its own (PostgreSQL with ``pg_trgm``; nothing on SQLite):
``gh_case_search``, kept by triggers on ``gh_case``, with the trigram indexes migration 0013 put on
``gh_case`` itself, which are dropped. Every transition wrote those indexes again; the table is
written only when a case's number, applicant's name or application changes. See
:mod:`core.plumbing.search_index`. Where ``pg_trgm`` cannot be created the migration still applies
and logs why; ``govhall db upgrade`` tries again."""

from tortoise import migrations
from tortoise.migrations import operations as ops


async def search_table(apps, schema_editor):
    from core.plumbing.search_index import install_search_indexes

    await install_search_indexes(schema_editor.client)


class Migration(migrations.Migration):
    dependencies = [('core', '0021_legal_speed_up')]

    initial = False

    operations = [
        ops.RunPython(search_table),
    ]
