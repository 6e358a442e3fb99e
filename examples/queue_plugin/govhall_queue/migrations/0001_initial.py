from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [('core', '0001_initial')]

    initial = True

    operations = [
        ops.CreateModel(
            name='Ticket',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('center', fields.ForeignKeyField('core.Center', source_field='center_id', db_constraint=True, to_field='id', related_name='queue_tickets', on_delete=OnDelete.RESTRICT)),
                ('day', fields.DateField()),
                ('number', fields.IntField()),
                ('case', fields.ForeignKeyField('core.Case', source_field='case_id', null=True, db_constraint=True, to_field='id', related_name='queue_tickets', on_delete=OnDelete.RESTRICT)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'queue_ticket', 'app': 'queue', 'unique_together': (('center', 'day', 'number'),), 'pk_attr': 'id', 'table_description': 'One ticket: numbered per center and day (A001, A002…), for a visitor or a submitted case.'},
            bases=['Model'],
        ),
    ]
