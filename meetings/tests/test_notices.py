"""The texts of meeting emails, edited by the secretariat in English and French (issue 3,
point 2), with a preview on a sample meeting and a way back to the default."""

import pytest
from django.urls import reverse

from meetings.models import Invitee, NoticeTemplate
from meetings.notices import DEFAULT_NOTICES, PLACEHOLDERS, notice_message

pytestmark = pytest.mark.django_db
EDIT = reverse("meetings:notice_edit", args=["reminder", "fr"])


def test_it_lists_every_kind_in_both_languages(client_for):
    response = client_for("secretariat").get(reverse("meetings:notices"))
    assert response.status_code == 200
    for kind in NoticeTemplate.Kind.values:
        for language in ("en", "fr"):
            assert reverse("meetings:notice_edit", args=[kind, language]).encode() in (
                response.content)
    assert response.content.count(b"<td>default</td>") == 8


@pytest.mark.parametrize(("standing", "status"), [("anonymous", 302), ("member", 404),
                                                  ("outsider", 404)])
def test_only_editors_see_it(client_for, standing, status):
    assert client_for(standing).get(reverse("meetings:notices")).status_code == status
    assert client_for(standing).get(EDIT).status_code == status
    assert client_for(standing).post(EDIT, {"subject": "x", "body": "y"}).status_code == status
    assert not NoticeTemplate.objects.exists()


def test_it_shows_the_default_and_the_placeholders(client_for):
    response = client_for("chair").get(EDIT)
    assert response.status_code == 200
    subject, _body = DEFAULT_NOTICES[("reminder", "fr")]
    assert subject.encode() in response.content
    for name in PLACEHOLDERS:
        assert f"translate=\"no\">{{{name}}}</code>".encode() in response.content


def test_a_preview_fills_in_a_sample_meeting_and_saves_nothing(client_for):
    response = client_for("chair").post(EDIT, {
        "subject": "Rappel : {title}", "body": "Dans {days} jours, à {place}.\n{link}",
        "preview": ""})
    assert response.status_code == 200
    assert "Rappel : Exemple : réunion annuelle du groupe de travail".encode() in (
        response.content)
    assert "Dans 14 jours, à Tanoa Tusitala Hotel, Apia.".encode() in response.content
    assert not NoticeTemplate.objects.exists()


def test_saving_makes_emails_use_the_text(client_for, demo_meeting):
    response = client_for("secretariat").post(EDIT, {
        "subject": "Rappel : {title}", "body": "La réunion {title} a lieu dans {days} jours."})
    assert response.status_code == 302
    row = NoticeTemplate.objects.get(kind="reminder", language="fr")
    assert row.subject == "Rappel : {title}"
    meeting = demo_meeting("public")
    invitee = Invitee.objects.filter(meeting=meeting).select_related("person").first()
    invitee.person.language = "fr"
    message = notice_message(meeting, invitee, "reminder", days=3)
    assert message.subject == f"Rappel : {meeting.title_fr}"
    assert message.body == f"La réunion {meeting.title_fr} a lieu dans 3 jours."
    listing = client_for("secretariat").get(reverse("meetings:notices")).content
    assert listing.count(b"<strong>edited</strong>") == 1


def test_an_unknown_placeholder_is_refused(client_for):
    response = client_for("chair").post(EDIT, {"subject": "Rappel", "body": "Le {titel}"})
    assert response.status_code == 400
    assert b"Unknown placeholder: {titel}. Allowed: {title}, {group}" in response.content
    assert not NoticeTemplate.objects.exists()


def test_restoring_the_default_keeps_the_edit_in_the_history(client_for):
    client = client_for("chair")
    client.post(EDIT, {"subject": "Rappel", "body": "Texte du secrétariat"})
    restore = reverse("meetings:notice_restore", args=["reminder", "fr"])
    assert client.get(restore).status_code == 405
    assert client_for("member").post(restore).status_code == 404
    assert client.post(restore, {"expected_version": 1}).status_code == 302
    row = NoticeTemplate.objects.get(kind="reminder", language="fr")
    assert (row.subject, row.body) == DEFAULT_NOTICES[("reminder", "fr")]
    assert row.history.filter(body="Texte du secrétariat").exists()
    page = client.get(EDIT)
    assert b"This is the default text." in page.content
    history = client.get(reverse("history:object", args=["meetings.noticetemplate", row.pk]))
    assert history.status_code == 200 and "Texte du secrétariat".encode() in history.content


def test_an_unknown_kind_or_language_is_not_found(client_for):
    client = client_for("chair")
    assert client.get(reverse("meetings:notice_edit", args=["invented", "fr"])).status_code == 404
    assert client.get(reverse("meetings:notice_edit", args=["reminder", "to"])).status_code == 404
