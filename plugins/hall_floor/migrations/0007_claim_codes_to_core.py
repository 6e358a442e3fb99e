"""Claim codes move to the core (``core.0028_claim_codes``): every center lets a walk-in party's
case be claimed online now, with or without the hall floor. Each code of ``hall_floor_claim_code``
is copied into ``claim_code`` with its party, case, hash, expiry, attempts, use and claimant, so a
code sent before the upgrade still works (and still counts its wrong attempts and the codes sent
within the hour); the plugin's table is dropped."""

from tortoise import migrations
from tortoise.migrations import operations as ops

COPY = """INSERT INTO claim_code (party_id, case_id, code_hash, expires_at, attempts, used_at, claimed_by_id, created_at)
SELECT party_id, case_id, code_hash, expires_at, attempts, used_at, claimed_by_id, created_at
FROM hall_floor_claim_code ORDER BY id"""


async def copy_codes(apps, state_editor) -> None:
    await state_editor.client.execute_query(COPY)


class Migration(migrations.Migration):
    dependencies = [('core', '0028_claim_codes'), ('hall_floor', '0006_walk_in_parties_to_core')]

    initial = False

    operations = [
        ops.RunPython(copy_codes),
        ops.DeleteModel(name='ClaimCode'),
    ]
