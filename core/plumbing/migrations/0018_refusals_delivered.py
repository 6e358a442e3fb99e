"""A refusal (不予许可) is a result the unified pickup window hands out like any other: since this
version a refused case waits there (``refused``, 不予许可，待出件) until its decision is registered as
handed out or posted (``deliver``, to ``refusal_delivered``). Before, ``refused`` was final and the
decision was served outside the system, so the cases refused before the upgrade are moved to
``refusal_delivered``: left in ``refused`` they would all appear in the pickup window's queue. Their
audit events stay as they were written."""

from tortoise import migrations
from tortoise.migrations import operations as ops

REFUSALS_SERVED = "UPDATE gh_case SET state = 'refusal_delivered' WHERE state = 'refused' AND process = 'standard'"


class Migration(migrations.Migration):
    dependencies = [('core', '0017_counter_filings')]

    initial = False

    operations = [
        ops.RunSQL(REFUSALS_SERVED, "UPDATE gh_case SET state = 'refused' WHERE state = 'refusal_delivered' AND process = 'standard'"),
    ]
