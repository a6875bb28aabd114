"""Marking every drafted letter of a round as sent."""

import pytest
from django.urls import reverse

from members.models import NominationLetter

pytestmark = pytest.mark.django_db


def test_it_marks_drafted_letters_sent(client_for, open_round):
    round_ = open_round()
    response = client_for("chair").post(reverse("members:round_send", args=[round_.pk]))
    assert response.status_code == 302
    assert not round_.letters.filter(status=NominationLetter.Status.DRAFTED).exists()
    assert not round_.letters.filter(sent_at__isnull=True).exists()


def test_it_refuses_get_and_members(client_for, open_round):
    round_ = open_round()
    url = reverse("members:round_send", args=[round_.pk])
    assert client_for("chair").get(url).status_code == 405
    assert client_for("member").post(url).status_code == 403
    assert client_for("outsider").post(url).status_code == 404
    assert not round_.letters.exclude(status=NominationLetter.Status.DRAFTED).exists()
