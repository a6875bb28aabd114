import time

from django.core.management.base import BaseCommand

from bench.synthetic import BENCH, grow
from members.models import Person
from portal import search

DEMO_MEMBER = "member@demo.talanoa.test"


class Command(BaseCommand):
    help = ("Add the benchmark's large synthetic dataset (10 years of posts at every level, "
            "organisations, people, representatives) to the database. Needs the starter data; "
            "for a separate database only: it adds thousands of rows.")

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0,
                            help=f"Multiply every size (default 1: {BENCH.as_dict()}).")
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, scale=1.0, seed=1, **options):
        started = time.monotonic()
        sizes = BENCH.scaled(scale)
        counts = grow(sizes, seed=seed,
                      representing=Person.objects.filter(email=DEMO_MEMBER, user__isnull=False))
        # `grow` indexes kind after kind; a real archive's entries were written day by day, which
        # is the order search's ranking of the most recent matches relies on.
        indexed = search.rebuild()
        self.stdout.write(self.style.SUCCESS(
            f"Synthetic data added in {time.monotonic() - started:.1f} s: "
            + ", ".join(f"{v} {k}" for k, v in counts.items())
            + f"; {indexed} search entries"))
