"""Walk-in parties' account names without their identity numbers: an account made at the window was
named ``party-<center>-<ID number or USCC>``, and the name goes into addresses (the apply page's
``?for=``) and logs. Such accounts get ``party-<center>-<12 random hex digits>``, as new ones do; an
account named otherwise is left as it is. Nothing refers to a party's account by its name."""

import secrets

from tortoise import migrations
from tortoise.migrations import operations as ops

PARTIES = """SELECT u.id AS id, u.username AS username, p.center_id AS center_id, p.id_number AS id_number
FROM hall_floor_walk_in_party p JOIN user_account u ON u.id = p.account_id"""


async def rename_party_accounts(apps, state_editor) -> None:
    conn = state_editor.client
    rename = ("UPDATE user_account SET username = $1 WHERE id = $2" if conn.capabilities.dialect == "postgres"
              else "UPDATE user_account SET username = ? WHERE id = ?")
    for row in await conn.execute_query_dict(PARTIES):
        if str(row["username"]).lower() == f"party-{row['center_id']}-{str(row['id_number']).lower()}":
            await conn.execute_query(rename, [f"party-{row['center_id']}-{secrets.token_hex(6)}", row["id"]])


class Migration(migrations.Migration):
    dependencies = [('hall_floor', '0004_ticket_transfer')]

    initial = False

    operations = [
        ops.RunPython(rename_party_accounts),
    ]
