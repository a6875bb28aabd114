"""Restore a backup made by `manage.py backup` into an empty database and MEDIA_ROOT.

Checks every file against the manifest first, and refuses (changing nothing) unless the target
database has no tables and MEDIA_ROOT is empty or missing, and is of the backup's kind.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from talanoa.lib import backup


class Command(BaseCommand):
    help = ("Restore a backup directory into the configured database and MEDIA_ROOT, which "
            "must be empty. Every checksum is verified first.")
    # The target database is empty: system checks must not need it.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, help="A directory made by `backup`.")
        parser.add_argument("--database-url", metavar="URL",
                            help="Restore into this database instead of the configured one "
                                 "(e.g. sqlite:////tmp/check.sqlite3, to test a backup).")
        parser.add_argument("--media-root", type=Path, metavar="DIR",
                            help="Restore the files here instead of into MEDIA_ROOT.")
        parser.add_argument("--verify-only", action="store_true",
                            help="Only check the backup against its manifest.")

    def handle(self, *args, directory, database_url=None, media_root=None, verify_only=False,
               **options):
        verbose = options["verbosity"] > 1
        try:
            if verify_only:
                manifest = backup.verify(directory)
                self.stdout.write(self.style.SUCCESS(
                    f"{directory}: all {len(manifest['files'])} files match the manifest "
                    f"({manifest['created_at']}, {backup.ENGINE_NAMES[manifest['engine']]})."))
                return
            db = (backup.database_from_url(database_url) if database_url
                  else connections["default"].settings_dict)
            result = backup.restore(directory, db, media_root or settings.MEDIA_ROOT,
                                    log=lambda message: verbose and self.stdout.write(message))
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        manifest = result.manifest
        if options["verbosity"]:
            self.stdout.write(self.style.SUCCESS(
                f"Restored the backup of {manifest['created_at']} "
                f"({backup.ENGINE_NAMES[manifest['engine']]} database and "
                f"{len(manifest['files']) - 1} files)."))
            for note in result.notes:
                self.stdout.write(self.style.WARNING(note))
