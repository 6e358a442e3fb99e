"""转窗 marks: a transferred ticket records the window that sent it (``transferred_from``), the queue it
was in (``transferred_from_queue``) and when (``transferred_at``), so that the receiving windows show
转入自 … . Tickets transferred before this version are found where their rows still tell: a number
keeps the prefix of the queue it was taken in (``A003`` now in queue ``C`` came from ``A``), and a
ticket still waiting with a window on it waits after a transfer from that window (the window that
called it keeps it until a window of the new queue calls it). When it was transferred is not known.
The text columns default to empty in the database too: they are added to a table that has rows."""

import re

from tortoise import fields, migrations
from tortoise.migrations import operations as ops

TRANSFERRED = """SELECT id, number, queue, status, window_code FROM hall_floor_ticket
WHERE substr(number, 1, length(queue)) <> queue OR (status = 'waiting' AND window_code <> '')"""


async def mark_earlier_transfers(apps, state_editor) -> None:
    conn = state_editor.client
    mark = ("UPDATE hall_floor_ticket SET transferred_from = $1, transferred_from_queue = $2 WHERE id = $3"
            if conn.capabilities.dialect == "postgres" else
            "UPDATE hall_floor_ticket SET transferred_from = ?, transferred_from_queue = ? WHERE id = ?")
    for row in await conn.execute_query_dict(TRANSFERRED):
        prefix = re.sub(r"\d+$", "", row["number"])
        window = row["window_code"] if row["status"] == "waiting" else ""
        await conn.execute_query(mark, [window, prefix if prefix != row["queue"] else "", row["id"]])


class Migration(migrations.Migration):
    dependencies = [('hall_floor', '0003_booking_code')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Ticket',
            name='transferred_at',
            field=fields.DatetimeField(null=True, description='转窗: when it was sent to this queue', auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Ticket',
            name='transferred_from',
            field=fields.CharField(default='', db_default='', description='转窗: the window that sent it to this queue (empty: not transferred)', max_length=32),
        ),
        ops.AddField(
            model_name='Ticket',
            name='transferred_from_queue',
            field=fields.CharField(default='', db_default='', description='转窗: the queue it was in before', max_length=8),
        ),
        ops.RunPython(mark_earlier_transfers),
    ]
