"""When a department was added (``created_at``): the assessment scores a department only for the
quarters that ended after it began (a department set up in July is not given a score for the first
half of the year). The departments that exist get null: they are taken to have been there since
their center began, as they were assessed before the upgrade."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('core', '0025_department_position')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Department',
            name='created_at',
            field=fields.DatetimeField(null=True, description='when it was added after its center began (on 中心管理 or by a later center file), null for those that came with it'),
        ),
    ]
