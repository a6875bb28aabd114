"""Two editors at once on a meeting's agenda or on the text of a notice (issue 25, L1): the
first save wins, the second, made from the page as it was before, is refused with the conflict
shown (409) and changes nothing."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from meetings.models import AgendaItem, NoticeTemplate
from meetings.notices import DEFAULT_NOTICES
from talanoa.tests.test_concurrency import form_data

pytestmark = pytest.mark.django_db
NOTICE = reverse("meetings:notice_edit", args=["reminder", "fr"])
RESTORE = reverse("meetings:notice_restore", args=["reminder", "fr"])


def _agenda_page(client, meeting) -> dict:
    response = client.get(reverse("meetings:agenda_edit", args=[meeting.pk]))
    assert response.status_code == 200
    return form_data(response.content, "agenda-TOTAL_FORMS")


def _restore_button(page: bytes) -> dict:
    """The fields of the "Restore the default text" form, as the browser would send them."""
    form = BeautifulSoup(page, "html.parser").find("form", action=RESTORE)
    return {field["name"]: field.get("value", "") for field in form.find_all("input")
            if field.get("name") != "csrfmiddlewaretoken"}


def test_the_second_of_two_agenda_saves_conflicts_and_the_first_stays(client_for, make_meeting):
    meeting = make_meeting()
    AgendaItem.objects.create(meeting=meeting, order=1, title_en="Opening")
    first, second = client_for("secretariat"), client_for("chair")
    url = reverse("meetings:agenda_edit", args=[meeting.pk])
    theirs, yours = _agenda_page(first, meeting), _agenda_page(second, meeting)
    theirs |= {"agenda-0-title_en": "Opening and welcome", "agenda-1-order": "2",
               "agenda-1-title_en": "Submarine cables"}
    yours |= {"agenda-0-title_en": "Opening prayer", "agenda-0-order": "3"}
    assert first.post(url, theirs).status_code == 302
    response = second.post(url, yours)
    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone else saved this record while you were editing it" in page
    assert "Submarine cables" in page  # their agenda, shown
    assert 'value="Opening prayer"' in page  # and the editor's own version, kept in the form
    items = list(meeting.agenda.order_by("order"))
    assert [(i.order, i.title_en) for i in items] == [(1, "Opening and welcome"),
                                                      (2, "Submarine cables")]
    # Saving again from the conflict page is a choice made having seen theirs: it goes through.
    again = form_data(page, "agenda-TOTAL_FORMS")
    assert second.post(url, again).status_code == 302
    assert meeting.agenda.get(pk=items[0].pk).title_en == "Opening prayer"


def test_a_stale_agenda_save_is_refused_in_the_readers_language(client_for, make_meeting):
    meeting = make_meeting()
    url = reverse("meetings:agenda_edit", args=[meeting.pk])
    first, second = client_for("secretariat"), client_for("chair")
    theirs, yours = _agenda_page(first, meeting), _agenda_page(second, meeting)
    assert first.post(url, theirs | {"agenda-0-order": "1",
                                     "agenda-0-title_en": "Budget"}).status_code == 302
    second.cookies["django_language"] = "fr"
    response = second.post(url, yours | {"agenda-0-order": "1",
                                         "agenda-0-title_en": "Câbles"},
                           HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 409
    assert "Enregistré entre-temps par quelqu’un d’autre" in response.content.decode()
    assert [i.title_en for i in meeting.agenda.all()] == ["Budget"]


def test_an_agenda_post_without_the_version_it_started_from_changes_nothing(client_for,
                                                                           make_meeting):
    meeting = make_meeting()
    AgendaItem.objects.create(meeting=meeting, order=1, title_en="Opening")
    data = _agenda_page(client_for("chair"), meeting)
    del data["expected_state"]
    response = client_for("chair").post(reverse("meetings:agenda_edit", args=[meeting.pk]),
                                        data | {"agenda-0-title_en": "Changed"})
    assert response.status_code == 409
    assert meeting.agenda.get().title_en == "Opening"


def test_the_second_of_two_notice_saves_conflicts_and_the_first_stays(client_for):
    first, second = client_for("secretariat"), client_for("chair")
    theirs = form_data(first.get(NOTICE).content, "body")
    yours = form_data(second.get(NOTICE).content, "body")
    assert first.post(NOTICE, theirs | {"subject": "Rappel : {title}",
                                        "body": "Le texte du secrétariat."}).status_code == 302
    response = second.post(NOTICE, yours | {"subject": "Rappel", "body": "Le texte du président."})
    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone else saved this record while you were editing it" in page
    assert "Le texte du secrétariat." in page and "Le texte du président." in page
    row = NoticeTemplate.objects.get(kind="reminder", language="fr")
    assert (row.subject, row.body) == ("Rappel : {title}", "Le texte du secrétariat.")
    # Once edited, the text conflicts the same way: each save starts from the version saved.
    third = form_data(first.get(NOTICE).content, "body")
    assert first.post(NOTICE, third | {"body": "Deuxième texte."}).status_code == 302
    assert second.post(NOTICE, form_data(page, "body")).status_code == 409
    assert NoticeTemplate.objects.get(pk=row.pk).body == "Deuxième texte."


def test_a_preview_from_a_stale_page_is_still_shown(client_for):
    first, second = client_for("secretariat"), client_for("chair")
    yours = form_data(second.get(NOTICE).content, "body")
    first.post(NOTICE, form_data(first.get(NOTICE).content, "body") | {"body": "Premier."})
    response = second.post(NOTICE, yours | {"body": "Aperçu.", "preview": ""})
    assert response.status_code == 200 and "Aperçu." in response.content.decode()
    assert NoticeTemplate.objects.get(kind="reminder", language="fr").body == "Premier."


def test_restoring_the_default_from_a_stale_page_changes_nothing(client_for):
    first, second = client_for("secretariat"), client_for("chair")
    first.post(NOTICE, form_data(first.get(NOTICE).content, "body") | {"body": "Premier."})
    stale = _restore_button(second.get(NOTICE).content)
    assert stale == {"expected_version": "1"}
    first.post(NOTICE, form_data(first.get(NOTICE).content, "body") | {"body": "Deuxième."})
    response = second.post(RESTORE, stale, follow=True)
    assert ("Someone saved this text after you opened the page, so the default text was not "
            "restored.") in response.content.decode()
    row = NoticeTemplate.objects.get(kind="reminder", language="fr")
    assert row.body == "Deuxième."
    assert second.post(RESTORE, _restore_button(second.get(NOTICE).content)).status_code == 302
    row.refresh_from_db()
    assert (row.subject, row.body) == DEFAULT_NOTICES[("reminder", "fr")]
