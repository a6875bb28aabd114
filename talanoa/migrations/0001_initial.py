# The tables of talanoa's models (2), written by tools/squash_migrations.py.
import django.utils.timezone
from django.db import migrations, models

from talanoa.lib.migrations import InitialMigration


class Migration(InitialMigration):

    initial = True

    dependencies = [
    ]

    operations = [
        migrations.CreateModel(
            name='Heartbeat',
            fields=[
                ('name', models.CharField(max_length=40, primary_key=True, serialize=False, verbose_name='name')),
                ('seen_at', models.DateTimeField(verbose_name='seen at')),
                ('worker_id', models.CharField(blank=True, max_length=64, verbose_name='worker')),
            ],
            options={
                'verbose_name': 'heartbeat',
                'indexes': [],
                'constraints': [],
            },
        ),
        migrations.CreateModel(
            name='AuditEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='when')),
                ('kind', models.CharField(choices=[('login', 'Signed in'), ('login_failed', 'Failed sign-in'), ('logout', 'Signed out'), ('lockout', 'Locked out'), ('unlock', 'Unlocked'), ('membership_created', 'Standing added'), ('membership_changed', 'Standing changed'), ('membership_ended', 'Standing ended'), ('representative_confirmed', 'Representative confirmed'), ('representative_ended', 'Representative ended'), ('role_changed', 'Role changed'), ('account_flags', 'Account permissions changed'), ('token_created', 'API token created'), ('token_revoked', 'API token revoked'), ('export', 'Export of restricted data'), ('download', 'Download of a restricted file')], max_length=32, verbose_name='kind')),
                ('actor_id', models.BigIntegerField(blank=True, null=True, verbose_name='who (account id)')),
                ('actor', models.CharField(blank=True, max_length=254, verbose_name='who')),
                ('ip', models.GenericIPAddressField(blank=True, null=True, verbose_name='address')),
                ('target', models.CharField(blank=True, max_length=100, verbose_name='record')),
                ('target_text', models.CharField(blank=True, max_length=300, verbose_name='record name')),
                ('detail', models.JSONField(blank=True, default=dict, verbose_name='detail')),
            ],
            options={
                'verbose_name': 'audit event',
                'verbose_name_plural': 'audit events',
                'ordering': ['-at', '-pk'],
                'indexes': [models.Index(fields=['-at', '-id'], name='audit_at'), models.Index(fields=['kind', '-at', '-id'], name='audit_kind_at')],
                'constraints': [],
            },
        ),
    ]
