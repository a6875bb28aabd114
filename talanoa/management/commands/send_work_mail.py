"""Run the daily jobs of the work programme now (digests due, overdue alerts…): the safety net
behind the worker's daily round.

The worker normally runs `talanoa.daily.daily_round` once a day and queues the next. If the worker
was down, or the chain lost, this sends what is due (run it from cron, e.g. daily). Every job is
idempotent (each email claims its row first), so it is safe beside the worker, or twice.
"""

from django.core.management.base import BaseCommand

from talanoa.daily import DAILY_JOBS


class Command(BaseCommand):
    help = "Send the work programme's due digests and overdue alerts (the daily jobs)."

    def handle(self, *args, **options):
        for job in DAILY_JOBS:
            self.stdout.write(f"{job.__name__}: {job()}")
