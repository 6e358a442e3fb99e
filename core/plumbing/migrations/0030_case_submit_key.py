"""The key a form sends with its submission (``submitKey``): a phone that lost the answer to its
submission sends the same form again with the same key and gets the case already filed, not a second
one. The cases that exist get null: they were filed without one."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('core', '0029_document_issuer')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Case',
            name='submit_key',
            field=fields.CharField(null=True, unique=True, description="the submitter's id and the key its form sent (submitCase's submitKey): the same form sent again after a lost answer finds this case", max_length=80),
        ),
    ]
