"""Marking one letter as sent."""

import pytest
from django.urls import reverse

from members.models import NominationLetter

pytestmark = pytest.mark.django_db


def test_it_marks_the_letter_sent(client_for, letter_to):
    letter = letter_to("gov-fji")
    response = client_for("chair").post(reverse("members:letter_sent", args=[letter.pk]))
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.status == NominationLetter.Status.SENT and letter.sent_at is not None
    assert letter.history.first().history_change_reason == "Sent"


def test_an_answered_letter_stays_answered(letter_to):
    from members import operations

    letter = letter_to("gov-fji")
    operations.record_reply(letter, [(("A Person", "a.person@example.fj"), "representative")])
    operations.mark_letter_sent(letter)
    letter.refresh_from_db()
    assert letter.status == NominationLetter.Status.ANSWERED and letter.sent_at is None


def test_it_refuses_get_and_members(client_for, letter_to):
    letter = letter_to("gov-fji")
    url = reverse("members:letter_sent", args=[letter.pk])
    assert client_for("chair").get(url).status_code == 405
    assert client_for("member").post(url).status_code == 403
    assert client_for("outsider").post(url).status_code == 404
    letter.refresh_from_db()
    assert letter.status == NominationLetter.Status.DRAFTED
