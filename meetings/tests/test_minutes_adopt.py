import pytest
from django.urls import reverse

from meetings.models import Meeting

pytestmark = pytest.mark.django_db


def _adopt(meeting):
    return reverse("meetings:minutes_adopt", args=[meeting.pk])


def test_it_adopts_and_locks(client_for, minutes_at):
    minutes = minutes_at("circulated")
    response = client_for("chair").post(_adopt(minutes.meeting), {"reason": "Second meeting"})
    assert response.status_code == 302
    minutes.refresh_from_db()
    assert minutes.is_locked
    meeting = Meeting.objects.get(pk=minutes.meeting_id)
    assert meeting.status == Meeting.Status.MINUTES_ADOPTED
    assert meeting.transitions.last().reason == "Second meeting"
    page = client_for("chair").get(reverse("meetings:minutes", args=[meeting.pk]))
    assert reverse("meetings:minutes_correct", args=[meeting.pk]).encode() in page.content
    assert reverse("meetings:minutes_edit", args=[meeting.pk]).encode() not in page.content


def test_a_draft_is_circulated_before_adoption(client_for, minutes_at):
    minutes = minutes_at("draft")
    response = client_for("chair").post(_adopt(minutes.meeting))
    assert response.status_code == 400
    minutes.refresh_from_db()
    assert minutes.status == "draft"
    assert Meeting.objects.get(pk=minutes.meeting_id).status == Meeting.Status.HELD


def test_adopting_twice_changes_nothing(client_for, minutes_at):
    minutes = minutes_at("adopted")
    adopted_at = minutes.adopted_at
    assert client_for("chair").post(_adopt(minutes.meeting)).status_code == 400
    minutes.refresh_from_db()
    assert minutes.adopted_at == adopted_at and minutes.transitions.count() == 3


def test_members_cannot_adopt(client_for, minutes_at):
    minutes = minutes_at("circulated")
    assert client_for("member").post(_adopt(minutes.meeting)).status_code == 403
    minutes.refresh_from_db()
    assert minutes.status == "circulated"
