"""Back up the database and the uploaded files into one directory (see talanoa.lib.backup).

Safe while Talanoa runs: SQLite's online backup API or pg_dump give a consistent snapshot.
Run it nightly (deploy/talanoa-backup.timer) and copy the directories off the machine.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from talanoa.lib import backup


class Command(BaseCommand):
    help = ("Back up the database (SQLite online backup or pg_dump) and MEDIA_ROOT, with a "
            "manifest of checksums, into DIR (default: BACKUP_DIR/<UTC time>/).")

    def add_arguments(self, parser):
        parser.add_argument("directory", nargs="?", type=Path,
                            help="A new directory for the backup (default: BACKUP_DIR, "
                                 "var/backups/ unless set, then the UTC time).")
        parser.add_argument("--keep", type=int, metavar="N",
                            help="Afterwards, delete all but the N newest backups in the "
                                 "default directory.")
        parser.add_argument("--database", default="default",
                            help="The database alias to back up (default: default).")

    def handle(self, *args, directory=None, keep=None, database="default", **options):
        if keep is not None and directory is not None:
            raise CommandError("--keep prunes the default directory (BACKUP_DIR) only: "
                               "leave out DIR, or prune DIR's parent yourself.")
        if keep is not None and keep < 1:
            raise CommandError("--keep must be at least 1.")
        verbose = options["verbosity"] > 1
        try:
            result = backup.make_backup(
                directory, alias=database,
                log=lambda message: verbose and self.stdout.write(message))
            removed = backup.prune(keep) if keep is not None else []
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        files = result.manifest["files"]
        size = sum(entry["size"] for entry in files.values())
        engine = backup.ENGINE_NAMES[result.manifest["engine"]]
        if options["verbosity"]:
            self.stdout.write(self.style.SUCCESS(
                f"Backup written to {result.path}: {engine} database and {len(files) - 1} "
                f"files, {size / 1e6:.1f} MB in all."))
            for path in removed:
                self.stdout.write(f"Deleted the older backup {path}.")
