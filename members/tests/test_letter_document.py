"""The document that came with a reply, for the chair and secretariat."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from members import operations

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(letter_to, media):
    letter = letter_to("pita")
    operations.record_reply(letter, [(("Rahul Prasad", "rahul.prasad@example.org"),
                                      "representative")],
                            document=ContentFile(b"PITA nominates Rahul", "pita.txt"))
    return letter


def test_editors_download_it(client_for, answered):
    response = client_for("secretariat").get(reverse("members:letter_document",
                                                     args=[answered.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == b"PITA nominates Rahul"


def test_the_round_page_links_it(client_for, answered):
    page = client_for("chair").get(answered.round.get_absolute_url())
    assert reverse("members:letter_document", args=[answered.pk]).encode() in page.content


def test_members_are_refused(client_for, answered):
    url = reverse("members:letter_document", args=[answered.pk])
    assert client_for("member").get(url).status_code == 403
    assert client_for("outsider").get(url).status_code == 404
