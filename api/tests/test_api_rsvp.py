"""POST /api/meetings/{id}/rsvp: a person answers their own invitation with a personal token,
through the operation the meeting page uses (meetings.operations.respond)."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django.test import Client

from api.operations import create_token, revoke_token
from meetings import operations
from meetings.models import Invitee, Meeting

pytestmark = pytest.mark.django_db


def _meeting(group, level: str = "public", status: str = Meeting.Status.CONVENED) -> Meeting:
    start = datetime.datetime.combine(datetime.date.today() + datetime.timedelta(days=20),
                                      datetime.time(9), zoneinfo.ZoneInfo("Pacific/Apia"))
    return Meeting.objects.create(group=group, level=level, title_en=f"RSVP test ({level})",
                                  starts_at=start, ends_at=start + datetime.timedelta(hours=4),
                                  time_zone="Pacific/Apia", status=status)


def _invite(meeting: Meeting, user) -> Invitee:
    return Invitee.objects.create(meeting=meeting, person=user.person,
                                  organisation=user.person.organisation)


def _token_client(user) -> Client:
    __, secret = create_token(user, "Partner system")
    return Client(headers={"Authorization": f"Bearer {secret}"})


def _answer(client: Client, meeting: Meeting, body: dict):
    return client.post(f"/api/meetings/{meeting.pk}/rsvp", body, content_type="application/json")


def test_an_invitee_answers_with_a_token(group, people):
    meeting = _meeting(group, "members")
    invitation = _invite(meeting, people["member"])
    response = _answer(_token_client(people["member"]), meeting,
                       {"response": "declined", "note": " Travelling that week. "})
    assert response.status_code == 200, response.content
    invitation.refresh_from_db()
    assert invitation.response == Invitee.Response.DECLINED
    assert invitation.apologies == "Travelling that week."  # as the operation keeps it
    assert invitation.responded_at is not None
    assert response.json() == {"meeting": meeting.pk, "response": "declined",
                               "note": "Travelling that week.",
                               "responded_at": response.json()["responded_at"]}
    # A change of mind is the same row, answered again.
    assert _answer(_token_client(people["member"]), meeting,
                   {"response": "accepted"}).status_code == 200
    invitation.refresh_from_db()
    assert invitation.response == Invitee.Response.ACCEPTED and invitation.apologies == ""


def test_the_answer_goes_through_the_pages_operation(group, people, monkeypatch):
    meeting = _meeting(group)
    invitation = _invite(meeting, people["member"])
    calls = []
    real = operations.respond
    monkeypatch.setattr(operations, "respond",
                        lambda invitee, response, apologies="": calls.append(
                            (invitee.pk, response, apologies)) or real(invitee, response,
                                                                       apologies))
    assert _answer(_token_client(people["member"]), meeting,
                   {"response": "tentative", "note": "If the flight holds"}).status_code == 200
    assert calls == [(invitation.pk, "tentative", "If the flight holds")]


def test_a_token_is_required(client_for, group, people):
    meeting = _meeting(group)
    invitation = _invite(meeting, people["member"])
    assert _answer(Client(), meeting, {"response": "accepted"}).status_code == 401
    # A signed-in browser is no token either.
    assert _answer(client_for("member"), meeting, {"response": "accepted"}).status_code == 401
    token, secret = create_token(people["member"], "Old script")
    revoke_token(token)
    revoked = Client(headers={"Authorization": f"Bearer {secret}"})
    assert _answer(revoked, meeting, {"response": "accepted"}).status_code == 401
    invitation.refresh_from_db()
    assert invitation.response == Invitee.Response.PENDING


def test_one_cannot_answer_for_another_invitee(group, people):
    meeting = _meeting(group)  # public: the member sees it, but only the observer is invited
    theirs = _invite(meeting, people["observer"])
    response = _answer(_token_client(people["member"]), meeting, {"response": "declined"})
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    theirs.refresh_from_db()
    assert theirs.response == Invitee.Response.PENDING
    assert not meeting.invitees.filter(person=people["member"].person).exists()


def test_an_invitation_to_a_meeting_one_may_not_see_is_404(group, people):
    # Invited once, then the meeting was restricted to others: it is gone for the invitee.
    meeting = _meeting(group, "restricted")
    invitation = _invite(meeting, people["member"])
    response = _answer(_token_client(people["member"]), meeting, {"response": "accepted"})
    assert response.status_code == 404
    invitation.refresh_from_db()
    assert invitation.response == Invitee.Response.PENDING
    assert _answer(_token_client(people["member"]), Meeting(pk=10**9),
                   {"response": "accepted"}).status_code == 404


@pytest.mark.parametrize("status", [Meeting.Status.HELD, Meeting.Status.CANCELLED])
def test_a_meeting_no_longer_taking_answers_is_a_conflict(group, people, status):
    meeting = _meeting(group, status=status)
    invitation = _invite(meeting, people["member"])
    response = _answer(_token_client(people["member"]), meeting, {"response": "accepted"})
    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    invitation.refresh_from_db()
    assert invitation.response == Invitee.Response.PENDING


@pytest.mark.parametrize("body", [{}, {"response": "pending"}, {"response": "yes"},
                                  {"response": "accepted", "note": "x" * 2001}])
def test_an_answer_that_is_not_one_is_refused(group, people, body):
    meeting = _meeting(group)
    invitation = _invite(meeting, people["member"])
    response = _answer(_token_client(people["member"]), meeting, body)
    assert response.status_code == 422
    assert response.json()["code"] == "invalid"
    invitation.refresh_from_db()
    assert invitation.response == Invitee.Response.PENDING


def test_the_meeting_page_still_refuses_answers_to_a_held_meeting(client_for, group, people):
    """The page and the API share the rule (operations.takes_answers)."""
    meeting = _meeting(group, status=Meeting.Status.HELD)
    invitation = _invite(meeting, people["member"])
    client_for("member").post(f"/meetings/{meeting.pk}/answer/", {"response": "accepted"})
    invitation.refresh_from_db()
    assert invitation.response == Invitee.Response.PENDING
    with pytest.raises(operations.ClosedForAnswers):
        operations.respond(invitation, Invitee.Response.ACCEPTED)
