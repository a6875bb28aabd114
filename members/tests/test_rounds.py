"""The list of nomination rounds, and opening the year's round (R1)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from members.models import Membership, NominationLetter, NominationRound, Organisation

pytestmark = pytest.mark.django_db
URL = reverse("members:rounds")


def _form(group, **changes) -> dict:
    today = timezone.localdate()
    return {"group": group.pk, "year": today.year,
            "deadline": (today + datetime.timedelta(days=42)).isoformat()} | changes


def test_it_drafts_one_letter_per_member_and_observer_organisation(client_for, group):
    response = client_for("secretariat").post(URL, _form(group))
    round_ = NominationRound.objects.get(group=group)
    assert response.status_code == 302 and response["Location"] == round_.get_absolute_url()
    expected = set(Membership.objects.active().filter(group=group, kind__in=["member", "observer"])
                   .values_list("organisation__slug", flat=True))
    letters = list(round_.letters.select_related("organisation"))
    assert sorted(letter.organisation.slug for letter in letters) == sorted(expected)
    assert {"jica", "piango"} <= expected  # observers are written to
    assert "picisoc" not in expected  # consultative participants are not (R3)
    assert round_.opened_by.email == "secretariat@demo.talanoa.test"
    assert all(letter.status == NominationLetter.Status.DRAFTED for letter in letters)


def test_it_writes_in_french_to_french_speaking_organisations(client_for, group):
    client_for("chair").post(URL, _form(group))
    french = NominationLetter.objects.filter(language="fr").values_list("organisation__slug",
                                                                        flat=True)
    assert set(french) == {"gov-pyf", "gov-ncl", "gov-wlf"}
    assert set(Organisation.objects.filter(language="fr").values_list("slug", flat=True)) == set(
        french)


def test_it_is_idempotent_for_a_group_and_year(client_for, group):
    client = client_for("secretariat")
    client.post(URL, _form(group))
    count = NominationLetter.objects.count()
    response = client.post(URL, _form(group), follow=True)
    assert NominationRound.objects.filter(group=group).count() == 1
    assert NominationLetter.objects.count() == count
    assert b"already has a round" in response.content


def test_it_lists_the_rounds_with_their_answers(client_for, open_round):
    round_ = open_round()
    response = client_for("chair").get(URL)
    assert response.status_code == 200
    assert round_.get_absolute_url().encode() in response.content
    listed = list(response.context["round_list"])
    assert listed == [round_] and listed[0].answered == 0
    assert listed[0].letter_count == round_.letters.count()


def test_it_refuses_a_deadline_in_the_past(client_for, group):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    response = client_for("secretariat").post(URL, _form(group, deadline=yesterday.isoformat()))
    assert response.status_code == 400
    assert b"The deadline is in the past." in response.content
    assert not NominationRound.objects.exists()


def test_it_offers_only_the_groups_the_viewer_edits(client_for, group):
    other = Organisation.objects.get(slug="spc")  # any organisation: the group is what matters
    from members.models import WorkingGroup

    gender = WorkingGroup.objects.get(slug="gender")
    Membership.objects.create(group=gender, organisation=other)
    response = client_for("secretariat").post(URL, _form(gender))
    assert response.status_code == 400
    assert not NominationRound.objects.exists()


@pytest.mark.parametrize("standing", ["member", "observer", "consultative", "outsider"])
def test_it_is_not_for_others(client_for, group, standing):
    client = client_for(standing)
    assert client.get(URL).status_code == 404
    assert client.post(URL, _form(group)).status_code == 404
    assert not NominationRound.objects.exists()


def test_it_sends_anonymous_visitors_to_sign_in(client_for, group):
    response = client_for("anonymous").post(URL, _form(group))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not NominationRound.objects.exists()
