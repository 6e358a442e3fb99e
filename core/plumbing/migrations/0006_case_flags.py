"""``gh_case.green_channel`` becomes a plugin's flag: ``flags["green_channel"] = true``, set by the
green channel plugin through ``core.api.set_case_flag``. Cases already in the green channel keep it."""

import json

from tortoise import migrations
from tortoise.migrations import operations as ops


async def copy_green_channel_to_flags(apps, schema_editor):
    client = schema_editor.client
    postgres = client.capabilities.dialect == "postgres"
    rows = await client.execute_query_dict("SELECT id, flags FROM gh_case WHERE green_channel")
    update = "UPDATE gh_case SET flags = $1 WHERE id = $2" if postgres else "UPDATE gh_case SET flags = ? WHERE id = ?"
    for row in rows:
        flags = row["flags"]
        flags = json.loads(flags) if isinstance(flags, (str, bytes)) else dict(flags or {})
        flags["green_channel"] = True
        await client.execute_query(update, [json.dumps(flags, separators=(",", ":")), row["id"]])


class Migration(migrations.Migration):
    dependencies = [('core', '0005_material_receipts')]

    initial = False

    operations = [
        ops.RunPython(copy_green_channel_to_flags),
        ops.RemoveField(model_name='Case', name='green_channel'),
    ]
