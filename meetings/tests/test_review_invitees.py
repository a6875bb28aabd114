"""Review: who still hears of a meeting, and what its answer link grants, once the meeting's level
(or group) changed after the invitations went out. The policy as it stands today decides."""

import datetime

import pytest
from django.core import mail

from meetings import operations
from meetings.models import Meeting
from meetings.notices import rsvp_token

pytestmark = pytest.mark.django_db
DAYS = datetime.timedelta(days=1)


def _narrow_to_core(meeting, people, capture):
    """The chair makes a members-level meeting core and moves it (an update notice)."""
    meeting.refresh_from_db()
    meeting.level = Meeting.Level.CORE
    meeting.starts_at += datetime.timedelta(hours=1)
    meeting.ends_at += datetime.timedelta(hours=1)
    with capture(execute=True):
        operations.save_meeting_changes(meeting, meeting.version, people["chair"])


def test_an_update_after_the_level_narrows_reaches_only_those_who_may_still_see_it(
        convene, people, run_worker, django_capture_on_commit_callbacks):
    meeting = convene(starts_in=30 * DAYS, level="members", title="Narrowed meeting")
    run_worker()
    assert {"observer@demo.talanoa.test", "consultative@demo.talanoa.test"} <= {
        m.to[0] for m in mail.outbox}
    mail.outbox.clear()
    meeting.online_url = "https://meet.example.org/secret-core"
    meeting.save()
    _narrow_to_core(meeting, people, django_capture_on_commit_callbacks)
    run_worker()
    to = {m.to[0] for m in mail.outbox}
    assert "member@demo.talanoa.test" in to
    assert "observer@demo.talanoa.test" not in to
    assert "consultative@demo.talanoa.test" not in to


def test_a_reminder_after_the_level_narrows_reaches_only_those_who_may_still_see_it(
        convene, people, run_worker, django_capture_on_commit_callbacks, monkeypatch):
    from types import SimpleNamespace

    from meetings import tasks

    meeting = convene(starts_in=30 * DAYS, level="members", title="Narrowed meeting")
    run_worker()
    _narrow_to_core(meeting, people, django_capture_on_commit_callbacks)
    run_worker()
    mail.outbox.clear()
    meeting.refresh_from_db()
    # The day before the meeting, as the worker runs the reminder planned for it.
    monkeypatch.setattr(tasks, "timezone", SimpleNamespace(
        now=lambda: meeting.starts_at - DAYS + datetime.timedelta(minutes=1)))
    assert tasks.send_reminder.call(meeting.pk, 1, meeting.starts_at.isoformat()) > 0
    to = {m.to[0] for m in mail.outbox}
    assert "member@demo.talanoa.test" in to
    assert "observer@demo.talanoa.test" not in to


def test_the_answer_link_of_someone_no_longer_entitled_neither_shows_nor_grants_the_meeting(
        client, make_meeting, people):
    meeting = make_meeting("members", title_en="Members then core")
    operations.invite_group(meeting)
    observer = meeting.invitees.get(person=people["observer"].person)
    meeting.level = Meeting.Level.CORE
    meeting.save()
    token = rsvp_token(observer)
    response = client.get(f"/meetings/answer/{token}/")
    assert response.status_code == 404
    assert b"Members then core" not in response.content
    client.post(f"/meetings/answer/{token}/", {"response": "accepted"})
    assert client.get(meeting.get_absolute_url()).status_code == 404
