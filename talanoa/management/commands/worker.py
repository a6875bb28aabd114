"""`manage.py worker`: the background worker as production runs it (systemd, `make serve`).

django-tasks-db's `db_worker`, after making sure the recurring chains are queued: the daily
round of the work programme and the heartbeat that /healthz reads. Starting several workers is
safe: each chain is queued only when none waits, and each task is claimed by one worker.
"""

from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from talanoa.daily import schedule_daily_round
from talanoa.tasks import schedule_heartbeat


class Command(DbWorkerCommand):
    help = "Run the background worker (after queueing the daily round and the heartbeat)."

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        # Reloading on code changes is for development; a deployed worker restarts with its unit.
        parser.set_defaults(reload=False)

    def handle(self, *args, **options):
        schedule_daily_round()
        schedule_heartbeat()
        return super().handle(*args, **options)
