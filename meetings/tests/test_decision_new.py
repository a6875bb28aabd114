import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _new(meeting):
    return reverse("meetings:decision_new", args=[meeting.pk])


def test_it_records_numbered_decisions(client_for, minutes_at):
    minutes = minutes_at("circulated")
    client = client_for("secretariat")
    assert client.get(_new(minutes.meeting)).status_code == 200
    client.post(_new(minutes.meeting), {"text_en": "Endorse the strategy",
                                        "text_fr": "Approuver la stratégie"})
    response = client.post(_new(minutes.meeting), {"text_fr": "Créer un groupe spécial"})
    assert response.status_code == 302
    assert list(minutes.meeting.decisions.values_list("number", "text_en")) == [
        (1, "Endorse the strategy"), (2, "")]
    page = client_for("member").get(reverse("meetings:minutes", args=[minutes.meeting.pk]))
    assert b"Endorse the strategy" in page.content
    # Shown in the reader's language, falling back with a mark.
    assert "Créer un groupe spécial".encode() in page.content


def test_an_empty_decision_is_refused(client_for, minutes_at):
    minutes = minutes_at("draft")
    response = client_for("chair").post(_new(minutes.meeting), {"text_en": " ", "text_fr": ""})
    assert response.status_code == 400
    assert b"Give the decision in English or French" in response.content
    assert not minutes.meeting.decisions.exists()


def test_adopted_minutes_take_no_new_decision(client_for, minutes_at):
    minutes = minutes_at("adopted")
    response = client_for("chair").post(_new(minutes.meeting), {"text_en": "Late"})
    assert response.status_code == 400
    assert not minutes.meeting.decisions.exists()


def test_members_cannot_record_decisions(client_for, minutes_at):
    minutes = minutes_at("draft")
    assert client_for("member").post(_new(minutes.meeting), {"text_en": "Mine"}
                                     ).status_code == 403
    assert not minutes.meeting.decisions.exists()
