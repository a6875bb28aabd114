"""A representative's nomination document: members of the group only, always as a download."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from members import operations
from members.models import Representative

pytestmark = pytest.mark.django_db


@pytest.fixture
def nominated(letter_to, media):
    letter = letter_to("gov-fji")
    person = Representative.objects.get(person__email="member@demo.talanoa.test").person
    [rep] = operations.record_reply(
        letter, [(person, "representative")],
        document=ContentFile(b"<html>Nomination of Ana</html>", "fiji.txt"))
    return rep


def _url(rep) -> str:
    return reverse("members:nomination_document", args=[rep.pk])


@pytest.mark.parametrize("standing", ["member", "observer", "consultative", "chair"])
def test_members_of_the_group_download_it(client_for, nominated, standing):
    response = client_for(standing).get(_url(nominated))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == b"<html>Nomination of Ana</html>"


def test_the_register_links_it(client_for, nominated):
    page = client_for("member").get(reverse("members:representatives", args=["ict"]))
    assert _url(nominated).encode() in page.content


def test_others_see_nothing(client_for, nominated):
    assert client_for("outsider").get(_url(nominated)).status_code == 404
    anonymous = client_for("anonymous").get(_url(nominated))
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


def test_no_document_is_404(client_for):
    rep = Representative.objects.get(person__email="member@demo.talanoa.test")
    assert client_for("member").get(_url(rep)).status_code == 404
