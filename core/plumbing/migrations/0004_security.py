from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from core.plumbing.models import new_public_id
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class AddDocumentPublicId(ops.AddField):
    """Existing documents get their random public id before the column becomes unique (a plain
    AddField cannot add a unique, required column to a table that has rows)."""

    async def database_forward(self, app_label, old_state, new_state, state_editor=None) -> None:
        if not state_editor:
            return
        conn = state_editor.client
        postgres = conn.capabilities.dialect == "postgres"
        await conn.execute_script("ALTER TABLE document ADD COLUMN public_id VARCHAR(32)")
        ids = [row["id"] for row in await conn.execute_query_dict("SELECT id FROM document WHERE public_id IS NULL")]
        sql = "UPDATE document SET public_id = $1 WHERE id = $2" if postgres else "UPDATE document SET public_id = ? WHERE id = ?"
        for row_id in ids:
            await conn.execute_query(sql, [new_public_id(), row_id])
        if postgres:
            await conn.execute_script("ALTER TABLE document ALTER COLUMN public_id SET NOT NULL")
        await conn.execute_script('CREATE UNIQUE INDEX "uid_document_public_id" ON document (public_id)')


class Migration(migrations.Migration):
    dependencies = [('core', '0003_case_indexes')]

    initial = False

    operations = [
        ops.CreateModel(
            name='AppSecret',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(unique=True, max_length=32)),
                ('value', fields.CharField(max_length=128)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'app_secret', 'app': 'core', 'pk_attr': 'id', 'table_description': 'Secrets one deployment shares across processes and restarts (the download-link key).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='LoginThrottle',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('key', fields.CharField(unique=True, max_length=160)),
                ('failures', fields.IntField(default=0)),
                ('window_start', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('locked_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('lockouts', fields.IntField(default=0)),
            ],
            options={'table': 'login_throttle', 'app': 'core', 'pk_attr': 'id', 'table_description': 'Failed logins of one username (``account:<name>``) or client address (``address:<ip>``).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SecurityEvent',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=True)),
                ('kind', fields.CharField(description='login_failed|login_locked|login_refused_locked|...', max_length=32)),
                ('username', fields.CharField(default='', description='as typed, cut to 64 characters', max_length=64)),
                ('user', fields.ForeignKeyField('core.User', source_field='user_id', null=True, db_constraint=True, to_field='id', related_name='security_events', on_delete=OnDelete.SET_NULL)),
                ('address', fields.CharField(default='', max_length=64)),
                ('detail', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
            ],
            options={'table': 'security_event', 'app': 'core', 'indexes': [Index(fields=['kind', 'at'])], 'pk_attr': 'id', 'table_description': 'The security audit log (append only): failed logins, lockouts, refused downloads...'},
            bases=['Model'],
        ),
        AddDocumentPublicId(
            model_name='Document',
            name='public_id',
            field=fields.CharField(default=new_public_id, unique=True, description='the id in URLs and the API (random, not the row number)', max_length=32),
        ),
        ops.AddField(
            model_name='Material',
            name='center',
            field=fields.ForeignKeyField('core.Center', source_field='center_id', null=True, description='the center named at upload: its quota counts the file until it is attached', db_constraint=True, to_field='id', related_name='uploads', on_delete=OnDelete.SET_NULL),
        ),
        ops.AddIndex(
            model_name='Material',
            index=Index(fields=['case_id', 'created_at']),
        ),
    ]
