from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('assessment', '0001_initial'), ('core', '0007_decisions')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Publication',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('center', fields.ForeignKeyField('core.Center', source_field='center_id', db_constraint=True, to_field='id', related_name='assessment_publications', on_delete=OnDelete.CASCADE)),
                ('subject_kind', fields.CharField(description='window, staff or department', max_length=16)),
                ('period', fields.CharField(max_length=8)),
                ('rule_set', fields.CharField(max_length=64)),
                ('rows', fields.JSONField(description='[{rank, code, name, total, grade}] as published', encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('days', fields.IntField(description='公示 working days (at least 3)')),
                ('starts_on', fields.DateField()),
                ('ends_on', fields.DateField()),
                ('published_by', fields.ForeignKeyField('core.User', source_field='published_by_id', db_constraint=True, to_field='id', related_name='assessment_publications', on_delete=OnDelete.RESTRICT)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'assessment_publication', 'app': 'assessment', 'unique_together': (('center_id', 'subject_kind', 'period'),), 'pk_attr': 'id', 'table_description': 'A ranking posted for publicity (公示): its rows as published, and the working days it stays up.'},
            bases=['Model'],
        ),
    ]
