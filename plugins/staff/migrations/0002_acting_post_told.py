"""A leave request remembers which post was last told that it decides the waiting step in place of
the step's vacant own post (``acting_post_told``), so the sweep tells each change once. Requests
already waiting start untold (NULL): the first sweep tells those whose post is vacant now."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [('staff', '0001_initial')]

    initial = False

    operations = [
        ops.AddField(
            model_name='LeaveRequest',
            name='acting_post_told',
            field=fields.CharField(null=True, description='the post deciding the current step for its vacant own post, once told (none: not told, or not vacant)', max_length=16),
        ),
    ]
