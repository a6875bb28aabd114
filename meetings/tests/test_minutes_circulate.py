import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db


def _circulate(meeting):
    return reverse("meetings:minutes_circulate", args=[meeting.pk])


def test_it_circulates_until_a_date(client_for, minutes_at):
    minutes = minutes_at("draft")
    until = timezone.localdate() + datetime.timedelta(days=10)
    response = client_for("chair").post(_circulate(minutes.meeting),
                                        {"comments_until": until.isoformat()})
    assert response.status_code == 302
    minutes.refresh_from_db()
    assert (minutes.status, minutes.comments_until) == ("circulated", until)
    assert minutes.transitions.last().to_status == "circulated"


def test_a_date_in_the_past_is_refused(client_for, minutes_at):
    minutes = minutes_at("draft")
    past = timezone.localdate() - datetime.timedelta(days=1)
    for data in ({"comments_until": past.isoformat()}, {"comments_until": "soon"}, {}):
        response = client_for("chair").post(_circulate(minutes.meeting), data)
        assert response.status_code == 400, data
    minutes.refresh_from_db()
    assert minutes.status == "draft" and minutes.comments_until is None
    assert minutes.transitions.count() == 1


def test_adopted_minutes_are_not_circulated_again(client_for, minutes_at):
    minutes = minutes_at("adopted")
    until = timezone.localdate() + datetime.timedelta(days=10)
    response = client_for("chair").post(_circulate(minutes.meeting),
                                        {"comments_until": until.isoformat()})
    assert response.status_code == 400
    minutes.refresh_from_db()
    assert minutes.status == "adopted"


def test_members_cannot_circulate(client_for, minutes_at):
    minutes = minutes_at("draft")
    until = timezone.localdate() + datetime.timedelta(days=10)
    assert client_for("member").post(_circulate(minutes.meeting), {
        "comments_until": until.isoformat()}).status_code == 403
    minutes.refresh_from_db()
    assert minutes.status == "draft"
