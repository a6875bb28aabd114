"""A person chooses their digest (weekly, daily, off) on their own settings page."""

import pytest
from django.urls import reverse

from members.models import Person

pytestmark = pytest.mark.django_db


def test_a_person_turns_the_digest_to_daily_then_off(client_for, people):
    person = people["member"].person
    assert person.digest == Person.Digest.WEEKLY
    client = client_for("member")
    page = client.get(reverse("members:preferences"))
    assert page.status_code == 200 and 'name="digest"' in page.text
    for choice in ("daily", "off"):
        person.refresh_from_db()
        response = client.post(reverse("members:preferences"), {
            "language": "en", "time_zone": "Pacific/Fiji", "digest": choice,
            "expected_version": person.version})
        assert response.status_code == 302
        person.refresh_from_db()
        assert person.digest == choice


def test_an_unknown_choice_is_refused(client_for, people):
    person = people["member"].person
    response = client_for("member").post(reverse("members:preferences"), {
        "language": "en", "time_zone": "Pacific/Fiji", "digest": "hourly",
        "expected_version": person.version})
    assert response.status_code == 400
    person.refresh_from_db()
    assert person.digest == Person.Digest.WEEKLY
