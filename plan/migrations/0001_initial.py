# The tables of plan's models (2), written by tools/squash_migrations.py.
import django.db.models.deletion
import django.utils.timezone
import simple_history.models
from django.conf import settings
from django.db import migrations, models

from talanoa.lib.migrations import InitialMigration


class Migration(InitialMigration):

    initial = True
    # Made when these models were another app's: kept, not made again, where they exist.
    adopted_tables = frozenset(['work_historicalplanitem', 'work_planitem'])

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ('members', '0001_initial'),
        ('papers', '0002_vocabulary'),
    ]

    operations = [
        migrations.CreateModel(
            name='PlanItem',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('archived_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='date archived')),
                ('version', models.PositiveIntegerField(default=1, editable=False, verbose_name='version')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name='date created')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='last changed')),
                ('group', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, to='members.workinggroup', verbose_name='group')),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='created by')),
                ('level', models.CharField(choices=[('public', 'public'), ('members', 'members'), ('core', 'core members'), ('restricted', 'restricted')], default='public', max_length=12, verbose_name='dissemination level')),
                ('kind', models.CharField(choices=[('initiative', 'Initiative'), ('outcome', 'Outcome'), ('activity', 'Activity'), ('milestone', 'Milestone')], max_length=12, verbose_name='kind')),
                ('parent', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='children', to='plan.planitem', verbose_name='part of')),
                ('initiative', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='plan.planitem', verbose_name='initiative')),
                ('title_en', models.CharField(blank=True, max_length=300, verbose_name='title (English)')),
                ('title_fr', models.CharField(blank=True, max_length=300, verbose_name='title (French)')),
                ('description_en', models.TextField(blank=True, help_text='Markdown', verbose_name='description (English)')),
                ('description_fr', models.TextField(blank=True, help_text='Markdown', verbose_name='description (French)')),
                ('lead_organisation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='led_plan_items', to='members.organisation', verbose_name='lead organisation')),
                ('owner_person', models.ForeignKey(blank=True, help_text='Who is alerted when a milestone is late', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='members.person', verbose_name='focal person')),
                ('starts_on', models.DateField(blank=True, null=True, verbose_name='starts')),
                ('due_on', models.DateField(blank=True, null=True, verbose_name='due')),
                ('done_on', models.DateField(blank=True, editable=False, null=True, verbose_name='done on')),
                ('order', models.PositiveSmallIntegerField(default=0, verbose_name='order')),
                ('late_alert_sent_for', models.DateField(blank=True, editable=False, null=True, verbose_name='late alert sent for')),
                ('restricted_organisations', models.ManyToManyField(blank=True, related_name='+', to='members.organisation', verbose_name='restricted organisations')),
                ('restricted_people', models.ManyToManyField(blank=True, related_name='+', to='members.person', verbose_name='restricted people')),
                ('partners', models.ManyToManyField(blank=True, related_name='partner_plan_items', to='members.organisation', verbose_name='partner organisations')),
                ('areas', models.ManyToManyField(blank=True, limit_choices_to={'kind': 'area'}, related_name='plan_items', to='papers.tag', verbose_name='ICT areas')),
                ('countries', models.ManyToManyField(blank=True, related_name='plan_items', to='members.country', verbose_name='countries')),
                ('objectives', models.ManyToManyField(blank=True, related_name='plan_items', to='members.objective', verbose_name='objectives served')),
            ],
            options={
                'verbose_name': 'work plan item',
                'verbose_name_plural': 'work plan items',
                'db_table': 'work_planitem',
                'ordering': ['order', 'due_on', 'pk'],
                'indexes': [models.Index(fields=['initiative', 'order'], name='planitem_tree'), models.Index(condition=models.Q(('archived_at__isnull', True)), fields=['kind', 'done_on', 'due_on'], name='planitem_open_milestones')],
                'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('kind', 'initiative'), ('parent__isnull', True)), models.Q(models.Q(('kind', 'initiative'), _negated=True), ('parent__isnull', False)), _connector='OR'), name='planitem_only_initiatives_are_roots')],
            },
        ),
        migrations.CreateModel(
            name='HistoricalPlanItem',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('archived_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='date archived')),
                ('version', models.PositiveIntegerField(default=1, editable=False, verbose_name='version')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name='date created')),
                ('level', models.CharField(choices=[('public', 'public'), ('members', 'members'), ('core', 'core members'), ('restricted', 'restricted')], default='public', max_length=12, verbose_name='dissemination level')),
                ('kind', models.CharField(choices=[('initiative', 'Initiative'), ('outcome', 'Outcome'), ('activity', 'Activity'), ('milestone', 'Milestone')], max_length=12, verbose_name='kind')),
                ('title_en', models.CharField(blank=True, max_length=300, verbose_name='title (English)')),
                ('title_fr', models.CharField(blank=True, max_length=300, verbose_name='title (French)')),
                ('description_en', models.TextField(blank=True, help_text='Markdown', verbose_name='description (English)')),
                ('description_fr', models.TextField(blank=True, help_text='Markdown', verbose_name='description (French)')),
                ('starts_on', models.DateField(blank=True, null=True, verbose_name='starts')),
                ('due_on', models.DateField(blank=True, null=True, verbose_name='due')),
                ('done_on', models.DateField(blank=True, editable=False, null=True, verbose_name='done on')),
                ('order', models.PositiveSmallIntegerField(default=0, verbose_name='order')),
                ('late_alert_sent_for', models.DateField(blank=True, editable=False, null=True, verbose_name='late alert sent for')),
                ('group', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='members.workinggroup', verbose_name='group')),
                ('created_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='created by')),
                ('parent', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='plan.planitem', verbose_name='part of')),
                ('initiative', models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='plan.planitem', verbose_name='initiative')),
                ('lead_organisation', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='members.organisation', verbose_name='lead organisation')),
                ('owner_person', models.ForeignKey(blank=True, db_constraint=False, help_text='Who is alerted when a milestone is late', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='members.person', verbose_name='focal person')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'historical work plan item',
                'verbose_name_plural': 'historical work plan items',
                'db_table': 'work_historicalplanitem',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
                'indexes': [],
                'constraints': [],
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
    ]
