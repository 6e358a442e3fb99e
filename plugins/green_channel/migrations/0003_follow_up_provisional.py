"""A material to follow keeps the working days its due date was counted with (``working_days``:
``settings.greenChannel.followDays`` when the case was accepted) and whether that date is 暂定
(``provisional``: counted over days of a year whose holiday schedule is not published yet), so a
calendar import recomputes it as the core recomputes its cases' deadlines. The follow-ups with a due
date get the center's ``followDays`` (the number they were counted with unless the setting changed
since) and the provisional mark their window calls for: a day after the acceptance in a year that
neither the ``chinesecalendar`` package nor the center's imported calendar (``calendar_year``) covers."""

import json
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

CENTER_TZ = ZoneInfo("Asia/Shanghai")
DEFAULT_FOLLOW_DAYS, MAX_FOLLOW_DAYS = 5, 60  # as plugins/green_channel/follow_ups.py

FOLLOW_UPS = """SELECT f.id, f.due, s.accepted_at, p.center_id FROM green_follow_up f
JOIN green_step s ON s.id = f.step_id JOIN green_project p ON p.id = s.project_id
WHERE f.due IS NOT NULL ORDER BY f.id"""


def _json(value):
    return json.loads(value) if isinstance(value, (str, bytes)) else value


def _date(value):
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _local_date(value):
    if not isinstance(value, datetime):
        value = datetime.fromisoformat(str(value))
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(CENTER_TZ).date()


def _follow_days(settings):
    channel = (_json(settings) or {}).get("greenChannel") or {}
    days = channel.get("followDays") if isinstance(channel, dict) else None
    valid = isinstance(days, int) and not isinstance(days, bool) and 1 <= days <= MAX_FOLLOW_DAYS
    return days if valid else DEFAULT_FOLLOW_DAYS


def _published(year):
    import chinese_calendar

    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


async def days_and_marks(apps, schema_editor) -> None:
    conn = schema_editor.client
    p = (lambda i: f"${i}") if conn.capabilities.dialect == "postgres" else (lambda i: "?")
    rows = await conn.execute_query_dict(FOLLOW_UPS)
    if not rows:
        return
    days = {r["id"]: _follow_days(r["settings"]) for r in await conn.execute_query_dict("SELECT id, settings FROM center")}
    entered = {(r["center_id"], r["year"]) for r in await conn.execute_query_dict("SELECT center_id, year FROM calendar_year")}
    for row in rows:
        due, center = _date(row["due"]), row["center_id"]
        first = _local_date(row["accepted_at"]) + timedelta(days=1) if row["accepted_at"] is not None else due
        provisional = any(not _published(y) and (center, y) not in entered for y in range(first.year, due.year + 1))
        await conn.execute_query(f"UPDATE green_follow_up SET working_days = {p(1)}, provisional = {p(2)} WHERE id = {p(3)}",
                                 [days.get(center, DEFAULT_FOLLOW_DAYS), provisional, row["id"]])


class Migration(migrations.Migration):
    dependencies = [('green_channel', '0002_follow_ups')]

    initial = False

    operations = [
        ops.AddField(
            model_name='FollowUp',
            name='provisional',
            field=fields.BooleanField(default=False, description='due counted over days of a year whose holiday schedule is not published yet (暂定), recomputed on import', db_default=False),
        ),
        ops.AddField(
            model_name='FollowUp',
            name='working_days',
            field=fields.IntField(null=True, description='the working days counted to due from the acceptance (followDays then)'),
        ),
        ops.RunPython(days_and_marks),
    ]
