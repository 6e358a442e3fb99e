"""Replacing and withdrawing attachments during a correction (补正): a material attached to a case
may now stop counting for it without being deleted. ``withdrawn_at`` (when), ``withdrawn_by`` (who)
and ``replaced_by`` (the file that took its place, empty for a withdrawal) are empty for every file
that exists: each still counts, as before."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('core', '0022_case_search_table')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Material',
            name='replaced_by',
            field=fields.ForeignKeyField('core.Material', source_field='replaced_by_id', null=True, description='the file that took its place (empty for a file withdrawn without one)', db_constraint=True, to_field='id', related_name='replaced', on_delete=OnDelete.RESTRICT),
        ),
        ops.AddField(
            model_name='Material',
            name='withdrawn_at',
            field=fields.DatetimeField(null=True, description='when it stopped counting for the case (replaced or withdrawn during a correction)', auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Material',
            name='withdrawn_by',
            field=fields.ForeignKeyField('core.User', source_field='withdrawn_by_id', null=True, description='who replaced or withdrew it', db_constraint=True, to_field='id', related_name='withdrawn_materials', on_delete=OnDelete.RESTRICT),
        ),
    ]
