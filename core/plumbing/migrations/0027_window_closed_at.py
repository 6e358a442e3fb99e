"""When a window was closed (撤销, ``closed_at``): a window a reorganisation removed is not deleted,
since cases, staff records, hall queues and the assessment keep naming it; closed, it is no longer
offered for new work. The windows that exist get null: they are open."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('core', '0026_department_created_at')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Window',
            name='closed_at',
            field=fields.DatetimeField(null=True, description='when it was closed (撤销) on 中心管理, null while it is open'),
        ),
    ]
