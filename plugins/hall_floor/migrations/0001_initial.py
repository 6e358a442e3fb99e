from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('core', '0007_decisions')]

    initial = True

    operations = [
        ops.CreateModel(
            name='Booking',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('center', fields.ForeignKeyField('core.Center', source_field='center_id', db_constraint=True, to_field='id', related_name='hall_floor_bookings', on_delete=OnDelete.CASCADE)),
                ('user', fields.ForeignKeyField('core.User', source_field='user_id', db_constraint=True, to_field='id', related_name='hall_floor_bookings', on_delete=OnDelete.RESTRICT)),
                ('queue', fields.CharField(max_length=8)),
                ('day', fields.DateField()),
                ('period', fields.CharField(description='HH:MM-HH:MM', max_length=11)),
                ('slot', fields.CharField(max_length=48)),
                ('holder', fields.IntField(null=True, description='the user id while booked: one place per person and slot')),
                ('extended', fields.BooleanField(default=False, description='错时/延时服务 outside office hours')),
                ('status', fields.CharField(default='booked', description='booked, arrived or cancelled', max_length=16)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'hall_floor_booking', 'app': 'hall_floor', 'unique_together': (('center', 'slot', 'holder'),), 'indexes': [Index(fields=['center_id', 'day'])], 'pk_attr': 'id', 'table_description': '预约: one person, one queue, one roster period, the holder column is unique per slot while it is booked.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='BookingSlot',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('center', fields.ForeignKeyField('core.Center', source_field='center_id', db_constraint=True, to_field='id', related_name='hall_floor_slots', on_delete=OnDelete.CASCADE)),
                ('slot', fields.CharField(description='QUEUE YYYY-MM-DD HH:MM-HH:MM', max_length=48)),
                ('booked', fields.IntField(default=0)),
            ],
            options={'table': 'hall_floor_booking_slot', 'app': 'hall_floor', 'unique_together': (('center', 'slot'),), 'pk_attr': 'id', 'table_description': 'How many bookings one period of one day of one queue holds, raised only while below capacity.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Ticket',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('center', fields.ForeignKeyField('core.Center', source_field='center_id', db_constraint=True, to_field='id', related_name='hall_floor_tickets', on_delete=OnDelete.CASCADE)),
                ('queue', fields.CharField(description='the queue code, also the prefix of the number', max_length=8)),
                ('day', fields.DateField()),
                ('number', fields.CharField(max_length=16)),
                ('status', fields.CharField(default='waiting', description='waiting, called, done or skipped', max_length=16)),
                ('mobile', fields.CharField(default='', max_length=32)),
                ('booking', fields.ForeignKeyField('hall_floor.Booking', source_field='booking_id', null=True, db_constraint=True, to_field='id', related_name='tickets', on_delete=OnDelete.SET_NULL)),
                ('due_at', fields.DatetimeField(null=True, description='the start of an appointment: from then on it is called first', auto_now=False, auto_now_add=False)),
                ('taken_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('called_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('finished_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('window_code', fields.CharField(default='', max_length=32)),
                ('called_by', fields.ForeignKeyField('core.User', source_field='called_by_id', null=True, db_constraint=True, to_field='id', related_name='hall_floor_calls', on_delete=OnDelete.SET_NULL)),
                ('calls', fields.IntField(default=0, description='how often it was called (recalls included)')),
                ('last_call_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('near_notified', fields.BooleanField(default=False)),
                ('case', fields.ForeignKeyField('core.Case', source_field='case_id', null=True, db_constraint=True, to_field='id', related_name='hall_floor_tickets', on_delete=OnDelete.SET_NULL)),
            ],
            options={'table': 'hall_floor_ticket', 'app': 'hall_floor', 'unique_together': (('center', 'day', 'number'),), 'indexes': [Index(fields=['center_id', 'day', 'status'])], 'pk_attr': 'id', 'table_description': 'One visit: taken at the kiosk (or by the clerk), called by a window, finished or skipped.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='OnSiteRating',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('center', fields.ForeignKeyField('core.Center', source_field='center_id', db_constraint=True, to_field='id', related_name='hall_floor_ratings', on_delete=OnDelete.CASCADE)),
                ('channel', fields.CharField(default='现场', max_length=8)),
                ('window_code', fields.CharField(max_length=32)),
                ('staff', fields.ForeignKeyField('core.User', source_field='staff_id', null=True, db_constraint=True, to_field='id', related_name='hall_floor_rated', on_delete=OnDelete.SET_NULL)),
                ('case', fields.OneToOneField('core.Case', source_field='case_id', null=True, db_constraint=True, to_field='id', related_name='hall_floor_rating', on_delete=OnDelete.CASCADE)),
                ('ticket', fields.OneToOneField('hall_floor.Ticket', source_field='ticket_id', null=True, db_constraint=True, to_field='id', related_name='rating', on_delete=OnDelete.CASCADE)),
                ('level', fields.IntField()),
                ('reason', fields.CharField(default='', max_length=64)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'hall_floor_on_site_rating', 'app': 'hall_floor', 'indexes': [Index(fields=['center_id', 'at'])], 'pk_attr': 'id', 'table_description': '评价器: a rating tapped at the tablet of a window, of a case (then also the core rating) or a ticket.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Rectification',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('center', fields.ForeignKeyField('core.Center', source_field='center_id', db_constraint=True, to_field='id', related_name='hall_floor_rectifications', on_delete=OnDelete.CASCADE)),
                ('rating', fields.OneToOneField('hall_floor.OnSiteRating', source_field='rating_id', db_constraint=True, to_field='id', related_name='rectification', on_delete=OnDelete.CASCADE)),
                ('reason', fields.CharField(max_length=64)),
                ('opened_on', fields.DateField()),
                ('due', fields.DateField()),
                ('status', fields.CharField(default='open', description='open, rectified or closed', max_length=16)),
                ('measures', fields.TextField(default='', unique=False)),
                ('follow_up', fields.TextField(default='', description='回访: what the applicant said when called back', unique=False)),
                ('follow_up_satisfied', fields.BooleanField(null=True)),
                ('followed_by', fields.ForeignKeyField('core.User', source_field='followed_by_id', null=True, db_constraint=True, to_field='id', related_name='hall_floor_follow_ups', on_delete=OnDelete.SET_NULL)),
                ('followed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'hall_floor_rectification', 'app': 'hall_floor', 'indexes': [Index(fields=['center_id', 'status'])], 'pk_attr': 'id', 'table_description': '整改: opened by a bad on-site rating, due in 15 working days, closed by its follow-up (回访).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='WalkInParty',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('center', fields.ForeignKeyField('core.Center', source_field='center_id', db_constraint=True, to_field='id', related_name='hall_floor_parties', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharField(description='person or enterprise', max_length=16)),
                ('id_number', fields.CharField(description='resident ID or USCC', max_length=32)),
                ('name', fields.CharField(max_length=256)),
                ('contact_name', fields.CharField(default='', max_length=64)),
                ('mobile', fields.CharField(max_length=32)),
                ('account', fields.ForeignKeyField('core.User', source_field='account_id', db_constraint=True, to_field='id', related_name='hall_floor_party', on_delete=OnDelete.RESTRICT)),
                ('registered_by', fields.ForeignKeyField('core.User', source_field='registered_by_id', db_constraint=True, to_field='id', related_name='hall_floor_registered', on_delete=OnDelete.RESTRICT)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'hall_floor_walk_in_party', 'app': 'hall_floor', 'unique_together': (('center', 'id_number'),), 'pk_attr': 'id', 'table_description': 'A person (resident ID) or an enterprise (USCC) registered at the window, and its account.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ClaimCode',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('party', fields.ForeignKeyField('hall_floor.WalkInParty', source_field='party_id', db_constraint=True, to_field='id', related_name='codes', on_delete=OnDelete.CASCADE)),
                ('case', fields.ForeignKeyField('core.Case', source_field='case_id', db_constraint=True, to_field='id', related_name='hall_floor_claim_codes', on_delete=OnDelete.CASCADE)),
                ('code_hash', fields.CharField(max_length=64)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('attempts', fields.IntField(default=0)),
                ('used_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('claimed_by', fields.ForeignKeyField('core.User', source_field='claimed_by_id', null=True, db_constraint=True, to_field='id', related_name='hall_floor_claims', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'hall_floor_claim_code', 'app': 'hall_floor', 'indexes': [Index(fields=['party_id', 'case_id'])], 'pk_attr': 'id', 'table_description': 'An SMS code sent to the mobile of a walk-in party so that it can claim one case online.'},
            bases=['Model'],
        ),
    ]
