"""Start the chain of daily rounds (talanoa.daily.daily_round) if none is queued: `make run` calls
it before starting the worker. Idempotent: with a round already waiting it queues nothing."""

from django.core.management.base import BaseCommand

from talanoa.daily import next_round_at, schedule_daily_round


class Command(BaseCommand):
    help = "Queue the work programme's next daily round unless one is already queued."

    def handle(self, *args, **options):
        if schedule_daily_round():
            self.stdout.write(f"Daily round queued for {next_round_at():%Y-%m-%d %H:%M %Z}.")
        else:
            self.stdout.write("A daily round is already queued.")
