"""Who represents an organisation now: this year's confirmed nominees replace last year's."""

import datetime

import pytest
from django.utils import timezone

from members.models import Organisation, Person, Representative, WorkingGroup

pytestmark = pytest.mark.django_db

CONFIRMED = Representative.Status.CONFIRMED


@pytest.fixture
def ict():
    return WorkingGroup.objects.get(slug="ict")


def _organisation(slug: str) -> Organisation:
    return Organisation.objects.create(slug=slug, name_en=f"Ministry {slug}",
                                       kind=Organisation.Kind.GOVERNMENT)


def _rep(group, organisation, name, year, status=CONFIRMED, **extra) -> Representative:
    person = Person.objects.create(name=name, organisation=organisation)
    return Representative.objects.create(group=group, organisation=organisation, person=person,
                                         year=year, status=status, **extra)


def test_last_years_nominee_stays_current_until_this_years_is_confirmed(ict):
    this_year = timezone.localdate().year
    tonga = _organisation("one")
    last = _rep(ict, tonga, "Last Year", this_year - 1)
    nominated = _rep(ict, tonga, "This Year", this_year, status=Representative.Status.NOMINATED)
    assert set(Representative.objects.current().filter(organisation=tonga)) == {last}
    nominated.status = CONFIRMED
    nominated.save()
    assert set(Representative.objects.current().filter(organisation=tonga)) == {nominated}


def test_a_confirmation_elsewhere_does_not_end_another_organisations_nominee(ict):
    this_year = timezone.localdate().year
    tonga, samoa = _organisation("one"), _organisation("two")
    tongan = _rep(ict, tonga, "Tongan delegate", this_year - 1)
    samoan = _rep(ict, samoa, "Samoan delegate", this_year)
    current = set(Representative.objects.current().filter(organisation__in=[tonga, samoa]))
    assert current == {tongan, samoan}


def test_older_years_and_ended_ones_are_not_current(ict):
    this_year = timezone.localdate().year
    tonga = _organisation("one")
    _rep(ict, tonga, "Two years ago", this_year - 2)
    _rep(ict, tonga, "Ended", this_year, ended_on=timezone.localdate())
    assert not Representative.objects.current().filter(organisation=tonga).exists()


def test_on_a_given_date(ict):
    tonga = _organisation("one")
    old = _rep(ict, tonga, "Old", 2020)
    new = _rep(ict, tonga, "New", 2021)
    assert set(Representative.objects.current(datetime.date(2021, 6, 1)).filter(
        organisation=tonga)) == {new}
    assert set(Representative.objects.current(datetime.date(2020, 6, 1)).filter(
        organisation=tonga)) == {old}
