"""A document keeps who issued it (出具单位) as printed under its seal: the verification page reads it
as printed, whatever the departments are called later, and tells apart the refusals of a partly
granted joint case, each in its own department's name. Documents issued before have it empty; the
page then works out the issuer from the case, as it did."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('core', '0028_claim_codes')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Document',
            name='issuer',
            field=fields.CharField(max_length=128, default='', db_default='',
                                   description='出具单位 as printed under the seal when issued (empty: issued before it was kept)'),
        ),
    ]
