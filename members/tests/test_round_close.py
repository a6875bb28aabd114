"""Closing a round: nothing more is awaited, late replies can still be recorded."""

import pytest
from django.urls import reverse

from members.models import NominationLetter, Representative
from members.tests.nominations import reply_data

pytestmark = pytest.mark.django_db


def test_it_closes_and_still_takes_late_replies(client_for, open_round):
    round_ = open_round()
    client = client_for("secretariat")
    assert client.post(reverse("members:round_close", args=[round_.pk])).status_code == 302
    round_.refresh_from_db()
    assert round_.closed_at is not None
    home = client.get(reverse("portal:member_home"))
    assert not list(home.context["unanswered"])  # a closed round no longer waits on anyone
    letter = round_.letters.get(organisation__slug="gov-tuv")
    response = client.post(reverse("members:letter_reply", args=[letter.pk]), reply_data(
        {"name": "Late Nominee", "email": "late@example.tv"}))
    assert response.status_code == 302
    assert Representative.objects.filter(person__email="late@example.tv").exists()
    letter.refresh_from_db()
    assert letter.status == NominationLetter.Status.ANSWERED


def test_reopening_a_closed_year_drafts_nothing(open_round):
    from members import operations

    round_ = open_round()
    operations.close_round(round_)
    round_.letters.filter(organisation__slug="gov-tuv").delete()
    assert open_round().letters.count() == round_.letters.count()


def test_a_member_cannot_close(client_for, open_round):
    round_ = open_round()
    assert client_for("member").post(
        reverse("members:round_close", args=[round_.pk])).status_code == 403
    round_.refresh_from_db()
    assert round_.closed_at is None
