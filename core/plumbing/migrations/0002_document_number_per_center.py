from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from tortoise.indexes import Index
from tortoise.migrations.constraints import UniqueConstraint

class Migration(migrations.Migration):
    dependencies = [('core', '0001_initial')]

    initial = False

    operations = [
        ops.AlterField(
            model_name='Document',
            name='number',
            field=fields.CharField(max_length=64),
        ),
        ops.AddConstraint(
            model_name='Document',
            constraint=UniqueConstraint(fields=('center', 'number'), name=None),
        ),
        ops.AddIndex(
            model_name='ItemVersion',
            index=Index(fields=['center_id', 'code', 'version']),
        ),
    ]
