"""A person sets their own email language and time zone."""

import pytest

pytestmark = pytest.mark.django_db


def test_a_person_sets_their_zone_and_language(client_for, people):
    member = client_for("member")
    person = people["member"].person
    response = member.post("/me/settings/", {"language": "fr", "time_zone": "Pacific/Noumea",
                                             "expected_version": person.version})
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.language, person.time_zone) == ("fr", "Pacific/Noumea")
    assert b"Pacific/Noumea" in member.get("/calendar/").content


def test_an_unknown_zone_is_refused_and_nothing_changes(client_for, people):
    person = people["member"].person
    before = (person.language, person.time_zone)
    response = client_for("member").post("/me/settings/", {
        "language": "fr", "time_zone": "Pacific/Atlantis", "expected_version": person.version})
    assert response.status_code == 400
    assert b"is not a known time zone" in response.content
    person.refresh_from_db()
    assert (person.language, person.time_zone) == before


def test_only_ones_own_settings(client_for, people):
    client_for("observer").post("/me/settings/", {
        "language": "fr", "time_zone": "UTC",
        "expected_version": people["observer"].person.version})
    people["member"].person.refresh_from_db()
    assert people["member"].person.time_zone != "UTC"
    people["observer"].person.refresh_from_db()
    assert people["observer"].person.time_zone == "UTC"
