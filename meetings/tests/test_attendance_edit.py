import pytest
from django.urls import reverse

from meetings.models import Invitee
from members.models import Person

pytestmark = pytest.mark.django_db


def _edit(meeting):
    return reverse("meetings:attendance_edit", args=[meeting.pk])


@pytest.fixture
def meeting(held_meeting, people):
    meeting = held_meeting()
    for standing in ("member", "observer"):
        person = people[standing].person
        Invitee.objects.create(meeting=meeting, person=person,
                               organisation_id=person.organisation_id)
    return meeting


def test_it_records_who_was_there_and_how(client_for, meeting, people):
    member, observer = people["member"].person, people["observer"].person
    guest = Person.objects.get(email="litia.naivalu@example.org")
    client = client_for("secretariat")
    page = client.get(_edit(meeting))
    assert page.status_code == 200 and member.name.encode() in page.content
    response = client.post(_edit(meeting), {
        f"presence_{member.pk}": "in_person", f"presence_{observer.pk}": "",
        "extra_person_0": guest.pk, "extra_presence_0": "remote"})
    assert response.status_code == 302
    rows = {a.person_id: (a.organisation_id, a.presence) for a in meeting.attendance.all()}
    assert rows == {member.pk: (member.organisation_id, "in_person"),
                    guest.pk: (guest.organisation_id, "remote")}
    minutes_page = client.get(reverse("meetings:minutes", args=[meeting.pk]))
    assert guest.name.encode() in minutes_page.content


def test_a_person_no_longer_listed_is_removed(client_for, meeting, people):
    member = people["member"].person
    client = client_for("chair")
    client.post(_edit(meeting), {f"presence_{member.pk}": "remote"})
    client.post(_edit(meeting), {f"presence_{member.pk}": ""})
    assert not meeting.attendance.exists()


def test_bad_input_changes_nothing(client_for, meeting, people):
    member = people["member"].person
    guest = Person.objects.get(email="litia.naivalu@example.org")
    client = client_for("chair")
    client.post(_edit(meeting), {f"presence_{member.pk}": "in_person"})
    for data in ({f"presence_{member.pk}": "on_the_moon"},
                 {f"presence_{member.pk}": "remote", "extra_presence_0": "remote"},
                 {f"presence_{member.pk}": "remote", "extra_person_0": guest.pk},
                 {f"presence_{member.pk}": "remote", "extra_person_0": member.pk,
                  "extra_presence_0": "remote"},
                 {f"presence_{member.pk}": "remote", "extra_person_0": 999999,
                  "extra_presence_0": "remote"}):
        assert client.post(_edit(meeting), data).status_code == 400, data
    assert list(meeting.attendance.values_list("person_id", "presence")) == [
        (member.pk, "in_person")]


def test_attendance_locks_with_the_minutes(client_for, minutes_at, people):
    minutes = minutes_at("adopted")
    member = people["member"].person
    response = client_for("chair").post(_edit(minutes.meeting), {
        "extra_person_0": member.pk, "extra_presence_0": "remote"})
    assert response.status_code == 400
    assert not minutes.meeting.attendance.exists()


def test_members_cannot_record_attendance(client_for, meeting, people):
    member = people["member"].person
    assert client_for("member").post(_edit(meeting), {f"presence_{member.pk}": "remote"}
                                     ).status_code == 403
    assert not meeting.attendance.exists()


def test_the_public_sees_organisations_not_names(client_for, minutes_at, people):
    from meetings import operations

    minutes = minutes_at("circulated")
    member = people["member"].person
    operations.record_attendance(minutes.meeting, [(member, member.organisation_id, "remote")])
    operations.adopt_minutes(minutes, people["chair"])
    page = client_for("anonymous").get(reverse("meetings:minutes", args=[minutes.meeting.pk]))
    assert b"Fiji" in page.content and member.name.encode() not in page.content
