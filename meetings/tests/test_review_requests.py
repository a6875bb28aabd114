"""Review: the chair edits a meeting request before convening it."""

import pytest

from meetings.models import Meeting

pytestmark = pytest.mark.django_db


def _form(group, **overrides) -> dict:
    data = {"group": group.pk, "kind": "ministers", "level": "public",
            "title_en": "Requested meeting", "title_fr": "Réunion demandée",
            "time_zone": "Pacific/Apia", "local_start": "2027-03-02T09:00",
            "local_end": "2027-03-02T17:00", "mode": "in_person", "city": "Apia",
            "reminder_days": "1"}
    return data | overrides


def test_the_level_the_chair_sets_on_a_request_is_the_level_it_is_convened_at(
        client_for, group, people):
    observer = client_for("observer")
    assert observer.post("/meetings/request/", _form(group, reason="Needed")).status_code == 302
    meeting = Meeting.objects.get(title_en="Requested meeting")
    chair = client_for("chair")
    # The chair makes it a core meeting before approving it.
    response = chair.post(f"/meetings/{meeting.pk}/edit/", _form(
        group, level="core", restricted_people=[people["observer"].person.pk],
        expected_version=meeting.version))
    assert response.status_code == 302
    meeting.refresh_from_db()
    # Still a request: only the requester and the editors see it.
    assert client_for("member").get(meeting.get_absolute_url()).status_code == 404
    assert observer.get(meeting.get_absolute_url()).status_code == 200
    chair.post(f"/meetings/{meeting.pk}/status/", {"action": "convene",
                                                    "expected_version": meeting.version})
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CONVENED
    assert meeting.level == Meeting.Level.CORE
    assert client_for("anonymous").get(meeting.get_absolute_url()).status_code == 404
    assert client_for("member").get(meeting.get_absolute_url()).status_code == 200
