"""The round's named state changes, below the views."""

import pytest

from members import operations
from members.models import Membership, NominationLetter, Organisation, Person, Representative

pytestmark = pytest.mark.django_db


def test_opening_again_adds_only_organisations_that_joined(group, open_round):
    round_ = open_round()
    count = round_.letters.count()
    newcomer = Organisation.objects.create(slug="tcc", name_en="Tonga Cable Ltd",
                                           kind=Organisation.Kind.PRIVATE, language="en")
    Membership.objects.create(group=group, organisation=newcomer,
                              kind=Membership.Kind.OBSERVER)
    again = open_round()
    assert again == round_ and round_.letters.count() == count + 1
    assert round_.letters.filter(organisation=newcomer).exists()


def test_ended_and_consultative_standings_get_no_letter(group, open_round):
    Membership.objects.filter(group=group, organisation__slug="adb").update(end="2020-12-31")
    slugs = set(open_round().letters.values_list("organisation__slug", flat=True))
    assert "adb" not in slugs and "picisoc" not in slugs and "gov-fji" in slugs


def test_a_new_year_is_a_new_round(open_round):
    this_year = open_round()
    next_year = open_round(this_year.year + 1)
    assert next_year != this_year
    assert next_year.letters.count() == this_year.letters.count()


def test_letters_have_history(open_round, people):
    round_ = open_round(user=people["chair"])
    letter = round_.letters.first()
    record = letter.history.get()
    assert record.history_type == "+" and record.history_user == people["chair"]


def test_a_reply_names_someone(letter_to):
    letter = letter_to("gov-fji")
    with pytest.raises(ValueError):
        operations.record_reply(letter, [])
    assert NominationLetter.objects.get(pk=letter.pk).status == "drafted"


def test_a_known_email_is_the_same_person(letter_to):
    letter = letter_to("gov-png")
    before = Person.objects.count()
    [rep] = operations.record_reply(letter, [(("G. Kaetavara", "Grace.Kaetavara@example.org"),
                                              "alternate")])
    assert Person.objects.count() == before
    assert rep.person.name == "Grace Kaetavara" and rep.role == "alternate"
    assert Representative.objects.filter(person=rep.person, year=letter.round.year).count() == 1


def test_replies_for_next_year_are_nominated_apart_from_this_year(open_round):
    round_ = open_round(open_round().year + 1)
    letter = round_.letters.get(organisation__slug="gov-fji")
    fiji_person = Person.objects.get(email="member@demo.talanoa.test")
    [rep] = operations.record_reply(letter, [(fiji_person, "representative")])
    assert rep.year == round_.year and rep.status == "nominated"
    this_year = Representative.objects.get(person=fiji_person, year=round_.year - 1)
    assert this_year.status == "confirmed"
