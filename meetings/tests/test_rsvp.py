"""Answering an invitation from the email's signed link, without logging in."""

import re

import pytest
from django.core import mail

from meetings import operations
from meetings.models import Invitee
from meetings.notices import rsvp_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def invitation(make_meeting, people):
    meeting = make_meeting("members")
    operations.invite_group(meeting)
    return meeting.invitees.get(person=people["member"].person)


def test_the_link_shows_the_choices_and_a_get_changes_nothing(client, invitation):
    response = client.get(f"/meetings/answer/{rsvp_token(invitation)}/?answer=accepted")
    assert response.status_code == 200
    assert b'value="accepted"' in response.content
    invitation.refresh_from_db()
    assert invitation.response == Invitee.Response.PENDING  # mail scanners open links


def test_answering_through_the_link_records_it_and_opens_the_meeting_page(client, invitation):
    meeting = invitation.meeting
    assert client.get(meeting.get_absolute_url()).status_code == 404  # members-level
    token = rsvp_token(invitation)
    response = client.post(f"/meetings/answer/{token}/", {
        "response": "declined", "apologies": "Travelling to the ITU Plenipotentiary."})
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.response == Invitee.Response.DECLINED
    assert invitation.apologies == "Travelling to the ITU Plenipotentiary."
    assert invitation.responded_at is not None
    # the link's holder may now read that one meeting, and nothing else members-level
    assert client.get(meeting.get_absolute_url()).status_code == 200
    other = meeting.__class__.objects.get(title_en__startswith="[members]")
    assert client.get(other.get_absolute_url()).status_code == 404


def test_a_tampered_or_foreign_token_is_refused(client, invitation):
    token = rsvp_token(invitation)
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    for bad in (forged, "nonsense", str(invitation.pk)):
        response = client.post(f"/meetings/answer/{bad}/", {"response": "accepted"})
        assert response.status_code == 404
    invitation.refresh_from_db()
    assert invitation.response == Invitee.Response.PENDING


def test_an_invalid_answer_changes_nothing(client, invitation):
    response = client.post(f"/meetings/answer/{rsvp_token(invitation)}/",
                           {"response": "maybe-later"})
    assert response.status_code == 400
    invitation.refresh_from_db()
    assert invitation.response == Invitee.Response.PENDING


def test_a_cancelled_meeting_takes_no_more_answers(client, invitation):
    operations.cancel_meeting(invitation.meeting, None, "Cancelled")
    client.post(f"/meetings/answer/{rsvp_token(invitation)}/", {"response": "accepted"})
    invitation.refresh_from_db()
    assert invitation.response == Invitee.Response.PENDING


def test_the_emailed_link_works(client, invitation, run_worker,
                                django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        operations._announce(invitation.meeting, "convened")
    run_worker()
    message = next(m for m in mail.outbox if m.to == [invitation.person.email])
    link = re.search(r"https?://[^/\s]+(/meetings/answer/[^\s]+/)", message.body)[1]
    client.post(link, {"response": "tentative"})
    invitation.refresh_from_db()
    assert invitation.response == Invitee.Response.TENTATIVE


def test_a_signed_in_invitee_answers_on_the_meeting_page(client_for, invitation):
    member = client_for("member")
    page = member.get(invitation.meeting.get_absolute_url())
    assert b'id="answer"' in page.content
    member.post(f"/meetings/{invitation.meeting.pk}/answer/", {"response": "accepted"})
    invitation.refresh_from_db()
    assert invitation.response == Invitee.Response.ACCEPTED
    chair_view = client_for("chair").get(invitation.meeting.get_absolute_url())
    assert b"Attending" in chair_view.content


def test_someone_not_invited_cannot_answer(client_for, make_meeting):
    meeting = make_meeting("public")  # nobody invited
    response = client_for("member").post(f"/meetings/{meeting.pk}/answer/",
                                         {"response": "accepted"})
    assert response.status_code == 404
    assert not meeting.invitees.exists()


def test_my_page_lists_my_coming_meetings_with_my_answer(client_for, invitation, make_meeting,
                                                         people):
    operations.respond(invitation, Invitee.Response.TENTATIVE)
    page = client_for("member").get("/me/")
    mine = [i.meeting for i in page.context["my_meetings"]]
    assert invitation.meeting in mine
    assert "Tentative" in page.content.decode()
    not_invited = make_meeting("public", title_en="Not mine")
    assert not_invited not in [i.meeting for i in client_for("member").get("/me/").context[
        "my_meetings"]]


def test_editors_see_meeting_requests_awaiting_them(client_for, make_meeting, people):
    asked = make_meeting("restricted", status="requested", title_en="Please convene",
                         requested_by=people["member"].person)
    assert asked in client_for("chair").get("/me/").context["requests"]
    assert client_for("member").get("/me/").context["requests"] == []
