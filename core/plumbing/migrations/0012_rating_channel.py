from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('core', '0011_complaints')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Rating',
            name='channel',
            field=fields.CharField(default='online', db_default='online', description="where it was given: online 网上, on_site 现场 (a window's rating tablet)", max_length=16),
        ),
    ]
