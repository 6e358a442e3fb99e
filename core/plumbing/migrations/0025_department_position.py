"""A department's place in its center's order (``position``): lists, statistics and supervision show
the departments in it, and loading the center file again puts them in the file's order. The
departments that exist get 0: ties go by id, the order they were added in, which is the order
they were shown in before the upgrade, until the center file is loaded again."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('core', '0024_walk_in_parties')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Department',
            name='position',
            field=fields.IntField(default=0, description="its place in the center's order (the center file's, then those added on screen), ties by id", db_default=0),
        ),
    ]
