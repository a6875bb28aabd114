"""Sample minutes and actions on the demo public meeting, for the access matrix
(talanoa/tests/test_url_access.py): "minutes_public" (a draft), "minutes_circulated",
"minutes_circulated_r1" (its first revision), "minutes_adopted", "action_public" (owned by the
demo member and Fiji's government)."""

import datetime

from django.utils import timezone

from meetings import operations
from meetings.models import Meeting, Minutes
from members.models import Organisation, User


def held_public_meeting() -> Meeting:
    """The demo public meeting, as if it had taken place yesterday."""
    meeting = Meeting.objects.get(title_en__startswith="[public]")
    start = timezone.now() - datetime.timedelta(days=1)
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=start, ends_at=start + datetime.timedelta(hours=7), status=Meeting.Status.HELD)
    meeting.refresh_from_db()
    return meeting


def minutes_sample(sample: str) -> dict:
    meeting = held_public_meeting()
    chair = User.objects.get(email="chair@demo.talanoa.test")
    if sample == "action_public":
        member = User.objects.get(email="member@demo.talanoa.test").person
        action = operations.add_action(meeting, "Share the cable resilience study",
                                       Organisation.objects.get(slug="gov-fji"), chair,
                                       owner_person=member)
        return {"pk": action.pk}
    minutes = Minutes(meeting=meeting)
    operations.write_minutes(minutes, "# Minutes\n\n1. Opening", chair)
    minutes = Minutes.objects.get(meeting=meeting)
    if sample in ("minutes_circulated", "minutes_circulated_r1", "minutes_adopted"):
        operations.circulate_minutes(minutes, timezone.localdate() + datetime.timedelta(days=7),
                                     chair)
    if sample == "minutes_adopted":
        operations.adopt_minutes(minutes, chair)
    if sample == "minutes_circulated_r1":
        return {"pk": meeting.pk, "number": 1}
    return {"pk": meeting.pk}
