import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _correct(meeting):
    return reverse("meetings:minutes_correct", args=[meeting.pk])


def test_a_correction_keeps_both_revisions_with_the_reason(client_for, minutes_at):
    minutes = minutes_at("adopted", text="Decision 2 adopted on 3 May")
    client = client_for("secretariat")
    assert client.get(_correct(minutes.meeting)).status_code == 200
    response = client.post(_correct(minutes.meeting), {
        "text": "Decision 2 adopted on 4 May", "reason": "Wrong date", "expected_revision": 1})
    assert response.status_code == 302
    assert list(minutes.revisions.values_list("number", "text", "is_correction", "reason")) == [
        (1, "Decision 2 adopted on 3 May", False, ""),
        (2, "Decision 2 adopted on 4 May", True, "Wrong date")]
    minutes.refresh_from_db()
    assert minutes.status == "adopted"
    # Readers see the correction and its reason, and the adopted revision is still there.
    page = client_for("anonymous").get(reverse("meetings:minutes", args=[minutes.meeting.pk]))
    assert b"4 May" in page.content and b"Wrong date" in page.content
    first = client_for("anonymous").get(reverse("meetings:minutes_revision",
                                                args=[minutes.meeting.pk, 1]))
    assert first.status_code == 200 and b"3 May" in first.content


def test_a_correction_needs_a_reason(client_for, minutes_at):
    minutes = minutes_at("adopted", text="Adopted")
    response = client_for("chair").post(_correct(minutes.meeting), {
        "text": "Changed", "reason": "  ", "expected_revision": 1})
    assert response.status_code == 400
    assert b"Give the reason for the correction" in response.content
    assert minutes.revisions.count() == 1


def test_draft_minutes_are_edited_not_corrected(client_for, minutes_at):
    minutes = minutes_at("circulated")
    client = client_for("chair")
    assert client.get(_correct(minutes.meeting)).status_code == 302
    response = client.post(_correct(minutes.meeting), {
        "text": "Changed", "reason": "Because", "expected_revision": 1})
    assert response.status_code == 400
    assert not minutes.revisions.filter(is_correction=True).exists()


def test_members_cannot_correct(client_for, minutes_at):
    minutes = minutes_at("adopted")
    response = client_for("member").post(_correct(minutes.meeting), {
        "text": "Changed", "reason": "Because", "expected_revision": 1})
    assert response.status_code == 403
    assert minutes.revisions.count() == 1
