"""Fixtures for minutes, decisions, attendance and actions: held meetings at each level."""

import datetime

import pytest
from django.utils import timezone

from meetings import operations
from meetings.models import Meeting, Minutes


@pytest.fixture
def held_meeting(group, people):
    """A meeting of the ICT group held yesterday, at the level asked for (public by default)."""

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
