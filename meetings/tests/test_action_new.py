import pytest
from django.urls import reverse

from members.models import Organisation
from tasks.models import Task

pytestmark = pytest.mark.django_db


def _new(meeting):
    return reverse("meetings:action_new", args=[meeting.pk])


def test_it_records_an_action_with_owner_due_date_and_status(client_for, held_meeting, people):
    meeting = held_meeting()
    member = people["member"].person
    client = client_for("secretariat")
    assert client.get(_new(meeting)).status_code == 200
    response = client.post(_new(meeting), {"title": "Circulate the cable study",
                                           "owner_person": member.pk, "due_on": "2030-01-31"})
    assert response.status_code == 302
    action = Task.objects.get(meeting=meeting)
    # The owner's own organisation when none is named.
    assert (action.owner_organisation_id, action.owner_person_id) == (
        member.organisation_id, member.pk)
    assert str(action.due_on) == "2030-01-31" and action.status == "open"
    assert action.transitions.get().to_status == "open"


def test_an_organisation_may_own_an_action_alone(client_for, held_meeting):
    meeting = held_meeting()
    usp = Organisation.objects.get(slug="usp")
    client_for("chair").post(_new(meeting), {"title": "Host the next meeting",
                                             "owner_organisation": usp.pk})
    action = Task.objects.get(meeting=meeting)
    assert (action.owner_organisation, action.owner_person) == (usp, None)


def test_bad_input_changes_nothing(client_for, held_meeting):
    meeting = held_meeting()
    client = client_for("chair")
    for data in ({"title": ""}, {"title": "No owner"},
                 {"title": "Bad date", "owner_organisation":
                  Organisation.objects.get(slug="usp").pk, "due_on": "31/31/2030"}):
        response = client.post(_new(meeting), data)
        assert response.status_code == 400, data
    assert b"Name the organisation that owns the task" in client.post(
        _new(meeting), {"title": "No owner"}).content
    assert not Task.objects.filter(meeting=meeting).exists()


def test_a_meeting_not_yet_held_takes_no_actions(client_for, group):
    import datetime

    from django.utils import timezone

    from meetings.models import Meeting

    start = timezone.now() + datetime.timedelta(days=5)
    meeting = Meeting.objects.create(group=group, title_en="Ahead", starts_at=start,
                                     ends_at=start, city="Apia")
    response = client_for("chair").post(_new(meeting), {
        "title": "Early", "owner_organisation": Organisation.objects.get(slug="usp").pk})
    assert response.status_code == 400
    assert not Task.objects.filter(meeting=meeting).exists()


def test_members_cannot_record_actions(client_for, held_meeting, people):
    meeting = held_meeting()
    assert client_for("member").post(_new(meeting), {
        "title": "Mine", "owner_person": people["member"].person.pk}).status_code == 403
    assert not Task.objects.filter(meeting=meeting).exists()
