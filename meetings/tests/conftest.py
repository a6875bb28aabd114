"""Fixtures for meetings: uploaded files in a temporary directory, meetings made directly or
through the lifecycle operations, the demo meetings at each level, and the worker."""

import datetime
import zoneinfo

import pytest
from django.utils import timezone

from meetings.models import Meeting


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


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


@pytest.fixture
def demo_meeting(db):
    """The demo meeting at a level: "public", "members", "core" or "restricted"."""

    def get(level: str) -> Meeting:
        return Meeting.objects.select_related("group").get(title_en__startswith=f"[{level}]")

    return get


@pytest.fixture
def convene(group, people, django_capture_on_commit_callbacks):
    """Convene a new meeting of the ICT group through the operation (its notices and reminders
    are queued for the worker, as in production)."""
    from meetings import operations

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


@pytest.fixture
def held_meeting(group, people):
    """A meeting of the ICT group held yesterday, at the level asked for (public by default)."""
    from meetings import operations

    def make(level: str = "public", title: str = "Held meeting") -> Meeting:
        start = timezone.now() - datetime.timedelta(days=1)
        meeting = Meeting.objects.create(
            group=group, level=level, title_en=f"[{level}] {title}", starts_at=start,
            ends_at=start + datetime.timedelta(hours=6), city="Suva",
            status=Meeting.Status.CONVENED)
        if level == "restricted":
            meeting.restricted_people.add(people["chair"].person)
        return operations.mark_held(meeting, people["chair"])

    return make


@pytest.fixture
def minutes_at(held_meeting, people):
    """Minutes of a new held meeting, taken through the lifecycle to `stage`."""
    from meetings import operations
    from meetings.models import Minutes

    def make(stage: str = "draft", level: str = "public", text: str = "# Minutes\n\nOpening.",
             until: datetime.date | None = None) -> Minutes:
        chair = people["chair"]
        meeting = held_meeting(level)
        operations.write_minutes(Minutes(meeting=meeting), text, chair)
        minutes = Minutes.objects.get(meeting=meeting)
        if stage in ("circulated", "adopted"):
            operations.circulate_minutes(
                minutes, until or timezone.localdate() + datetime.timedelta(days=14), chair)
        if stage == "adopted":
            operations.adopt_minutes(minutes, chair)
        minutes.refresh_from_db()
        return minutes

    return make
