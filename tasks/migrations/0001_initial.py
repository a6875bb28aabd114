# The tables of tasks's models (3), written by tools/squash_migrations.py.
import django.db.models.deletion
import django.utils.timezone
import simple_history.models
from django.conf import settings
from django.db import migrations, models

from talanoa.lib.migrations import InitialMigration


class Migration(InitialMigration):

    initial = True
    # Made when these models were another app's: kept, not made again, where they exist.
    adopted_tables = frozenset(['work_historicaltask', 'work_task', 'work_tasktransition'])

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ('advisory', '0001_initial'),
        ('decisions', '0001_initial'),
        ('meetings', '0001_initial'),
        ('members', '0001_initial'),
        ('papers', '0002_vocabulary'),
        ('plan', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='HistoricalTask',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('title', models.CharField(max_length=300, verbose_name='task')),
                ('description', models.TextField(blank=True, verbose_name='details')),
                ('due_on', models.DateField(blank=True, null=True, verbose_name='due')),
                ('status', models.CharField(choices=[('open', 'Open'), ('in_progress', 'In progress'), ('done', 'Done'), ('dropped', 'Dropped')], default='open', max_length=12, verbose_name='status')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='date created')),
                ('overdue_alert_sent_for', models.DateField(blank=True, editable=False, null=True, verbose_name='overdue alert sent for')),
                ('group', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='members.workinggroup', verbose_name='group')),
                ('meeting', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='meetings.meeting', verbose_name='meeting')),
                ('decision', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='decisions.decision', verbose_name='decision')),
                ('paper', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='papers.paper', verbose_name='paper')),
                ('proposal', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='decisions.proposal', verbose_name='proposal')),
                ('plan_item', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='plan.planitem', verbose_name='work plan item')),
                ('advisory_request', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='advisory.advisoryrequest', verbose_name='advisory request')),
                ('owner_organisation', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='members.organisation', verbose_name='owner organisation')),
                ('owner_person', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='members.person', verbose_name='owner')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'historical task',
                'verbose_name_plural': 'historical tasks',
                'db_table': 'work_historicaltask',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
                'indexes': [],
                'constraints': [],
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='Task',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('group', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='tasks', to='members.workinggroup', verbose_name='group')),
                ('meeting', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='actions', to='meetings.meeting', verbose_name='meeting')),
                ('decision', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='actions', to='decisions.decision', verbose_name='decision')),
                ('paper', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='tasks', to='papers.paper', verbose_name='paper')),
                ('proposal', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='tasks', to='decisions.proposal', verbose_name='proposal')),
                ('plan_item', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='tasks', to='plan.planitem', verbose_name='work plan item')),
                ('advisory_request', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='tasks', to='advisory.advisoryrequest', verbose_name='advisory request')),
                ('title', models.CharField(max_length=300, verbose_name='task')),
                ('description', models.TextField(blank=True, verbose_name='details')),
                ('owner_organisation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='members.organisation', verbose_name='owner organisation')),
                ('owner_person', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='members.person', verbose_name='owner')),
                ('due_on', models.DateField(blank=True, null=True, verbose_name='due')),
                ('status', models.CharField(choices=[('open', 'Open'), ('in_progress', 'In progress'), ('done', 'Done'), ('dropped', 'Dropped')], default='open', max_length=12, verbose_name='status')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='date created')),
                ('overdue_alert_sent_for', models.DateField(blank=True, editable=False, null=True, verbose_name='overdue alert sent for')),
            ],
            options={
                'verbose_name': 'task',
                'verbose_name_plural': 'tasks',
                'db_table': 'work_task',
                'ordering': ['due_on', 'pk'],
                'indexes': [models.Index(fields=['owner_person', 'status', 'due_on'], name='task_person_status_due'), models.Index(fields=['owner_organisation', 'status', 'due_on'], name='task_org_status_due'), models.Index(fields=['group', 'status', 'due_on'], name='task_group_status_due')],
                'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('decision__isnull', False), ('meeting__isnull', False)), models.Q(('meeting__isnull', False), ('paper__isnull', False)), models.Q(('meeting__isnull', False), ('proposal__isnull', False)), models.Q(('meeting__isnull', False), ('plan_item__isnull', False)), models.Q(('advisory_request__isnull', False), ('meeting__isnull', False)), models.Q(('decision__isnull', False), ('paper__isnull', False)), models.Q(('decision__isnull', False), ('proposal__isnull', False)), models.Q(('decision__isnull', False), ('plan_item__isnull', False)), models.Q(('advisory_request__isnull', False), ('decision__isnull', False)), models.Q(('paper__isnull', False), ('proposal__isnull', False)), models.Q(('paper__isnull', False), ('plan_item__isnull', False)), models.Q(('advisory_request__isnull', False), ('paper__isnull', False)), models.Q(('plan_item__isnull', False), ('proposal__isnull', False)), models.Q(('advisory_request__isnull', False), ('proposal__isnull', False)), models.Q(('advisory_request__isnull', False), ('plan_item__isnull', False)), _connector='OR', _negated=True), name='task_about_one_item_at_most')],
            },
        ),
        migrations.CreateModel(
            name='TaskTransition',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('from_status', models.CharField(blank=True, max_length=20, verbose_name='from')),
                ('to_status', models.CharField(max_length=20, verbose_name='to')),
                ('reason', models.TextField(blank=True, verbose_name='reason')),
                ('by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by')),
                ('at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='when')),
                ('task', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='transitions', to='tasks.task', verbose_name='task')),
            ],
            options={
                'verbose_name': 'task status change',
                'verbose_name_plural': 'task status changes',
                'db_table': 'work_tasktransition',
                'ordering': ['at', 'pk'],
                'abstract': False,
                'indexes': [],
                'constraints': [],
            },
        ),
    ]
