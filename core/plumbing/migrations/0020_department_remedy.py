"""A department's own remedy authorities (救济途径): the 行政复议机关 and the 人民法院 its refusal
decisions and return notices name, for a vertically managed department (税务: 上一级税务机关) whose
reconsideration does not go where the center's does. Empty for every department that exists: they
keep the center's ``settings.remedy``, else the generic text, as before. The columns carry a database
default (``db_default``): a NOT NULL column can only be added to a table with rows that way."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('core', '0019_staff_messages')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Department',
            name='court',
            field=fields.CharField(default='', description='人民法院 for 行政诉讼 its refusals and returns name (empty: the center setting, else the generic text)', db_default='', max_length=64),
        ),
        ops.AddField(
            model_name='Department',
            name='reconsideration',
            field=fields.CharField(default='', description='行政复议机关 its refusals and returns name (empty: the center setting, else the generic text)', db_default='', max_length=64),
        ),
    ]
