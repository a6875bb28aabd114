# The tables of advisory's models (5), written by tools/squash_migrations.py.
import django.db.models.deletion
import django.utils.timezone
import simple_history.models
from django.conf import settings
from django.db import migrations, models

from talanoa.lib.migrations import InitialMigration


class Migration(InitialMigration):

    initial = True
    # Made when these models were another app's: kept, not made again, where they exist.
    adopted_tables = frozenset(['work_advisoryrequest', 'work_advisoryresponse', 'work_advisorytransition', 'work_historicaladvisoryrequest', 'work_historicaladvisoryresponse'])

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ('members', '0001_initial'),
        ('papers', '0002_vocabulary'),
    ]

    operations = [
        migrations.CreateModel(
            name='HistoricalAdvisoryRequest',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('archived_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='date archived')),
                ('version', models.PositiveIntegerField(default=1, editable=False, verbose_name='version')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name='date created')),
                ('level', models.CharField(choices=[('public', 'public'), ('members', 'members'), ('core', 'core members'), ('restricted', 'restricted')], default='restricted', max_length=12, verbose_name='dissemination level')),
                ('ministry', models.CharField(blank=True, help_text='A ministry that is not in the list of organisations', max_length=200, verbose_name='ministry')),
                ('requester_name', models.CharField(max_length=200, verbose_name="requester's name")),
                ('requester_email', models.EmailField(max_length=254, verbose_name="requester's email")),
                ('language', models.CharField(choices=[('en', 'English'), ('fr', 'Français')], default='en', help_text='Language of the emails to the requester', max_length=2, verbose_name='language')),
                ('title_en', models.CharField(max_length=300, verbose_name='topic (English)')),
                ('title_fr', models.CharField(blank=True, max_length=300, verbose_name='topic (French)')),
                ('details', models.TextField(blank=True, help_text='Markdown', verbose_name='details')),
                ('urgency', models.CharField(choices=[('routine', 'Routine'), ('soon', 'Soon'), ('urgent', 'Urgent')], default='routine', max_length=10, verbose_name='urgency')),
                ('wanted_by', models.DateField(blank=True, null=True, verbose_name='wanted by')),
                ('status', models.CharField(choices=[('received', 'Received'), ('triaged', 'Triaged'), ('assigned', 'Assigned'), ('answered', 'Answered'), ('closed', 'Closed'), ('declined', 'Declined'), ('withdrawn', 'Withdrawn')], default='received', editable=False, max_length=12, verbose_name='status')),
                ('channel', models.CharField(choices=[('member', 'Member form'), ('ministry', 'Ministry form')], default='member', editable=False, max_length=10, verbose_name='channel')),
                ('received_at', models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name='received')),
                ('first_response_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='first response')),
                ('closed_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='closed')),
                ('group', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='members.workinggroup', verbose_name='group')),
                ('created_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='created by')),
                ('organisation', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='members.organisation', verbose_name='requesting organisation')),
                ('requester_person', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='members.person', verbose_name='requester')),
                ('country', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='members.country', verbose_name='country')),
                ('assigned_organisation', models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='members.organisation', verbose_name='assigned organisation')),
                ('assigned_person', models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='members.person', verbose_name='assigned person')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'historical advisory request',
                'verbose_name_plural': 'historical advisory requests',
                'db_table': 'work_historicaladvisoryrequest',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
                'indexes': [],
                'constraints': [],
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='AdvisoryRequest',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('archived_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='date archived')),
                ('version', models.PositiveIntegerField(default=1, editable=False, verbose_name='version')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name='date created')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='last changed')),
                ('group', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, to='members.workinggroup', verbose_name='group')),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='created by')),
                ('level', models.CharField(choices=[('public', 'public'), ('members', 'members'), ('core', 'core members'), ('restricted', 'restricted')], default='restricted', max_length=12, verbose_name='dissemination level')),
                ('organisation', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='members.organisation', verbose_name='requesting organisation')),
                ('ministry', models.CharField(blank=True, help_text='A ministry that is not in the list of organisations', max_length=200, verbose_name='ministry')),
                ('requester_name', models.CharField(max_length=200, verbose_name="requester's name")),
                ('requester_email', models.EmailField(max_length=254, verbose_name="requester's email")),
                ('requester_person', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='members.person', verbose_name='requester')),
                ('language', models.CharField(choices=[('en', 'English'), ('fr', 'Français')], default='en', help_text='Language of the emails to the requester', max_length=2, verbose_name='language')),
                ('country', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='members.country', verbose_name='country')),
                ('title_en', models.CharField(max_length=300, verbose_name='topic (English)')),
                ('title_fr', models.CharField(blank=True, max_length=300, verbose_name='topic (French)')),
                ('details', models.TextField(blank=True, help_text='Markdown', verbose_name='details')),
                ('urgency', models.CharField(choices=[('routine', 'Routine'), ('soon', 'Soon'), ('urgent', 'Urgent')], default='routine', max_length=10, verbose_name='urgency')),
                ('wanted_by', models.DateField(blank=True, null=True, verbose_name='wanted by')),
                ('status', models.CharField(choices=[('received', 'Received'), ('triaged', 'Triaged'), ('assigned', 'Assigned'), ('answered', 'Answered'), ('closed', 'Closed'), ('declined', 'Declined'), ('withdrawn', 'Withdrawn')], default='received', editable=False, max_length=12, verbose_name='status')),
                ('channel', models.CharField(choices=[('member', 'Member form'), ('ministry', 'Ministry form')], default='member', editable=False, max_length=10, verbose_name='channel')),
                ('assigned_organisation', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='members.organisation', verbose_name='assigned organisation')),
                ('assigned_person', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='members.person', verbose_name='assigned person')),
                ('received_at', models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name='received')),
                ('first_response_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='first response')),
                ('closed_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='closed')),
                ('restricted_organisations', models.ManyToManyField(blank=True, related_name='+', to='members.organisation', verbose_name='restricted organisations')),
                ('restricted_people', models.ManyToManyField(blank=True, related_name='+', to='members.person', verbose_name='restricted people')),
                ('papers', models.ManyToManyField(blank=True, related_name='advisory_requests', to='papers.paper', verbose_name='linked papers')),
            ],
            options={
                'verbose_name': 'advisory request',
                'verbose_name_plural': 'advisory requests',
                'db_table': 'work_advisoryrequest',
                'ordering': ['-received_at', '-pk'],
                'indexes': [models.Index(fields=['group', 'received_at'], name='advisory_group_received'), models.Index(fields=['status', 'received_at'], name='advisory_status_received')],
                'constraints': [],
            },
        ),
        migrations.CreateModel(
            name='AdvisoryTransition',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('from_status', models.CharField(blank=True, max_length=20, verbose_name='from')),
                ('to_status', models.CharField(max_length=20, verbose_name='to')),
                ('reason', models.TextField(blank=True, verbose_name='reason')),
                ('by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by')),
                ('at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='when')),
                ('advisory', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='transitions', to='advisory.advisoryrequest', verbose_name='advisory request')),
            ],
            options={
                'verbose_name': 'advisory request step',
                'verbose_name_plural': 'advisory request steps',
                'db_table': 'work_advisorytransition',
                'ordering': ['at', 'pk'],
                'abstract': False,
                'indexes': [],
                'constraints': [],
            },
        ),
        migrations.CreateModel(
            name='HistoricalAdvisoryResponse',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('text', models.TextField(help_text='Markdown', verbose_name='response')),
                ('file', models.TextField(blank=True, max_length=300, verbose_name='document')),
                ('at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='when')),
                ('advisory', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='advisory.advisoryrequest', verbose_name='advisory request')),
                ('by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by')),
                ('by_organisation', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='members.organisation', verbose_name='on behalf of')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'historical advisory response',
                'verbose_name_plural': 'historical advisory responses',
                'db_table': 'work_historicaladvisoryresponse',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
                'indexes': [],
                'constraints': [],
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='AdvisoryResponse',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('advisory', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='responses', to='advisory.advisoryrequest', verbose_name='advisory request')),
                ('text', models.TextField(help_text='Markdown', verbose_name='response')),
                ('file', models.FileField(blank=True, max_length=300, upload_to='work/advisory/%Y/', verbose_name='document')),
                ('by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by')),
                ('by_organisation', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='members.organisation', verbose_name='on behalf of')),
                ('at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='when')),
            ],
            options={
                'verbose_name': 'advisory response',
                'verbose_name_plural': 'advisory responses',
                'db_table': 'work_advisoryresponse',
                'ordering': ['at', 'pk'],
                'indexes': [],
                'constraints': [],
            },
        ),
    ]
