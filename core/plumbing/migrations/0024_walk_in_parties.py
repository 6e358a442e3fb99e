"""Walk-in parties (现场申请人) are the core's: every center's front desk registers someone without an
online account (``registerWalkInParty``) and files for them, with or without the hall floor plugin.
The table is new; migration ``hall_floor.0006_walk_in_parties_to_core`` moves the parties the hall
floor registered before into it."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('core', '0023_material_withdrawals')]

    initial = False

    operations = [
        ops.CreateModel(
            name='WalkInParty',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('center', fields.ForeignKeyField('core.Center', source_field='center_id', db_constraint=True, to_field='id', related_name='walk_in_parties', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharField(description='person or enterprise', max_length=16)),
                ('id_number', fields.CharField(description='resident ID or USCC, upper case', max_length=32)),
                ('name', fields.CharField(max_length=256)),
                ('contact_name', fields.CharField(default='', description="an enterprise's 经办联系人", max_length=64)),
                ('mobile', fields.CharField(max_length=32)),
                ('account', fields.ForeignKeyField('core.User', source_field='account_id', db_constraint=True, to_field='id', related_name='walk_in_parties', on_delete=OnDelete.RESTRICT)),
                ('registered_by', fields.ForeignKeyField('core.User', source_field='registered_by_id', db_constraint=True, to_field='id', related_name='walk_ins_registered', on_delete=OnDelete.RESTRICT)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'walk_in_party', 'app': 'core', 'unique_together': (('center', 'id_number'),), 'pk_attr': 'id', 'table_description': '现场申请人: a person (resident ID) or an enterprise (USCC) registered at the window, and its account.'},
            bases=['Model'],
        ),
    ]
