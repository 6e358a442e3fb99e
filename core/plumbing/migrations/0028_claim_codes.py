"""Claim codes (认领) are the core's: in every center a logged-in person claims online a case filed at
the window for a walk-in party (``sendClaimCode``, ``claimCase``), with or without the hall floor
plugin. The table is new; migration ``hall_floor.0007_claim_codes_to_core`` moves the codes the hall
floor sent before into it."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise.indexes import Index
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('core', '0027_window_closed_at')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ClaimCode',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('party', fields.ForeignKeyField('core.WalkInParty', source_field='party_id', db_constraint=True, to_field='id', related_name='claim_codes', on_delete=OnDelete.CASCADE)),
                ('case', fields.ForeignKeyField('core.Case', source_field='case_id', db_constraint=True, to_field='id', related_name='claim_codes', on_delete=OnDelete.CASCADE)),
                ('code_hash', fields.CharField(description='sha256 of the code', max_length=64)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('attempts', fields.IntField(default=0, description='wrong codes typed')),
                ('used_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('claimed_by', fields.ForeignKeyField('core.User', source_field='claimed_by_id', null=True, db_constraint=True, to_field='id', related_name='claims', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'claim_code', 'app': 'core', 'indexes': [Index(fields=['party_id', 'case_id'])], 'pk_attr': 'id', 'table_description': '认领: SMS codes that let a walk-in party claim a case filed for it online.'},
            bases=['Model'],
        ),
    ]
