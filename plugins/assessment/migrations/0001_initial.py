from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('core', '0001_initial'), ('core', '0002_document_number_per_center')]

    initial = True

    operations = [
        ops.CreateModel(
            name='ManualScore',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('center', fields.ForeignKeyField('core.Center', source_field='center_id', db_constraint=True, to_field='id', related_name='assessment_manual_scores', on_delete=OnDelete.CASCADE)),
                ('subject_kind', fields.CharField(description='window, staff or department', max_length=16)),
                ('subject_id', fields.IntField(description='id of the window, user or department')),
                ('period', fields.CharField(description='2026-11, 2026-Q3 or 2026', max_length=8)),
                ('rule_set', fields.CharField(max_length=64)),
                ('category', fields.CharField(max_length=32)),
                ('rule', fields.CharField(default='', description='code of the rule entered against, if any', max_length=48)),
                ('label', fields.CharField(default='', max_length=128)),
                ('count', fields.IntField(default=1)),
                ('points', fields.FloatField(description='signed total: negative deducts, positive adds')),
                ('reason', fields.TextField(unique=False)),
                ('entered_by', fields.ForeignKeyField('core.User', source_field='entered_by_id', db_constraint=True, to_field='id', related_name='assessment_manual_scores', on_delete=OnDelete.RESTRICT)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'assessment_manual_score', 'app': 'assessment', 'indexes': [Index(fields=['center_id', 'subject_kind', 'period'])], 'pk_attr': 'id', 'table_description': 'One entry: signed points (negative deducts) in one category of one subject and period.'},
            bases=['Model'],
        ),
    ]
