from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('core', '0001_initial'), ('core', '0002_document_number_per_center')]

    initial = False

    operations = [
        ops.AddIndex(
            model_name='Case',
            index=Index(fields=['agent_id', 'id']),
        ),
        ops.AddIndex(
            model_name='Case',
            index=Index(fields=['center_id', 'completed_on']),
        ),
        ops.AddIndex(
            model_name='Case',
            index=Index(fields=['center_id', 'promised_due']),
        ),
        ops.AddIndex(
            model_name='Case',
            index=Index(fields=['department_id', 'id']),
        ),
        ops.AddIndex(
            model_name='Document',
            index=Index(fields=['case_id']),
        ),
        ops.AddIndex(
            model_name='Material',
            index=Index(fields=['case_id']),
        ),
        ops.AddIndex(
            model_name='Material',
            index=Index(fields=['owner_id', 'id']),
        ),
        ops.AddIndex(
            model_name='Notification',
            index=Index(fields=['case_id']),
        ),
        ops.AddIndex(
            model_name='Pause',
            index=Index(fields=['case_id', 'id']),
        ),
        ops.AddIndex(
            model_name='Rating',
            index=Index(fields=['at']),
        ),
        ops.AddIndex(
            model_name='Timer',
            index=Index(fields=['case_id', 'id']),
        ),
    ]
