from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('core', '0006_case_flags')]

    initial = False

    operations = [
        ops.AddField(
            model_name='CaseTask',
            name='basis',
            field=fields.TextField(default='', db_default='', description='legal basis of a refusal (不予通过的法律依据)', unique=False),
        ),
        ops.AddField(
            model_name='Department',
            name='abbreviation',
            field=fields.CharField(default='', db_default='', description='文号 prefix of its decisions, e.g. 连市监审', max_length=16),
        ),
        ops.AddField(
            model_name='Department',
            name='seal_name',
            field=fields.CharField(default='', db_default='', description='caption of its seal, by default the name followed by 审批专用章', max_length=128),
        ),
        ops.AddField(
            model_name='Pause',
            name='kinds',
            field=fields.JSONField(null=True, description='timer kinds it stops, null for every timer', encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
    ]
