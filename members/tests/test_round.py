"""One round's page: each letter's state, the counts, and who has not answered."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from members import operations
from members.models import Membership, NominationLetter, Organisation, Representative

pytestmark = pytest.mark.django_db


def test_it_shows_counts_and_who_has_not_answered(client_for, open_round):
    round_ = open_round()
    letters = list(round_.letters.select_related("organisation"))
    operations.mark_letter_sent(letters[0])
    tonga = round_.letters.get(organisation__slug="gov-ton")
    operations.record_reply(tonga, [(("Sela Havili", "sela@example.to"), "representative")])
    response = client_for("chair").get(round_.get_absolute_url())
    assert response.status_code == 200
    assert response.context["total"] == len(letters)
    assert response.context["counts"] == {"drafted": len(letters) - 2, "sent": 1, "answered": 1}
    not_answered = response.context["not_answered"]
    assert len(not_answered) == len(letters) - 1 and tonga not in not_answered
    assert b"Sela Havili" in response.content


def test_the_query_count_does_not_grow_with_the_letters(client_for, group, open_round,
                                                        django_assert_max_num_queries):
    round_ = open_round()
    client = client_for("secretariat")
    client.get(round_.get_absolute_url())  # warm the session and the MFA check
    with CaptureQueriesContext(connection) as first:
        assert client.get(round_.get_absolute_url()).status_code == 200
    for i in range(15):
        org = Organisation.objects.create(slug=f"extra-{i}", name_en=f"Extra {i}",
                                          kind=Organisation.Kind.PRIVATE)
        Membership.objects.create(group=group, organisation=org)
    open_round()  # adds the letters for the organisations that joined
    for letter in round_.letters.filter(organisation__slug__startswith="extra-")[:5]:
        operations.record_reply(letter, [((f"Nominee {letter.pk}",
                                           f"n{letter.pk}@example.org"), "representative")])
    assert round_.letters.count() >= 55
    with django_assert_max_num_queries(len(first)):
        assert client.get(round_.get_absolute_url()).status_code == 200


def test_a_member_is_refused_and_an_outsider_sees_nothing(client_for, open_round):
    url = open_round().get_absolute_url()
    assert client_for("member").get(url).status_code == 403
    assert client_for("consultative").get(url).status_code == 403
    assert client_for("outsider").get(url).status_code == 404
    anonymous = client_for("anonymous").get(url)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


def test_an_unknown_round_is_404(client_for):
    from django.urls import reverse

    assert client_for("chair").get(reverse("members:round", args=[999999])).status_code == 404


def test_it_lists_representatives_already_on_the_register(client_for, open_round):
    round_ = open_round()
    response = client_for("chair").get(round_.get_absolute_url())
    fiji = next(nominees for letter, nominees in response.context["rows"]
                if letter.organisation.slug == "gov-fji")
    assert [r.person.email for r in fiji] == ["member@demo.talanoa.test"]
    assert all(isinstance(r, Representative) for r in fiji)
    assert NominationLetter.Status.ANSWERED not in {
        letter.status for letter, _ in response.context["rows"]}
