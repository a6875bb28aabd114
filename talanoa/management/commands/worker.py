"""`manage.py worker`: the background worker as production runs it (systemd, `make serve`).

django-tasks-db's `db_worker`, with what production needs around it:
- at its start, it takes up what a dead worker of this machine held: the tasks it was running
  (left RUNNING for ever otherwise) and the emails it had claimed (`talanoa.outbox`); then it
  makes sure the recurring chains are queued (the daily round, the heartbeat /healthz reads);
- its id is "host:pid", which is how the next start knows whether the holder is gone;
- a graceful stop (TERM, INT) finishes the email in hand and leaves the rest queued;
- a locked or unreachable database makes it wait and try again, not die (a long write
  elsewhere holds SQLite's lock; PostgreSQL restarts).
Starting several workers is safe: each task, each email is claimed by one.
"""

import contextlib
import logging
import time

from django.db import DatabaseError, close_old_connections
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand
from django_tasks_db.management.commands.db_worker import Worker

from talanoa import outbox
from talanoa.daily import schedule_daily_round
from talanoa.tasks import requeue_dead_tasks, schedule_heartbeat, this_process

logger = logging.getLogger("talanoa.worker")
LONGEST_WAIT = 30.0


class RecoveringWorker(Worker):
    def shutdown(self, signum, frame) -> None:
        outbox.request_stop()
        super().shutdown(signum, frame)

    def run(self) -> None:
        wait = 0.5
        while True:
            try:
                return super().run()
            except DatabaseError as error:
                if not self.running:
                    raise
                logger.warning("database unavailable (%s); trying again in %.1f s", error, wait)
                time.sleep(wait)
                wait = min(LONGEST_WAIT, wait * 2)
                close_old_connections()
                # A task whose end could not be recorded is run again (all are idempotent):
                # this process's own id counts as gone to `requeue_dead_tasks`.
                with contextlib.suppress(DatabaseError):  # the next failure tries again
                    requeue_dead_tasks()


class Command(DbWorkerCommand):
    help = ("Run the background worker (after taking up what a dead worker held, and queueing "
            "the daily round and the heartbeat).")

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        # Reloading on code changes is for development; a deployed worker restarts with its unit.
        parser.set_defaults(reload=False, worker_id=this_process())

    def handle(self, *args, verbosity: int, queue_name: str, interval: float, batch: bool,
               backend_name: str, startup_delay: bool, max_tasks: int | None, worker_id: str,
               exclude_queues: str, **options) -> None:
        self.configure_logging(verbosity)
        released = outbox.release_dead_leases()
        requeued = requeue_dead_tasks()
        if released or requeued:
            logger.warning("taken up from dead workers: %s emails, %s tasks", released, requeued)
        schedule_daily_round()
        schedule_heartbeat()
        if outbox.due().exists():
            outbox.wake_sender()
        worker = RecoveringWorker(
            queue_names=queue_name.split(","), interval=interval, batch=batch,
            backend_name=backend_name, startup_delay=startup_delay, max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=exclude_queues.split(",") if exclude_queues else [])
        worker.configure_signals()
        worker.run()
