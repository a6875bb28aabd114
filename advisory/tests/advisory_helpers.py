"""Helpers of the advisory request tests: a request filed by a ministry, people who see it and
people who must not."""

from __future__ import annotations

import datetime

from django.utils import timezone

from members.models import Country, Organisation, Person, Representative, User

SECRET_WORD = "zebrafishcable"  # in every test request's details: found by search, or not


def org(slug: str) -> Organisation:
    return Organisation.objects.get(slug=slug)


def ministry_request(group, title="[restricted] Advice on roaming charges", **fields):
    """A restricted request filed by a ministry contact (no account) of Tonga."""
    from advisory import operations
    from advisory.models import AdvisoryRequest

    values = {"group": group, "country": Country.objects.get(iso3="TON"), "title_en": title,
              "details": f"We need advice on {SECRET_WORD} roaming.", "ministry":
              "Ministry of MEIDECC", "requester_name": "Sela Tonga",
              "requester_email": "sela@meidecc.example.to",
              "channel": AdvisoryRequest.Channel.MINISTRY,
              "wanted_by": timezone.localdate() + datetime.timedelta(days=20)}
    values.update(fields)
    return operations.file_request(AdvisoryRequest(**values))


def account_for(email: str) -> User:
    """Give a demo person (a representative without an account) a login."""
    person = Person.objects.get(email=email)
    if person.user_id is None:
        person.user = User.objects.create_user(email, "pw-not-used")
        person.save()
    return person.user


def rahul() -> Person:
    """PITA's representative: the person asked to answer."""
    return Person.objects.get(email="rahul.prasad@example.org")


def editors_emails(group) -> set[str]:
    return set(Representative.objects.current().filter(
        group=group, role__in=Representative.EDITOR_ROLES).values_list("person__email",
                                                                        flat=True))
