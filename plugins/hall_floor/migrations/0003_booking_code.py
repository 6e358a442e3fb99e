"""预约码: each booking gets a 6-digit code with which its ticket is taken at the public kiosk. Bookings
still booked when this runs get theirs here (random, unique among the center's booked bookings of
their day), so that they too can be used at the kiosk; used and cancelled ones have none (NULL). The
column is nullable: a required one cannot be added to a table that has rows."""

import secrets

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields


def random_code() -> str:
    return f"{secrets.randbelow(10**6):06d}"


class AddBookingCode(ops.AddField):
    """The column, then a code for every booking still booked."""

    async def database_forward(self, app_label, old_state, new_state, state_editor=None) -> None:
        await super().database_forward(app_label, old_state, new_state, state_editor)
        if not state_editor:
            return
        conn = state_editor.client
        postgres = conn.capabilities.dialect == "postgres"
        rows = await conn.execute_query_dict(
            "SELECT id, center_id, day FROM hall_floor_booking WHERE status = 'booked' ORDER BY id")
        sql = "UPDATE hall_floor_booking SET code = $1 WHERE id = $2" if postgres else "UPDATE hall_floor_booking SET code = ? WHERE id = ?"
        taken: set[tuple[int, str, str]] = set()
        for row in rows:
            code = random_code()
            while (row["center_id"], str(row["day"]), code) in taken:
                code = random_code()
            taken.add((row["center_id"], str(row["day"]), code))
            await conn.execute_query(sql, [code, row["id"]])


class Migration(migrations.Migration):
    dependencies = [('hall_floor', '0002_roster')]

    initial = False

    operations = [
        AddBookingCode(
            model_name='Booking',
            name='code',
            field=fields.CharField(null=True, description="预约码: 6 random digits, unique among the center's booked bookings of the day (none: used or cancelled before codes existed)", max_length=6),
        ),
    ]
