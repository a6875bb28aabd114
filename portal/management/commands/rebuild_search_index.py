import time

from django.core.management.base import BaseCommand
from django.db import transaction

from portal import search


class Command(BaseCommand):
    help = ("Rebuild the search index from every object of every searchable model (after a "
            "bulk import, a restored backup or a change to what a model's document holds).")

    def handle(self, *args, **options):
        started = time.monotonic()
        with transaction.atomic():  # readers see the old index until the new one is complete
            written = search.rebuild()
        self.stdout.write(self.style.SUCCESS(
            f"Search index rebuilt in {time.monotonic() - started:.1f} s: {written} entries."))
