"""The daily round: the worker runs it once a day at DAILY_ROUND_AT (settings.TIME_ZONE, Fiji by
default: early morning across most of the Pacific); each run queues the next.

Its jobs are plain functions (no argument) that must be safe to run twice (each email claims its
row first). Each app names its own on its AppConfig, by dotted path, and the round collects
them in the order of the apps (`daily_jobs`: the overdue alerts, late milestones, deadline
reminders, digests, stalled webhook deliveries), so the round knows no app. `manage.py
send_work_mail` runs the same jobs from cron, as a safety net.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable

from django.apps import apps
from django.tasks import task
from django.utils import timezone
from django.utils.module_loading import import_string

from talanoa.tasks import queue_unless_waiting, waiting

logger = logging.getLogger(__name__)

DAILY_ROUND_AT = datetime.time(6, 0)
DAILY_JOBS: list[Callable[[], object]] = []


def collect_jobs() -> None:
    """The jobs the apps name (`AppConfig.daily_jobs`), in the apps' order (TalanoaConfig.ready,
    once every app's models are loaded)."""
    DAILY_JOBS[:] = [import_string(path) for config in apps.get_app_configs()
                     for path in getattr(config, "daily_jobs", ())]


def next_round_at(now: datetime.datetime | None = None) -> datetime.datetime:
    """The next DAILY_ROUND_AT, local time, strictly after now."""
    now = timezone.localtime(now or timezone.now())
    at = timezone.make_aware(datetime.datetime.combine(now.date(), DAILY_ROUND_AT))
    return at if at > now else timezone.make_aware(datetime.datetime.combine(
        now.date() + datetime.timedelta(days=1), DAILY_ROUND_AT))


def pending_rounds():
    """The daily rounds queued and not yet run (the chain's next link)."""
    return waiting(daily_round)


def schedule_daily_round(run_after: datetime.datetime | None = None) -> bool:
    """Queue the next daily round unless one is already waiting; True if one was queued."""
    return queue_unless_waiting(daily_round, run_after or next_round_at())


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
