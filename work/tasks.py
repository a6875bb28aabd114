"""Background work of the work programme (digests, alerts, notices), run by the worker."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable

from django.tasks import TaskResultStatus, task
from django.utils import timezone

logger = logging.getLogger(__name__)



# --- Work plan ------------------------------------------------------------------------------




# --- Tasks ----------------------------------------------------------------------------------
# The daily round: the worker runs it once a day at DAILY_ROUND_AT (settings.TIME_ZONE, Fiji by
# default: early morning across most of the Pacific); each run queues the next. Its jobs are
# plain functions (no argument) that must be safe to run twice: another section adds its own
# (e.g. `alert_late_milestones`) by appending it to DAILY_JOBS.
DAILY_ROUND_AT = datetime.time(6, 0)


def send_digests() -> int:
    from work.digest import send_due_digests

    return send_due_digests()


def send_overdue_alerts() -> int:
    from work.digest import send_overdue_alerts as send

    return send()


DAILY_JOBS: list[Callable[[], object]] = [send_digests, send_overdue_alerts]


def next_round_at(now: datetime.datetime | None = None) -> datetime.datetime:
    """The next DAILY_ROUND_AT, local time, strictly after now."""
    now = timezone.localtime(now or timezone.now())
    at = timezone.make_aware(datetime.datetime.combine(now.date(), DAILY_ROUND_AT))
    return at if at > now else timezone.make_aware(datetime.datetime.combine(
        now.date() + datetime.timedelta(days=1), DAILY_ROUND_AT))


def pending_rounds():
    """The daily rounds queued and not yet run (the chain's next link)."""
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path=daily_round.module_path,
                                       status=TaskResultStatus.READY)


def schedule_daily_round(run_after: datetime.datetime | None = None) -> bool:
    """Queue the next daily round unless one is already waiting; True if one was queued."""
    if pending_rounds().exists():
        return False
    daily_round.using(run_after=run_after or next_round_at()).enqueue()
    return True


@task()
def daily_round() -> dict:
    """Run every daily job (each idempotent: a second run the same day sends nothing), then
    queue tomorrow's round, even if a job failed (its error is logged, the others still run)."""
    done = {}
    try:
        for job in DAILY_JOBS:
            try:
                done[job.__name__] = job()
            except Exception:
                logger.exception("daily job %s failed", job.__name__)
                done[job.__name__] = "failed"
    finally:
        schedule_daily_round()
    return done





# --- Who does what --------------------------------------------------------------------------




# --- Advisory requests ----------------------------------------------------------------------




# --- Engagement -----------------------------------------------------------------------------




# --- Directory and "take part" --------------------------------------------------------------



