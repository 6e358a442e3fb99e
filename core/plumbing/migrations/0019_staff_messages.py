"""An index on a notification's recipient (and center): a member of staff's internal messages (催办,
督办, 督办反馈) are listed by it, among every SMS the center has sent."""

from tortoise import migrations
from tortoise.indexes import Index
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [('core', '0018_refusals_delivered')]

    initial = False

    operations = [
        ops.AddIndex(
            model_name='Notification',
            index=Index(fields=['recipient', 'center_id']),
        ),
    ]
