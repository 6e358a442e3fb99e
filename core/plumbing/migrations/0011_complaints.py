from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

# Complaints answered before this migration were answered and decided in one step.
class Migration(migrations.Migration):
    dependencies = [('core', '0010_outbox')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ComplaintStep',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('complaint', fields.ForeignKeyField('core.Complaint', source_field='complaint_id', db_constraint=True, to_field='id', related_name='steps', on_delete=OnDelete.CASCADE)),
                ('actor', fields.ForeignKeyField('core.User', source_field='actor_id', null=True, db_constraint=True, to_field='id', related_name='complaint_steps', on_delete=OnDelete.SET_NULL)),
                ('action', fields.CharField(max_length=16)),
                ('text', fields.TextField(default='', unique=False)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'complaint_step', 'app': 'core', 'pk_attr': 'id', 'table_description': "跟踪处理记录: one step in a complaint's handling (filed, assigned, escalated, replied, note, verified)."},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Complaint',
            name='assignee',
            field=fields.ForeignKeyField('core.User', source_field='assignee_id', null=True, db_constraint=True, to_field='id', related_name='complaints_assigned', on_delete=OnDelete.SET_NULL),
        ),
        ops.AddField(
            model_name='Complaint',
            name='complainant',
            field=fields.CharField(default='', db_default='', description='投诉人及联系方式', max_length=64),
        ),
        ops.AddField(
            model_name='Complaint',
            name='consequence',
            field=fields.CharField(default='', db_default='', description='notice (通报) or removal (下岗)', max_length=16),
        ),
        ops.AddField(
            model_name='Complaint',
            name='due_on',
            field=fields.DateField(null=True, description='答复期限 (working days after filing)'),
        ),
        ops.AddField(
            model_name='Complaint',
            name='escalated_at',
            field=fields.DatetimeField(null=True, description='上报主任室', auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Complaint',
            name='received_by',
            field=fields.ForeignKeyField('core.User', source_field='received_by_id', null=True, db_constraint=True, to_field='id', related_name='complaints_received', on_delete=OnDelete.SET_NULL),
        ),
        ops.AddField(
            model_name='Complaint',
            name='replied_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Complaint',
            name='verified_at',
            field=fields.DatetimeField(null=True, description='属实/不属实 decided (final)', auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Complaint',
            name='verified_by',
            field=fields.ForeignKeyField('core.User', source_field='verified_by_id', null=True, db_constraint=True, to_field='id', related_name='complaints_verified', on_delete=OnDelete.SET_NULL),
        ),
        ops.RunSQL(
            "UPDATE complaint SET replied_at = created_at, verified_at = created_at WHERE reply <> ''",
            "SELECT 1",
        ),
    ]
