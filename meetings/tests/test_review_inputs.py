"""Review: downloads that carry a reader's own details, and bad input."""

import pytest

pytestmark = pytest.mark.django_db


def test_a_meeting_ics_with_the_online_link_is_never_cached_publicly(client_for, make_meeting):
    meeting = make_meeting("public", online_url="https://meet.example.org/members-only",
                           mode="hybrid")
    member = client_for("member").get(f"/meetings/{meeting.pk}/meeting.ics")
    assert b"members-only" in member.content
    assert "public" not in member["Cache-Control"]
    anonymous = client_for("anonymous").get(f"/meetings/{meeting.pk}/meeting.ics")
    assert b"members-only" not in anonymous.content


@pytest.mark.parametrize("month", ["0000-01", "0001-01", "9999-12"])
def test_a_month_out_of_range_is_not_a_server_error(client, month):
    response = client.get("/calendar/", {"month": month})
    assert response.status_code in (200, 404)


def test_an_answer_on_the_meeting_page_is_refused_once_the_meeting_is_cancelled(
        client_for, make_meeting, people):
    from meetings import operations
    from meetings.models import Invitee

    meeting = make_meeting("members")
    operations.invite_group(meeting)
    operations.cancel_meeting(meeting, people["chair"], "No quorum")
    client_for("member").post(f"/meetings/{meeting.pk}/answer/", {"response": "accepted"})
    invitee = meeting.invitees.get(person=people["member"].person)
    assert invitee.response == Invitee.Response.PENDING


def test_a_malformed_agenda_link_is_a_form_error_not_a_server_error(client_for, make_meeting):
    meeting = make_meeting("public")
    response = client_for("chair").post(f"/meetings/{meeting.pk}/agenda/", {
        "agenda-TOTAL_FORMS": "1", "agenda-INITIAL_FORMS": "0", "agenda-MIN_NUM_FORMS": "0",
        "agenda-MAX_NUM_FORMS": "60", "agenda-0-order": "1", "agenda-0-title_en": "Opening",
        "agenda-0-link": "http://[talanoa"})
    assert response.status_code == 400
    assert not meeting.agenda.exists()
