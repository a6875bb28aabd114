"""The nomination letter as a PDF, with Pacific names and French as written."""

import pytest
from django.urls import reverse

from members.models import Organisation
from members.tests.nominations import pdf_text

pytestmark = pytest.mark.django_db


def _get(client, letter):
    return client.get(reverse("members:letter_pdf", args=[letter.pk]))


def test_it_is_a_pdf_download_with_the_names_as_written(client_for, letter_to):
    Organisation.objects.filter(slug="gov-wsm").update(
        head_name="Hon. Fiamē Naomi Mataʻafa", head_title="Prime Minister")
    letter = letter_to("gov-wsm")
    response = _get(client_for("secretariat"), letter)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert f"nomination-{letter.round.year}-gov-wsm.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.content.startswith(b"%PDF-")
    text = pdf_text(response.content)
    assert "Hon. Fiamē Naomi Mataʻafa" in text
    assert "Dr Mele Taufa (demo chair)" in text
    assert "?" not in text  # every glyph maps back to its character


def test_it_is_in_french_for_wallis_and_futuna(client_for, letter_to):
    Organisation.objects.filter(slug="gov-wlf").update(head_name="M. Munipoese Muliʻakaʻaka")
    response = _get(client_for("chair"), letter_to("gov-wlf"))
    text = pdf_text(response.content)
    assert "M. Munipoese Muliʻakaʻaka" in text
    assert "Wallis-et-Futuna" in text
    assert "Madame, Monsieur," in text
    assert "considération" in text
    assert "?" not in text


def test_a_member_is_refused(client_for, letter_to):
    letter = letter_to("gov-fji")
    assert _get(client_for("member"), letter).status_code == 403
    assert _get(client_for("outsider"), letter).status_code == 404
