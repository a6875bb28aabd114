# The tables of indicators's models (9), written by tools/squash_migrations.py.
import django.db.models.deletion
import django.utils.timezone
import indicators.models
import simple_history.models
import talanoa.lib.bilingual
from django.conf import settings
from django.db import migrations, models

from talanoa.lib.migrations import InitialMigration


class Migration(InitialMigration):

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ('members', '0001_initial'),
        ('papers', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='HistoricalIndicator',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('code', models.CharField(db_index=True, help_text="The source's code, e.g. IT.NET.USER.ZS", max_length=40, verbose_name='code')),
                ('name_en', models.CharField(max_length=200, verbose_name='name (English)')),
                ('name_fr', models.CharField(blank=True, max_length=200, verbose_name='name (French)')),
                ('unit_en', models.CharField(blank=True, help_text='e.g. per 100 people, % of population', max_length=80, verbose_name='unit (English)')),
                ('unit_fr', models.CharField(blank=True, max_length=80, verbose_name='unit (French)')),
                ('definition_en', models.TextField(blank=True, verbose_name='definition (English)')),
                ('definition_fr', models.TextField(blank=True, verbose_name='definition (French)')),
                ('source', models.CharField(blank=True, max_length=300, verbose_name='source')),
                ('licence', models.CharField(blank=True, max_length=80, verbose_name='licence')),
                ('decimals', models.PositiveSmallIntegerField(default=1, help_text='Pages round to this; downloads give the value as published.', verbose_name='decimals shown')),
                ('order', models.PositiveSmallIntegerField(default=0, verbose_name='order')),
                ('version', models.PositiveIntegerField(default=1, editable=False, verbose_name='version')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'historical indicator',
                'verbose_name_plural': 'historical indicators',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
                'indexes': [],
                'constraints': [],
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='Indicator',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.CharField(help_text="The source's code, e.g. IT.NET.USER.ZS", max_length=40, unique=True, verbose_name='code')),
                ('name_en', models.CharField(max_length=200, verbose_name='name (English)')),
                ('name_fr', models.CharField(blank=True, max_length=200, verbose_name='name (French)')),
                ('unit_en', models.CharField(blank=True, help_text='e.g. per 100 people, % of population', max_length=80, verbose_name='unit (English)')),
                ('unit_fr', models.CharField(blank=True, max_length=80, verbose_name='unit (French)')),
                ('definition_en', models.TextField(blank=True, verbose_name='definition (English)')),
                ('definition_fr', models.TextField(blank=True, verbose_name='definition (French)')),
                ('source', models.CharField(blank=True, max_length=300, verbose_name='source')),
                ('licence', models.CharField(blank=True, max_length=80, verbose_name='licence')),
                ('decimals', models.PositiveSmallIntegerField(default=1, help_text='Pages round to this; downloads give the value as published.', verbose_name='decimals shown')),
                ('order', models.PositiveSmallIntegerField(default=0, verbose_name='order')),
                ('version', models.PositiveIntegerField(default=1, editable=False, verbose_name='version')),
                ('sdg_targets', models.ManyToManyField(blank=True, limit_choices_to={'kind': 'sdg'}, related_name='indicators', to='papers.tag', verbose_name='SDG targets')),
            ],
            options={
                'verbose_name': 'indicator',
                'verbose_name_plural': 'indicators',
                'ordering': ['order', 'code'],
                'indexes': [],
                'constraints': [],
            },
            bases=(talanoa.lib.bilingual.BilingualNameMixin, models.Model),
        ),
        migrations.CreateModel(
            name='Economy',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.CharField(max_length=3, unique=True, verbose_name='code')),
                ('name_en', models.CharField(max_length=120, verbose_name='name (English)')),
                ('name_fr', models.CharField(blank=True, max_length=120, verbose_name='name (French)')),
                ('kind', models.CharField(choices=[('pict', 'Pacific Island Country or Territory'), ('country', 'Other country or territory'), ('aggregate', 'Aggregate (region or income group)')], default='country', max_length=12, verbose_name='kind')),
                ('country', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='economy', to='members.country', verbose_name='country')),
                ('tile_column', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='tile map column')),
                ('tile_row', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='tile map row')),
                ('comparator_order', models.PositiveSmallIntegerField(default=0, verbose_name='comparator order')),
            ],
            options={
                'verbose_name': 'economy',
                'verbose_name_plural': 'economies',
                'ordering': ['name_en'],
                'constraints': [models.UniqueConstraint(fields=('tile_column', 'tile_row'), name='economy_one_tile_per_place')],
                'indexes': [],
            },
            bases=(talanoa.lib.bilingual.BilingualNameMixin, models.Model),
        ),
        migrations.CreateModel(
            name='ImportBatch',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('status', models.CharField(choices=[('previewed', 'Previewed'), ('applied', 'Applied'), ('discarded', 'Discarded'), ('rolled_back', 'Rolled back')], default='previewed', max_length=12, verbose_name='status')),
                ('file', models.FileField(blank=True, upload_to='indicators/imports/%Y/', verbose_name='file')),
                ('file_name', models.CharField(max_length=200, verbose_name='file name')),
                ('sha256', models.CharField(db_index=True, max_length=64, verbose_name='SHA-256 of the file')),
                ('layout', models.CharField(blank=True, help_text='long or wide, CSV or XLSX, as read', max_length=20, verbose_name='layout')),
                ('source', models.CharField(blank=True, max_length=300, verbose_name='source')),
                ('vintage', models.CharField(blank=True, help_text="The source's data update, e.g. 2026-07-01", max_length=40, verbose_name='vintage')),
                ('report', models.JSONField(blank=True, default=dict, verbose_name='validation report')),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='imported by')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='uploaded')),
                ('applied_at', models.DateTimeField(blank=True, null=True, verbose_name='applied')),
            ],
            options={
                'verbose_name': 'import batch',
                'verbose_name_plural': 'import batches',
                'ordering': ['-created_at', '-pk'],
                'indexes': [],
                'constraints': [],
            },
        ),
        migrations.CreateModel(
            name='ImportTransition',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('from_status', models.CharField(blank=True, max_length=20, verbose_name='from')),
                ('to_status', models.CharField(max_length=20, verbose_name='to')),
                ('reason', models.TextField(blank=True, verbose_name='reason')),
                ('by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by')),
                ('at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='when')),
                ('batch', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='transitions', to='indicators.importbatch', verbose_name='import batch')),
            ],
            options={
                'verbose_name': 'import step',
                'verbose_name_plural': 'import steps',
                'ordering': ['at', 'pk'],
                'abstract': False,
                'indexes': [],
                'constraints': [],
            },
        ),
        migrations.CreateModel(
            name='Observation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('indicator', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='observations', to='indicators.indicator', verbose_name='indicator')),
                ('economy', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='observations', to='indicators.economy', verbose_name='economy')),
                ('year', models.PositiveSmallIntegerField(verbose_name='year')),
                ('value', indicators.models.ExactDecimalField(max_length=40, verbose_name='value')),
                ('batch', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='indicators.importbatch', verbose_name='import batch')),
            ],
            options={
                'verbose_name': 'observation',
                'verbose_name_plural': 'observations',
                'ordering': ['indicator', 'economy', 'year'],
                'constraints': [models.UniqueConstraint(fields=('indicator', 'economy', 'year'), name='observation_one_value')],
                'indexes': [],
            },
        ),
        migrations.CreateModel(
            name='ObservationChange',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('batch', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='changes', to='indicators.importbatch', verbose_name='import batch')),
                ('indicator', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='indicators.indicator')),
                ('economy', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='indicators.economy')),
                ('year', models.PositiveSmallIntegerField(verbose_name='year')),
                ('value_before', indicators.models.ExactDecimalField(blank=True, max_length=40, null=True, verbose_name='value before')),
                ('batch_before', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='indicators.importbatch')),
                ('value_after', indicators.models.ExactDecimalField(max_length=40, verbose_name='value after')),
            ],
            options={
                'verbose_name': 'observation change',
                'verbose_name_plural': 'observation changes',
                'indexes': [models.Index(fields=['indicator', 'economy', 'year'], name='obschange_observation')],
                'constraints': [],
            },
        ),
        migrations.CreateModel(
            name='HistoricalFlag',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField(verbose_name='year')),
                ('kind', models.CharField(choices=[('estimate', 'Estimate'), ('break', 'Break in series')], max_length=12, verbose_name='kind')),
                ('note', models.CharField(blank=True, max_length=300, verbose_name='note')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('indicator', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='indicators.indicator', verbose_name='indicator')),
                ('economy', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='indicators.economy', verbose_name='economy')),
                ('created_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'historical flag',
                'verbose_name_plural': 'historical flags',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
                'indexes': [],
                'constraints': [],
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='Flag',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('indicator', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='flags', to='indicators.indicator', verbose_name='indicator')),
                ('economy', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='flags', to='indicators.economy', verbose_name='economy')),
                ('year', models.PositiveSmallIntegerField(verbose_name='year')),
                ('kind', models.CharField(choices=[('estimate', 'Estimate'), ('break', 'Break in series')], max_length=12, verbose_name='kind')),
                ('note', models.CharField(blank=True, max_length=300, verbose_name='note')),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={
                'verbose_name': 'flag',
                'verbose_name_plural': 'flags',
                'ordering': ['indicator', 'economy', 'year', 'kind'],
                'constraints': [models.UniqueConstraint(fields=('indicator', 'economy', 'year', 'kind'), name='flag_once')],
                'indexes': [],
            },
        ),
    ]
