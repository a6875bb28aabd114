"""Recording an organisation's reply: its nominees enter the register as nominated (R2)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from members.models import NominationLetter, Person, Representative
from members.tests.nominations import reply_data

pytestmark = pytest.mark.django_db


def _url(letter) -> str:
    return reverse("members:letter_reply", args=[letter.pk])


def _counts() -> tuple[int, int, int]:
    return (Representative.objects.count(), Person.objects.count(),
            NominationLetter.objects.filter(status="answered").count())


def test_it_records_nominees_and_the_document(client_for, letter_to, media):
    letter = letter_to("gov-ton")
    tevita = Person.objects.get(email="tevita.fifita@example.org")
    upload = SimpleUploadedFile("Tonga nomination.pdf", b"%PDF-1.4 nomination",
                                content_type="application/pdf")
    response = client_for("secretariat").post(_url(letter), reply_data(
        {"person": tevita.pk},
        {"name": "Sela Havili", "email": "Sela@Example.to", "role": "alternate"},
        note="Letter of the CEO, 3 March.", document=upload))
    assert response.status_code == 302 and response["Location"] == letter.round.get_absolute_url()
    letter.refresh_from_db()
    assert letter.status == NominationLetter.Status.ANSWERED and letter.replied_at
    assert letter.reply_note == "Letter of the CEO, 3 March."
    assert letter.reply_document.read() == b"%PDF-1.4 nomination"
    sela = Person.objects.get(email="sela@example.to")
    assert sela.organisation == letter.organisation and sela.name == "Sela Havili"
    new = Representative.objects.get(person=sela)
    assert (new.year, new.role, new.status) == (letter.round.year, "alternate", "nominated")
    assert new.nomination_document.name == letter.reply_document.name
    assert new.history.first().history_change_reason.startswith("Nominated")
    # Tevita was already confirmed for this year: the reply keeps him confirmed.
    assert Representative.objects.get(person=tevita, year=letter.round.year).status == "confirmed"


def test_the_not_answered_list_shrinks(client_for, letter_to):
    letter = letter_to("gov-ncl")
    client = client_for("chair")
    before = client.get(letter.round.get_absolute_url()).context["not_answered"]
    assert letter in before
    client.post(_url(letter), reply_data({"name": "Jean Tein", "email": "jean.tein@example.nc"}))
    after = client.get(letter.round.get_absolute_url()).context["not_answered"]
    assert len(after) == len(before) - 1 and letter not in after


def test_a_reply_without_a_nominee_changes_nothing(client_for, letter_to):
    letter = letter_to("gov-ton")
    before = _counts()
    response = client_for("secretariat").post(_url(letter), reply_data(note="They will write."))
    assert response.status_code == 400
    assert "Name at least one representative" in response.content.decode()
    assert _counts() == before


def test_a_new_person_needs_a_name_and_an_email(client_for, letter_to):
    letter = letter_to("gov-ton")
    before = _counts()
    response = client_for("secretariat").post(_url(letter), reply_data({"name": "Sela Havili"}))
    assert response.status_code == 400
    assert b"Give both the name and the email of the new person." in response.content
    assert _counts() == before


def test_a_bad_file_changes_nothing(client_for, letter_to, media):
    letter = letter_to("gov-ton")
    before = _counts()
    upload = SimpleUploadedFile("nomination.exe", b"MZ...", content_type="application/x-msdos")
    response = client_for("secretariat").post(_url(letter), reply_data(
        {"name": "Sela Havili", "email": "sela@example.to"}, document=upload))
    assert response.status_code == 400
    assert b"Files of this type are not accepted" in response.content
    assert _counts() == before
    assert not list(media.rglob("*"))


def test_a_file_whose_content_is_not_its_name_changes_nothing(client_for, letter_to, media):
    letter = letter_to("gov-ton")
    before = _counts()
    upload = SimpleUploadedFile("nomination.pdf", b"MZ\x90\x00" + bytes(64),
                                content_type="application/pdf")
    response = client_for("secretariat").post(_url(letter), reply_data(
        {"name": "Sela Havili", "email": "sela@example.to"}, document=upload))
    assert response.status_code == 400
    assert "This file&#x27;s content is not a PDF." in response.content.decode()
    assert _counts() == before
    assert not list(media.rglob("*"))


def test_the_form_shows_the_people_of_the_organisation(client_for, letter_to):
    letter = letter_to("gov-ton")
    response = client_for("secretariat").get(_url(letter))
    assert response.status_code == 200
    choices = response.context["formset"].forms[0].fields["person"].queryset
    assert list(choices.values_list("email", flat=True)) == ["tevita.fifita@example.org"]
    assert b'enctype="multipart/form-data"' in response.content


@pytest.mark.parametrize(("standing", "status"), [("member", 403), ("observer", 403),
                                                  ("outsider", 404)])
def test_it_is_for_the_chair_and_secretariat(client_for, letter_to, standing, status):
    letter = letter_to("gov-fji")
    before = _counts()
    response = client_for(standing).post(_url(letter), reply_data(
        {"name": "Intruder", "email": "intruder@example.org"}))
    assert response.status_code == status
    assert _counts() == before
