"""Counter receipts (柜台收件), materials' catalogue codes (材料共享 by what a material is) and
random public material ids (existing rows get one each)."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from core.plumbing.models import new_public_id
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index


class AddColumnSQL(ops.AddField):
    """AddField whose column is added by the given statements: Tortoise's own ADD COLUMN leaves out
    a constant default (a NOT NULL column then fails on a table with rows) and SQLite cannot add a
    UNIQUE column. The migration state is AddField's."""

    def __init__(self, model_name: str, name: str, field, statements: list[str]) -> None:
        super().__init__(model_name, name, field)
        self.statements = statements

    async def database_forward(self, app_label, old_state, new_state, state_editor=None) -> None:
        if not state_editor:
            return
        for statement in self.statements:
            await state_editor.client.execute_script(statement)


async def give_public_ids(apps, schema_editor) -> None:
    """Every material stored before this migration gets its own random public id."""
    conn = schema_editor.client
    _, rows = await conn.execute_query('SELECT "id" FROM "material" WHERE "public_id" IS NULL')
    for row in rows:
        public_id = new_public_id()  # URL-safe base64 only: safe to write into the statement
        await conn.execute_script(f"UPDATE \"material\" SET \"public_id\" = '{public_id}' WHERE \"id\" = {int(row['id'])}")


class Migration(migrations.Migration):
    dependencies = [('core', '0004_security')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ReceivedMaterial',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('case', fields.ForeignKeyField('core.Case', source_field='case_id', db_constraint=True, to_field='id', related_name='received_materials', on_delete=OnDelete.RESTRICT)),
                ('code', fields.CharField(description="the item's material code (slot)", max_length=64)),
                ('catalogue', fields.CharField(default='', max_length=64)),
                ('name', fields.CharField(max_length=256)),
                ('form', fields.CharField(description='original | copy', max_length=16)),
                ('count', fields.IntField()),
                ('received_by', fields.ForeignKeyField('core.User', source_field='received_by_id', null=True, db_constraint=True, to_field='id', related_name='received_materials', on_delete=OnDelete.RESTRICT)),
                ('received_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'received_material', 'app': 'core', 'indexes': [Index(fields=['case_id'])], 'pk_attr': 'id', 'table_description': '柜台收件: a paper material the front desk received at acceptance (which material, original or'},
            bases=['Model'],
        ),
        AddColumnSQL(
            model_name='Material',
            name='catalogue',
            field=fields.CharField(default='', description='what the material is, shared across items (e.g. yyzz 营业执照)', max_length=64),
            statements=['ALTER TABLE "material" ADD COLUMN "catalogue" VARCHAR(64) NOT NULL DEFAULT \'\''],
        ),
        AddColumnSQL(
            model_name='Material',
            name='public_id',
            field=fields.CharField(default=new_public_id, unique=True, null=True, description='the id clients see in GraphQL and URLs (random)', max_length=32),
            statements=['ALTER TABLE "material" ADD COLUMN "public_id" VARCHAR(32)'],
        ),
        ops.RunPython(give_public_ids, ops.RunPython.noop),
        ops.RunSQL('CREATE UNIQUE INDEX "uid_material_public_id" ON "material" ("public_id")',
                   'DROP INDEX "uid_material_public_id"'),
    ]
