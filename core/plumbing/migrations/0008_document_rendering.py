from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('core', '0007_decisions')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Document',
            name='attempts',
            field=fields.SmallIntField(default=0, db_default=0),
        ),
        ops.AddField(
            model_name='Document',
            name='claimed_until',
            field=fields.DatetimeField(null=True, description='a renderer holds the render until then', auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Document',
            name='last_error',
            field=fields.TextField(default='', db_default='', unique=False),
        ),
        ops.AddField(
            model_name='Document',
            name='next_attempt_at',
            field=fields.DatetimeField(null=True, description='a pending render is not claimed before', auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Document',
            name='progress',
            field=fields.SmallIntField(default=100, db_default=100, description='percent of the render done'),
        ),
        ops.AddField(
            model_name='Document',
            name='render_context',
            field=fields.TextField(null=True, description='frozen template context (JSON) until rendered', unique=False),
        ),
        ops.AddField(
            model_name='Document',
            name='rendered_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Document',
            name='state',
            field=fields.CharField(default='ready', db_default='ready', description='pending, ready or failed', max_length=16),
        ),
        ops.AddIndex(
            model_name='Document',
            index=Index(fields=['state', 'next_attempt_at']),
        ),
    ]

