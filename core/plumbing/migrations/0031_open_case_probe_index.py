"""An index for the duplicate filing check (您已有该事项的在办件, :mod:`core.services.duplicate_cases`):
a submission looks for the applicant's open case of the item under the same applicant name, which
without it read every case the applicant ever filed."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index


class AddIndexIfMissing(ops.AddIndex):
    """``CREATE INDEX IF NOT EXISTS``: a database replaying the migrations already has the index,
    since 0009 (``restore_case_indexes``) creates every index ``gh_case`` declares today."""

    async def database_forward(self, app_label, old_state, new_state, state_editor=None):
        if not state_editor:
            return
        model = new_state.apps.get_model(f"{app_label}.{self.model_name}")
        sql = state_editor._get_index_sql(
            model, list(self.index.field_names), index_name=state_editor._index_name_for_model(model, self.index),
        )
        await state_editor._run_sql(sql.replace("CREATE INDEX ", "CREATE INDEX IF NOT EXISTS ", 1))


class Migration(migrations.Migration):
    dependencies = [('core', '0030_case_submit_key')]

    initial = False

    operations = [
        AddIndexIfMissing(
            model_name='Case',
            index=Index(fields=['applicant_id', 'item_version_id', 'applicant_name', 'completed_at']),
        ),
    ]
