import datetime
import zoneinfo

import pytest
from django.core.management import call_command

from meetings.models import Meeting


@pytest.fixture
def run_worker(django_capture_on_commit_callbacks):
    """Run what was queued, as `manage.py db_worker` does (the real database backend)."""

    def run() -> None:
        call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0, reload=False)

    return run


@pytest.fixture
def make_meeting(group):
    def make(level: str = "public", *, zone: str = "Pacific/Fiji", days: int = 30,
             hour: int = 9, hours: int = 6, status: str = Meeting.Status.CONVENED,
             **fields) -> Meeting:
        day = datetime.date.today() + datetime.timedelta(days=days)
        start = datetime.datetime.combine(day, datetime.time(hour), zoneinfo.ZoneInfo(zone))
        values = {"group": group, "level": level, "time_zone": zone, "starts_at": start,
                  "ends_at": start + datetime.timedelta(hours=hours), "status": status,
                  "title_en": f"Test meeting ({level})", "city": "Suva"} | fields
        return Meeting.objects.create(**values)

    return make
