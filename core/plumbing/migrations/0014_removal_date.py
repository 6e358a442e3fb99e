from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('core', '0013_search_indexes')]

    initial = False

    operations = [
        ops.AlterField(
            model_name='Complaint',
            name='consequence',
            field=fields.CharField(default='', db_default='', description='notice (通报) or removal (下岗), then removed or retained once decided', max_length=16),
        ),
        ops.AddField(
            model_name='Complaint',
            name='removal_on',
            field=fields.DateField(null=True, description='下岗 takes effect on this day (a removal decided as removed)'),
        ),
    ]
