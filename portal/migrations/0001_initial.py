# The tables of portal's models (5), written by tools/squash_migrations.py.
import django.db.models.deletion
import django.utils.timezone
import simple_history.models
from django.conf import settings
from django.db import migrations, models

from talanoa.lib.migrations import InitialMigration


class Migration(InitialMigration):

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ('contenttypes', '0002_remove_content_type_name'),
        ('members', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='HistoricalPost',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('archived_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='date archived')),
                ('version', models.PositiveIntegerField(default=1, editable=False, verbose_name='version')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name='date created')),
                ('updated_at', models.DateTimeField(blank=True, editable=False, verbose_name='last changed')),
                ('level', models.CharField(choices=[('public', 'public'), ('members', 'members'), ('core', 'core members'), ('restricted', 'restricted')], default='members', max_length=12, verbose_name='dissemination level')),
                ('kind', models.CharField(choices=[('news', 'News'), ('notice', 'Notice'), ('document', 'Document')], default='news', max_length=10, verbose_name='kind')),
                ('title_en', models.CharField(blank=True, max_length=300, verbose_name='title (English)')),
                ('title_fr', models.CharField(blank=True, max_length=300, verbose_name='title (French)')),
                ('body_en', models.TextField(blank=True, help_text='Markdown', verbose_name='text (English)')),
                ('body_fr', models.TextField(blank=True, help_text='Markdown', verbose_name='text (French)')),
                ('attachment', models.TextField(blank=True, max_length=100, verbose_name='file')),
                ('published_at', models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name='published')),
                ('group', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='members.workinggroup', verbose_name='group')),
                ('created_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='created by')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'historical item',
                'verbose_name_plural': 'historical items',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
                'indexes': [],
                'constraints': [],
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='Post',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('archived_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='date archived')),
                ('version', models.PositiveIntegerField(default=1, editable=False, verbose_name='version')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name='date created')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='last changed')),
                ('group', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, to='members.workinggroup', verbose_name='group')),
                ('level', models.CharField(choices=[('public', 'public'), ('members', 'members'), ('core', 'core members'), ('restricted', 'restricted')], default='members', max_length=12, verbose_name='dissemination level')),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='created by')),
                ('kind', models.CharField(choices=[('news', 'News'), ('notice', 'Notice'), ('document', 'Document')], default='news', max_length=10, verbose_name='kind')),
                ('title_en', models.CharField(blank=True, max_length=300, verbose_name='title (English)')),
                ('title_fr', models.CharField(blank=True, max_length=300, verbose_name='title (French)')),
                ('body_en', models.TextField(blank=True, help_text='Markdown', verbose_name='text (English)')),
                ('body_fr', models.TextField(blank=True, help_text='Markdown', verbose_name='text (French)')),
                ('attachment', models.FileField(blank=True, upload_to='posts/%Y/', verbose_name='file')),
                ('published_at', models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name='published')),
                ('restricted_organisations', models.ManyToManyField(blank=True, related_name='+', to='members.organisation', verbose_name='restricted organisations')),
                ('restricted_people', models.ManyToManyField(blank=True, related_name='+', to='members.person', verbose_name='restricted people')),
            ],
            options={
                'verbose_name': 'item',
                'verbose_name_plural': 'items',
                'ordering': ['-published_at', '-pk'],
                'indexes': [models.Index(condition=models.Q(('archived_at__isnull', True)), fields=['-published_at', '-id'], name='post_live_newest_first')],
                'constraints': [],
            },
        ),
        migrations.CreateModel(
            name='SearchEntry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('content_type', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='contenttypes.contenttype', verbose_name='kind')),
                ('object_id', models.PositiveBigIntegerField(verbose_name='object')),
                ('date', models.DateTimeField(blank=True, null=True, verbose_name='date')),
                ('updated', models.DateTimeField(auto_now=True, verbose_name='last indexed')),
                ('url', models.CharField(max_length=500, verbose_name='address')),
                ('title_en', models.TextField(blank=True, verbose_name='title (English)')),
                ('title_fr', models.TextField(blank=True, verbose_name='title (French)')),
                ('text', models.TextField(blank=True, verbose_name='text')),
            ],
            options={
                'verbose_name': 'search index entry',
                'verbose_name_plural': 'search index entries',
                'constraints': [models.UniqueConstraint(fields=('content_type', 'object_id'), name='search_entry_one_per_object')],
                'indexes': [],
            },
        ),
        migrations.CreateModel(
            name='HistoricalPost_restricted_organisations',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('post', models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='portal.post')),
                ('organisation', models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='members.organisation')),
                ('history', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, to='portal.historicalpost')),
                ('m2m_history_id', models.AutoField(primary_key=True, serialize=False)),
            ],
            options={
                'verbose_name': 'HistoricalPost_restricted_organisations',
                'indexes': [],
                'constraints': [],
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalPost_restricted_people',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('post', models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='portal.post')),
                ('person', models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='members.person')),
                ('history', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, to='portal.historicalpost')),
                ('m2m_history_id', models.AutoField(primary_key=True, serialize=False)),
            ],
            options={
                'verbose_name': 'HistoricalPost_restricted_people',
                'indexes': [],
                'constraints': [],
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
    ]
