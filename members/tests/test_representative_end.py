"""Ending a representation: the row stays in the register, with its history."""

import pytest
from django.urls import reverse
from django.utils import timezone

from members.models import Representative

pytestmark = pytest.mark.django_db


def _fiji() -> Representative:
    return Representative.objects.get(person__email="member@demo.talanoa.test")


def test_it_ends_and_keeps_the_row(client_for):
    rep = _fiji()
    response = client_for("chair").post(reverse("members:representative_end", args=[rep.pk]))
    assert response.status_code == 302
    rep.refresh_from_db()
    assert rep.ended_on == timezone.localdate()
    assert rep.history.first().history_change_reason == "Ended"
    page = client_for("chair").get(reverse("members:representatives", args=["ict"]))
    assert rep in page.context["past"] and rep not in page.context["current"]


def test_an_ended_representation_cannot_be_confirmed(client_for):
    rep = _fiji()
    client = client_for("secretariat")
    client.post(reverse("members:representative_end", args=[rep.pk]))
    Representative.objects.filter(pk=rep.pk).update(status="nominated")
    client.post(reverse("members:representative_confirm", args=[rep.pk]))
    assert Representative.objects.get(pk=rep.pk).status == "nominated"


def test_a_member_cannot_end_a_representation(client_for):
    rep = _fiji()
    url = reverse("members:representative_end", args=[rep.pk])
    assert client_for("member").post(url).status_code == 403
    assert client_for("outsider").post(url).status_code == 404
    rep.refresh_from_db()
    assert rep.ended_on is None
