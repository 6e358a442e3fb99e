"""Walk-in parties move to the core (``core.0024_walk_in_parties``): every center's front desk
registers them now, with or without the hall floor. Each party of ``hall_floor_walk_in_party`` is
copied into ``walk_in_party`` with its account, contact, clerk and date (one the core already has,
same center and number, stays as the core has it); the claim codes sent to its mobile then refer to
the copy; the plugin's table is dropped. The parties' accounts, and so the cases filed for them,
do not change."""

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

COPY = """INSERT INTO walk_in_party (center_id, kind, id_number, name, contact_name, mobile, account_id, registered_by_id, created_at)
SELECT p.center_id, p.kind, p.id_number, p.name, p.contact_name, p.mobile, p.account_id, p.registered_by_id, p.created_at
FROM hall_floor_walk_in_party p
WHERE NOT EXISTS (SELECT 1 FROM walk_in_party w WHERE w.center_id = p.center_id AND w.id_number = p.id_number)
ORDER BY p.id"""

REPOINT = """UPDATE hall_floor_claim_code SET party_id = (
SELECT w.id FROM walk_in_party w JOIN hall_floor_walk_in_party p ON w.center_id = p.center_id AND w.id_number = p.id_number
WHERE p.id = hall_floor_claim_code.party_id)"""

PARTY_KEY = """SELECT c.conname AS name FROM pg_constraint c
WHERE c.conrelid = 'hall_floor_claim_code'::regclass AND c.confrelid = 'hall_floor_walk_in_party'::regclass AND c.contype = 'f'"""


async def copy_parties(apps, state_editor) -> None:
    await state_editor.client.execute_query(COPY)


class ClaimCodesToCoreParties(ops.AlterField):
    """``ClaimCode.party`` refers to ``core.WalkInParty``: each code's party id becomes its party's
    copy. On PostgreSQL the foreign key is dropped, the ids changed and the key added again (named
    as a new table's is); on SQLite (foreign keys unenforced while migrating) the ids are changed
    and the table made again with the new reference, as Tortoise's AlterField does there, and its
    index on (party, case), which that leaves behind, made again."""

    async def database_forward(self, app_label, old_state, new_state, state_editor=None) -> None:
        conn = state_editor.client
        if conn.capabilities.dialect != "postgres":
            await conn.execute_query(REPOINT)
            await super().database_forward(app_label, old_state, new_state, state_editor)
            model = new_state.apps.get_model(f"{app_label}.{self.model_name}")
            await state_editor.add_index(model, Index(fields=("party_id", "case_id")))
            return
        for row in await conn.execute_query_dict(PARTY_KEY):
            await conn.execute_query(f'ALTER TABLE "hall_floor_claim_code" DROP CONSTRAINT "{row["name"]}"')
        await conn.execute_query(REPOINT)
        await conn.execute_query('ALTER TABLE "hall_floor_claim_code" ADD FOREIGN KEY ("party_id")'
                                  ' REFERENCES "walk_in_party" ("id") ON DELETE CASCADE')


class Migration(migrations.Migration):
    dependencies = [('core', '0024_walk_in_parties'), ('hall_floor', '0005_party_account_names')]

    initial = False

    operations = [
        ops.RunPython(copy_parties),
        ClaimCodesToCoreParties(
            model_name='ClaimCode',
            name='party',
            field=fields.ForeignKeyField('core.WalkInParty', source_field='party_id', db_constraint=True, to_field='id', related_name='hall_floor_claim_codes', on_delete=OnDelete.CASCADE),
        ),
        ops.DeleteModel(name='WalkInParty'),
    ]
