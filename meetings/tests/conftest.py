"""Fixtures for meetings: uploaded files in a temporary directory, meetings made through the
lifecycle operations, and the demo meetings at each dissemination level."""

import datetime

import pytest
from django.utils import timezone


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def demo_meeting(db):
    """The demo meeting at a level: "public", "members", "core" or "restricted"."""
    from meetings.models import Meeting

    def get(level: str) -> Meeting:
        return Meeting.objects.select_related("group").get(title_en__startswith=f"[{level}]")

    return get


@pytest.fixture
def convene(group, people, django_capture_on_commit_callbacks):
    """Convene a new meeting of the ICT group through the operation (its notices and reminders
    are queued for the worker, as in production)."""
    from meetings import operations
    from meetings.models import Meeting

    def make(starts_in: datetime.timedelta, reminder_days: str = "1", level: str = "public",
             title: str = "Reminder test meeting") -> Meeting:
        start = timezone.now() + starts_in
        meeting = Meeting(group=group, level=level, title_en=title, title_fr=title,
                          starts_at=start, ends_at=start + datetime.timedelta(hours=3),
                          time_zone="Pacific/Apia", city="Apia", reminder_days=reminder_days)
        with django_capture_on_commit_callbacks(execute=True):
            operations.convene_meeting(meeting, people["chair"])
        return meeting

    return make
