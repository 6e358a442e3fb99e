"""Indexes on the user of role assignments and tokens: the sign-in reads a user's roles on every
request the process does not keep, and signing a user out everywhere (or deleting one) finds their
tokens by user; both scanned their whole table before."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('core', '0015_auth_change_notices')]

    initial = False

    operations = [
        ops.AddIndex(
            model_name='RoleAssignment',
            index=Index(fields=['user_id']),
        ),
        ops.AddIndex(
            model_name='Token',
            index=Index(fields=['user_id']),
        ),
    ]
