"""The platform's own background work: the worker's heartbeat, which /healthz reads, and what a
worker does at its start to take up what a dead one held."""

from __future__ import annotations

import datetime
import os
import socket

from django.db import transaction
from django.tasks import Task, TaskContext, TaskResultStatus, task
from django.utils import timezone

from talanoa.models import Heartbeat

WORKER = "worker"
HEARTBEAT_EVERY = datetime.timedelta(seconds=30)
# Past this age /healthz says the worker is late: several missed beats, not one slow task.
HEARTBEAT_LATE = datetime.timedelta(seconds=120)
# Each beat leaves a task result; keep an hour of them for inspection, no more.
KEEP_BEATS = datetime.timedelta(hours=1)


def waiting(task: Task):
    """The runs of `task` queued and not yet started: a recurring chain's next link."""
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path=task.module_path,
                                       status=TaskResultStatus.READY)


def queue_unless_waiting(task: Task, run_after: datetime.datetime) -> bool:
    """Queue the next link of a recurring chain (a task that queues its successor) unless one
    waits already, so restarting workers never doubles a chain; True if one was queued."""
    if waiting(task).exists():
        return False
    task.using(run_after=run_after).enqueue()
    return True


def this_process() -> str:
    """The id a worker process goes by in task claims and mail leases: "host:pid"."""
    return f"{socket.gethostname()}:{os.getpid()}"[-64:]


def pid_gone(holder: str) -> bool:
    """Whether `holder` ("host:pid") names a process of this machine that no longer runs. The
    process asking is not running it either: at its start, its own id is an earlier life's (a
    container's worker has the same pid at every start)."""
    host, _, pid = holder.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    if int(pid) == os.getpid():
        return True
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, under another user
        return False
    return False


def requeue_dead_tasks() -> int:
    """Queue again the tasks that a dead worker of this machine was running (django-tasks-db
    leaves them RUNNING for ever). Every task of Talanoa may run twice: each claims its rows
    (a notice, a digest, a delivery) before acting."""
    from django_tasks_db.models import DBTaskResult

    requeued = 0
    running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING)
    for pk, worker_ids in running.values_list("pk", "worker_ids"):
        if worker_ids and pid_gone(worker_ids[-1]):
            requeued += running.filter(pk=pk).update(status=TaskResultStatus.READY,
                                                     started_at=None)
    return requeued


def stuck_tasks(now: datetime.datetime | None = None) -> int:
    """Tasks running for longer than TASK_STUCK_MINUTES: a worker that died or hangs."""
    from django.conf import settings
    from django_tasks_db.models import DBTaskResult

    since = (now or timezone.now()) - datetime.timedelta(minutes=settings.TASK_STUCK_MINUTES)
    return DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING,
                                       started_at__lt=since).count()


def pending_beats():
    return waiting(worker_heartbeat)


def schedule_heartbeat(run_after: datetime.datetime | None = None) -> bool:
    """Queue the next beat unless one is already waiting; True if one was queued."""
    return queue_unless_waiting(worker_heartbeat, run_after or timezone.now())


@task(takes_context=True)
def worker_heartbeat(context: TaskContext) -> str:
    """Record that a worker ran a task just now, then queue the next beat (a chain that
    `manage.py worker` starts, and restarts whenever none is queued)."""
    from django_tasks_db.models import DBTaskResult

    now = timezone.now()
    try:
        with transaction.atomic():
            Heartbeat.objects.update_or_create(
                name=WORKER,
                defaults={"seen_at": now, "worker_id": context.task_result.worker_ids[-1]
                          if context.task_result.worker_ids else ""})
            DBTaskResult.objects.filter(task_path=worker_heartbeat.module_path,
                                        status=TaskResultStatus.SUCCESSFUL,
                                        finished_at__lt=now - KEEP_BEATS).delete()
        # The sweep behind the outbox's own wake-ups: retries whose time has come, rows whose
        # sender died on another machine and whose lease expired.
        from talanoa import outbox

        if outbox.due().exists():
            outbox.wake_sender()
    finally:
        schedule_heartbeat(run_after=now + HEARTBEAT_EVERY)
    return now.isoformat()


def worker_state(now: datetime.datetime | None = None) -> tuple[bool, float | None]:
    """(is the worker on time, seconds since its last beat or None if it never beat)."""
    seen = Heartbeat.objects.filter(name=WORKER).values_list("seen_at", flat=True).first()
    if seen is None:
        return False, None
    age = ((now or timezone.now()) - seen).total_seconds()
    return age <= HEARTBEAT_LATE.total_seconds(), age
