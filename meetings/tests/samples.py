"""Sample minutes and actions on the demo public meeting, for the access matrix
(talanoa/tests/test_url_access.py): "minutes_public" (a draft), "minutes_circulated",
"minutes_circulated_r1" (its first revision), "minutes_adopted"."""

import datetime

from django.utils import timezone

from meetings import operations
from meetings.models import Meeting, Minutes
from members.models import User


def held_public_meeting(sample: str) -> Meeting:
    """A public meeting of the demo group held yesterday, one per sample (a test may ask for
    several samples: each gets its own minutes at its own stage)."""
    demo = Meeting.objects.get(title_en__startswith="[public]")
    start = timezone.now() - datetime.timedelta(days=1)
    meeting, _ = Meeting.objects.get_or_create(
        title_en=f"Held meeting for the {sample} sample",
        defaults={"group_id": demo.group_id, "level": Meeting.Level.PUBLIC, "city": "Apia",
                  "time_zone": demo.time_zone, "starts_at": start,
                  "ends_at": start + datetime.timedelta(hours=7),
                  "status": Meeting.Status.HELD})
    return meeting


def minutes_sample(sample: str) -> dict:
    meeting = held_public_meeting(sample)
    if Minutes.objects.filter(meeting=meeting).exists():
        return {"pk": meeting.pk, "number": 1} if sample.endswith("_r1") else {"pk": meeting.pk}
    chair = User.objects.get(email="chair@demo.talanoa.test")
    minutes = Minutes(meeting=meeting)
    # (Content, not interface text: the French crawl reads these pages.)
    operations.write_minutes(minutes, "# Record of the meeting\n\n1. Opening", chair)
    minutes = Minutes.objects.get(meeting=meeting)
    if sample in ("minutes_circulated", "minutes_circulated_r1", "minutes_adopted"):
        operations.circulate_minutes(minutes, timezone.localdate() + datetime.timedelta(days=7),
                                     chair)
    if sample == "minutes_adopted":
        operations.adopt_minutes(minutes, chair)
    if sample == "minutes_circulated_r1":
        return {"pk": meeting.pk, "number": 1}
    return {"pk": meeting.pk}
