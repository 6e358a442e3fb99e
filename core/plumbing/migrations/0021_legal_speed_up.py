"""The speed-up against the legal time limit (实际提速 = (法定 − 实际) ÷ 法定): a completed case keeps
the legal limit it is measured against (``legal_days``) and its working days on the legal clock
(``legal_actual_days``); the statistics summary sums them (and the actual days of the cases that
promised a limit, for the speed-up against the promise). Backfilled for the cases completed before:
the legal limit is the case's last legal timer's, else its item's ``legalDays`` if it was accepted
(0 for a case answered without acceptance); the days on the legal
clock are the actual days, recounted for the cases whose legal clock alone was paused (a special
procedure while the promise ran on). Then the summary's triggers are reinstalled and it is rebuilt."""

import json
from datetime import date, timedelta

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

ONE_DAY = timedelta(days=1)


def _date(value):
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _json(value):
    return json.loads(value) if isinstance(value, (str, bytes)) else value


async def _legal_days(client, postgres):
    p = (lambda i: f"${i}") if postgres else (lambda i: "?")
    await client.execute_query(
        "UPDATE gh_case SET legal_days = (SELECT t.working_days FROM timer t WHERE t.case_id = gh_case.id"
        " AND t.kind = 'legal' ORDER BY t.id DESC LIMIT 1) WHERE completed_on IS NOT NULL")
    versions = await client.execute_query_dict(
        "SELECT id, definition FROM item_version WHERE id IN (SELECT item_version_id FROM gh_case"
        " WHERE completed_on IS NOT NULL AND legal_days IS NULL)")
    for row in versions:
        legal = (_json(row["definition"]) or {}).get("legalDays")
        days = legal if isinstance(legal, int) and not isinstance(legal, bool) and legal > 0 else 0
        await client.execute_query(
            f"UPDATE gh_case SET legal_days = {p(1)} WHERE item_version_id = {p(2)}"
            " AND completed_on IS NOT NULL AND accepted_on IS NOT NULL AND legal_days IS NULL", [days, row["id"]])
    # answered without being accepted (答复件): no legal clock ran
    await client.execute_query("UPDATE gh_case SET legal_days = 0 WHERE completed_on IS NOT NULL AND legal_days IS NULL")


def _workday(overrides, d):
    """As the clock counts: the center's own calendar, else the published schedule, else Monday to Friday."""
    import chinese_calendar

    if d in overrides:
        return overrides[d]
    try:
        return chinese_calendar.is_workday(d)
    except NotImplementedError:
        return d.weekday() < 5


async def _legal_actual_days(client, postgres):
    p = (lambda i: f"${i}") if postgres else (lambda i: "?")
    await client.execute_query("UPDATE gh_case SET legal_actual_days = actual_days WHERE completed_on IS NOT NULL")
    # a pause stops the legal clock unless it names the kinds it stops without "legal"; the promised
    # clock's actual days left out only the pauses that stopped every timer (kinds null) or the promised one
    rows = await client.execute_query_dict(
        "SELECT p.case_id, p.kinds, p.started_on, p.ended_on, c.center_id, c.accepted_on, c.completed_on FROM pause p"
        " JOIN gh_case c ON c.id = p.case_id WHERE c.completed_on IS NOT NULL AND c.accepted_on IS NOT NULL"
        " AND p.kinds IS NOT NULL ORDER BY p.case_id")
    cases = {}
    for row in rows:
        kinds = _json(row["kinds"])
        if isinstance(kinds, list) and "legal" in kinds and "promised" not in kinds:
            cases.setdefault(row["case_id"], row)
    calendars = {}
    for case_id, row in cases.items():
        center = row["center_id"]
        if center not in calendars:
            days = await client.execute_query_dict(
                f"SELECT day, workday FROM calendar_day WHERE center_id = {p(1)}", [center])
            calendars[center] = {_date(d["day"]): bool(d["workday"]) for d in days}
        pauses = await client.execute_query_dict(
            f"SELECT kinds, started_on, ended_on FROM pause WHERE case_id = {p(1)}", [case_id])
        intervals = []
        for pause in pauses:
            kinds = _json(pause["kinds"])
            if kinds is None or "legal" in kinds:
                end = _date(pause["ended_on"]) + ONE_DAY if pause["ended_on"] is not None else None
                intervals.append((_date(pause["started_on"]) + ONE_DAY, end))
        start, end = _date(row["accepted_on"]), _date(row["completed_on"])
        count, d = 0, start + ONE_DAY
        while d <= end:
            paused = any(b <= d and (e is None or d < e) for b, e in intervals)
            count += 0 if paused else int(_workday(calendars[center], d))
            d += ONE_DAY
        await client.execute_query(f"UPDATE gh_case SET legal_actual_days = {p(1)} WHERE id = {p(2)}", [count, case_id])


async def backfill_and_rebuild(apps, schema_editor):
    from core.plumbing.stats_summary import CURRENT, install_triggers, rebuild

    client = schema_editor.client
    postgres = client.capabilities.dialect == "postgres"
    await _legal_days(client, postgres)
    await _legal_actual_days(client, postgres)
    await install_triggers(client, CURRENT)
    await rebuild(client, CURRENT)


class Migration(migrations.Migration):
    dependencies = [('core', '0020_department_remedy')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Case',
            name='legal_actual_days',
            field=fields.IntField(null=True, description='working days from acceptance to completion on the legal clock (special procedures left out)'),
        ),
        ops.AddField(
            model_name='Case',
            name='legal_days',
            field=fields.IntField(null=True, description='法定时限 (working days) the completed case is measured against, 0 when its item sets none'),
        ),
        ops.AddField(
            model_name='CaseDayStat',
            name='legal_actual_sum',
            field=fields.BigIntField(default=0, description='their actual days on the legal clock', db_default=0),
        ),
        ops.AddField(
            model_name='CaseDayStat',
            name='legal_completed',
            field=fields.IntField(default=0, description='completed cases with a legal time limit', db_default=0),
        ),
        ops.AddField(
            model_name='CaseDayStat',
            name='legal_sum',
            field=fields.BigIntField(default=0, description='their legal days', db_default=0),
        ),
        ops.AddField(
            model_name='CaseDayStat',
            name='promised_actual_sum',
            field=fields.BigIntField(default=0, description='actual days of the cases with a promised limit', db_default=0),
        ),
        ops.RunPython(backfill_and_rebuild),
    ]
