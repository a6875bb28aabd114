"""The nomination letter as a page: to the head of the organisation, in its language (R1)."""

import pytest
from django.urls import reverse
from django.utils import dateformat, timezone, translation

from members.models import NominationLetter, Organisation

pytestmark = pytest.mark.django_db


def _url(letter) -> str:
    return reverse("members:letter", args=[letter.pk])


def test_it_writes_to_the_head_and_is_signed_by_the_chair(client_for, letter_to):
    Organisation.objects.filter(slug="gov-ton").update(
        head_name="Hon. Fekitamoeloa ʻUtoikamanu", head_title="Minister for MEIDECC")
    letter = letter_to("gov-ton")
    response = client_for("secretariat").get(_url(letter))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Hon. Fekitamoeloa ʻUtoikamanu" in body and "Minister for MEIDECC" in body
    assert "Dear Hon. Fekitamoeloa ʻUtoikamanu," in body
    assert "Government of Tonga" in body
    assert f"representatives to the CROP ICT Working Group for {letter.round.year}" in body
    assert dateformat.format(letter.round.deadline, "j F Y") in body
    assert "Dr Mele Taufa (demo chair)" in body and "Chair, CROP ICT Working Group" in body
    assert "secretariat@demo.talanoa.test" in body  # where to reply
    assert 'lang="en"' in body


def test_it_writes_in_french_to_french_speaking_organisations(client_for, letter_to):
    letter = letter_to("gov-pyf")
    assert letter.language == "fr"
    response = client_for("chair").get(_url(letter))
    body = response.content.decode()
    assert '<article class="letter" lang="fr">' in body
    assert "Madame, Monsieur," in body
    assert "Polynésie française" in body
    assert "Groupe de travail du CORP sur les TIC" in body
    with translation.override("fr"):
        deadline = dateformat.format(letter.round.deadline, "j F Y")
    assert f"au plus tard le {deadline}" in body
    assert "Pour la présidence du Groupe de travail du CORP sur les TIC" in body
    assert "Dear " not in body
    # The page around the letter stays in the reader's language.
    assert "Download the PDF" in body


def test_it_says_when_the_chair_or_the_head_is_missing(client_for, letter_to):
    from members.models import Representative

    Representative.objects.filter(role="chair").update(ended_on=timezone.localdate())
    response = client_for("secretariat").get(_url(letter_to("gov-fji")))
    body = response.content.decode()
    assert "No confirmed chair is on the register" in body
    assert "Dear Sir or Madam," in body and "The Head of the Organisation" in body


def test_it_escapes_what_the_record_holds(client_for, letter_to):
    Organisation.objects.filter(slug="gov-fji").update(head_name="<script>x()</script>")
    body = client_for("chair").get(_url(letter_to("gov-fji"))).content
    assert b"<script>x()" not in body and b"&lt;script&gt;" in body


def test_a_member_is_refused_and_an_outsider_sees_nothing(client_for, letter_to):
    letter = letter_to("gov-fji")
    assert client_for("member").get(_url(letter)).status_code == 403
    assert client_for("observer").get(_url(letter)).status_code == 403
    assert client_for("outsider").get(_url(letter)).status_code == 404
    assert client_for("anonymous").get(_url(letter)).status_code == 302
    assert NominationLetter.objects.get(pk=letter.pk).status == "drafted"
