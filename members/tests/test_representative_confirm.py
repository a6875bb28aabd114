"""Confirming a nominated representative: from then on they see what members see."""

import pytest
from django.urls import reverse

from members import operations
from members.models import Representative
from portal.models import Post
from talanoa import access

pytestmark = pytest.mark.django_db


@pytest.fixture
def nominee(letter_to, people):
    """The outsider's person, nominated by Samoa in reply to this year's letter."""
    letter = letter_to("gov-wsm")
    [representative] = operations.record_reply(
        letter, [((people["outsider"].person.name, people["outsider"].email), "representative")])
    return representative


def _url(representative) -> str:
    return reverse("members:representative_confirm", args=[representative.pk])


def test_it_confirms_and_the_person_then_sees_members_items(client_for, people, nominee):
    members_post = Post.objects.get(title_en__startswith="[members]")
    assert nominee.status == "nominated"
    assert not access.can_view(members_post, access.build_viewer(people["outsider"]))
    response = client_for("secretariat").post(_url(nominee))
    assert response.status_code == 302
    assert response["Location"] == reverse("members:representatives", args=["ict"])
    nominee.refresh_from_db()
    assert nominee.status == Representative.Status.CONFIRMED
    assert nominee.history.first().history_change_reason == "Confirmed"
    assert nominee.history.first().history_user.email == "secretariat@demo.talanoa.test"
    assert access.can_view(members_post, access.build_viewer(people["outsider"]))


def test_the_register_offers_confirm_to_editors_only(client_for, nominee):
    url = reverse("members:representatives", args=["ict"])
    assert _url(nominee).encode() in client_for("chair").get(url).content
    member_page = client_for("member").get(url)
    assert member_page.status_code == 200 and _url(nominee).encode() not in member_page.content


@pytest.mark.parametrize(("standing", "status"), [("member", 403), ("consultative", 403),
                                                  ("outsider", 404)])
def test_others_cannot_confirm(client_for, nominee, standing, status):
    assert client_for(standing).post(_url(nominee)).status_code == status
    nominee.refresh_from_db()
    assert nominee.status == "nominated"


def test_it_refuses_get(client_for, nominee):
    assert client_for("chair").get(_url(nominee)).status_code == 405
