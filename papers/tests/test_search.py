"""One search over papers too: a word only a restricted PDF contains is found by the people
the paper names, and by nobody else, not even as a count."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from members.models import Organisation
from papers.tests.test_files import pdf_with

pytestmark = pytest.mark.django_db
WORD = "Nukulaelaeconnect"


@pytest.fixture
def restricted_paper(make_paper, client_for, django_capture_on_commit_callbacks):
    paper = make_paper("restricted", lead="spc", title="Confidential cable pricing")
    paper.restricted_organisations.add(Organisation.objects.get(slug="gov-fji"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("secretariat").post(
            reverse("papers:file_upload", args=[paper.pk]),
            {"title": "Annex", "file": SimpleUploadedFile(
                "annex.pdf", pdf_with(f"The {WORD} landing station costs"))})
    assert response.status_code == 302
    return paper


@pytest.mark.parametrize("standing", ["anonymous", "outsider", "consultative", "observer"])
def test_a_word_in_a_restricted_pdf_finds_nothing_for_others(client_for, restricted_paper,
                                                             standing):
    page = client_for(standing).get(reverse("portal:search"), {"q": WORD}).content.decode()
    assert "Confidential cable pricing" not in page and "landing station" not in page
    assert "No match." in page and "1 result" not in page and "Papers (" not in page


@pytest.mark.parametrize("standing", ["member", "chair", "secretariat"])
def test_a_word_in_a_restricted_pdf_finds_the_paper_for_the_people_named(
        client_for, restricted_paper, standing):
    page = client_for(standing).get(reverse("portal:search"), {"q": WORD}).content.decode()
    assert "Confidential cable pricing" in page
    assert f"<mark>{WORD}</mark>" in page


def test_a_published_paper_is_found_by_the_public(client, make_paper,
                                                   django_capture_on_commit_callbacks):
    from papers import operations

    paper = make_paper("public", title="Open data portals for Pacific statistics")
    paper.summary_en = "Kiribati publishes its census as open data."
    with django_capture_on_commit_callbacks(execute=True):
        operations.save_paper(paper, paper.version)
    page = client.get(reverse("portal:search"), {"q": "Kiribati census"}).content.decode()
    assert "Open data portals for Pacific statistics" in page
