"""Cases a clerk or the chief representative filed at the window for the applicant in front of
them (窗口受理) were recorded, before this version, with the clerk as the applicant's agent
(代办人). They are the clerk's responsibility (首问负责), not agency: the clerk becomes the case's
``responsible`` (unless someone already is) and the case has no agent. A filer who holds the clerk
or head role in the case's center and not the agent role can only have filed so (a clerk's filing
for someone was never taken as agency); a user who is both is left as recorded. The audit events
stay as they were written."""

from tortoise import migrations
from tortoise.migrations import operations as ops

COUNTER_FILINGS = """
UPDATE gh_case SET responsible_id = COALESCE(responsible_id, agent_id), agent_id = NULL
WHERE agent_id IS NOT NULL
  AND EXISTS (SELECT 1 FROM role_assignment r
              WHERE r.user_id = gh_case.agent_id AND r.center_id = gh_case.center_id AND r.role IN ('clerk', 'head'))
  AND NOT EXISTS (SELECT 1 FROM role_assignment r
                  WHERE r.user_id = gh_case.agent_id AND r.center_id = gh_case.center_id AND r.role = 'agent')
"""


class Migration(migrations.Migration):
    dependencies = [('core', '0016_user_indexes')]

    initial = False

    operations = [
        ops.RunSQL(COUNTER_FILINGS, "SELECT 1"),
    ]
