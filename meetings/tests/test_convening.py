"""The chair convenes; every current representative gets an email holding a real invitation."""

import datetime

import icalendar
import pytest
from django.core import mail

from meetings import operations
from meetings.models import Invitee, Meeting, MeetingTransition
from members.models import Representative

pytestmark = pytest.mark.django_db


def _form(group, **overrides) -> dict:
    data = {"group": group.pk, "kind": "working_group", "level": "public",
            "title_en": "Working group meeting, Apia", "title_fr": "Réunion, Apia",
            "time_zone": "Pacific/Apia", "local_start": "2027-03-02T09:00",
            "local_end": "2027-03-02T17:00", "mode": "hybrid", "city": "Apia",
            "online_url": "https://meet.example.org/wg", "reminder_days": "14,1"}
    return data | overrides


def _ics(message) -> icalendar.Calendar:
    (attachment,) = [a for a in message.attachments if a[0] == "invite.ics"] or [None]
    assert attachment is not None, "no invite.ics attached"
    return icalendar.Calendar.from_ical(attachment[1])


def test_the_chair_convenes_and_every_representative_is_invited(
        client_for, group, run_worker, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("chair").post("/meetings/new/", _form(group))
    assert response.status_code == 302
    meeting = Meeting.objects.get(title_en="Working group meeting, Apia")
    assert meeting.status == Meeting.Status.CONVENED
    assert meeting.starts_at == datetime.datetime(2027, 3, 1, 20, 0, tzinfo=datetime.UTC)
    current = set(Representative.objects.current().filter(group=group)
                  .values_list("person_id", flat=True))
    assert set(meeting.invitees.values_list("person_id", flat=True)) == current
    run_worker()
    emails = {m.to[0]: m for m in mail.outbox}
    expected = set(meeting.invitees.exclude(person__email="").values_list("person__email",
                                                                          flat=True))
    assert set(emails) == expected and len(expected) > 5
    message = emails["member@demo.talanoa.test"]
    cal = _ics(message)
    assert cal["METHOD"] == "REQUEST"
    (event,) = cal.walk("VEVENT")
    assert str(event["UID"]) == meeting.uid and int(event["SEQUENCE"]) == 0
    assert event.decoded("DTSTART") == meeting.starts_at
    assert event["DTSTART"].params["TZID"] == "Pacific/Apia"
    assert "/meetings/answer/" in message.body
    assert MeetingTransition.objects.filter(meeting=meeting, to_status="convened").exists()


def test_notices_are_in_each_persons_language(client_for, group, run_worker, people,
                                              django_capture_on_commit_callbacks):
    french = people["member"].person
    french.language = "fr"
    french.save()
    with django_capture_on_commit_callbacks(execute=True):
        client_for("chair").post("/meetings/new/", _form(group))
    run_worker()
    by_address = {m.to[0]: m for m in mail.outbox}
    assert by_address["member@demo.talanoa.test"].subject.startswith("Convocation")
    assert by_address["chair@demo.talanoa.test"].subject.startswith("Meeting convened")


def test_a_change_sends_an_update_with_a_higher_sequence(
        client_for, group, run_worker, django_capture_on_commit_callbacks):
    chair = client_for("chair")
    with django_capture_on_commit_callbacks(execute=True):
        chair.post("/meetings/new/", _form(group))
    run_worker()
    meeting = Meeting.objects.get(title_en="Working group meeting, Apia")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = chair.post(f"/meetings/{meeting.pk}/edit/", _form(
            group, local_start="2027-03-03T09:00", local_end="2027-03-03T17:00",
            expected_version=meeting.version))
    assert response.status_code == 302
    run_worker()
    meeting.refresh_from_db()
    assert meeting.sequence == 1
    assert len(mail.outbox) == meeting.invitees.exclude(person__email="").count()
    (event,) = _ics(mail.outbox[0]).walk("VEVENT")
    assert str(event["UID"]) == meeting.uid and int(event["SEQUENCE"]) == 1
    assert event.decoded("DTSTART").date() == datetime.date(2027, 3, 3)
    # a change that does not touch invitees' calendars sends nothing
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        chair.post(f"/meetings/{meeting.pk}/edit/", _form(
            group, local_start="2027-03-03T09:00", local_end="2027-03-03T17:00",
            description_en="Now with a purpose.", expected_version=meeting.version))
    run_worker()
    meeting.refresh_from_db()
    assert meeting.sequence == 1 and mail.outbox == []


def test_cancelling_sends_method_cancel_with_the_reason(
        client_for, group, run_worker, make_meeting, django_capture_on_commit_callbacks):
    meeting = make_meeting()
    operations.invite_group(meeting)
    with django_capture_on_commit_callbacks(execute=True):
        operations._announce(meeting, "convened")
    run_worker()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("chair").post(f"/meetings/{meeting.pk}/status/", {
            "action": "cancel", "reason": "Cyclone warning for Suva",
            "expected_version": meeting.version})
    assert response.status_code == 302
    run_worker()
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CANCELLED and meeting.sequence == 1
    assert mail.outbox and all("Cyclone warning" in m.body for m in mail.outbox)
    cal = _ics(mail.outbox[0])
    assert cal["METHOD"] == "CANCEL"
    (event,) = cal.walk("VEVENT")
    assert event["STATUS"] == "CANCELLED" and int(event["SEQUENCE"]) == 1
    transition = meeting.transitions.get(to_status="cancelled")
    assert transition.reason == "Cyclone warning for Suva" and transition.from_status == "convened"


def test_cancelling_needs_a_reason_and_changes_nothing_without_one(client_for, make_meeting):
    meeting = make_meeting()
    response = client_for("chair").post(f"/meetings/{meeting.pk}/status/", {
        "action": "cancel", "reason": " ", "expected_version": meeting.version})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CONVENED and not meeting.transitions.exists()


def test_a_stale_status_change_is_refused(client_for, make_meeting):
    meeting = make_meeting()
    response = client_for("chair").post(f"/meetings/{meeting.pk}/status/", {
        "action": "postpone", "reason": "x", "expected_version": meeting.version + 1})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CONVENED


def test_only_the_groups_editors_convene(client_for, group):
    for standing in ("member", "observer", "outsider"):
        response = client_for(standing).post("/meetings/new/", _form(group))
        assert response.status_code == 404
    assert not Meeting.objects.filter(title_en="Working group meeting, Apia").exists()


def test_bad_input_gets_clear_messages_and_stores_nothing(client_for, group):
    response = client_for("chair").post("/meetings/new/", _form(
        group, local_end="2027-03-02T08:00", time_zone="Mars/Olympus", online_url=""))
    assert response.status_code == 400
    text = response.content.decode()
    assert "is not a known time zone" in text
    assert "needs its online link" in text
    assert not Meeting.objects.filter(title_en="Working group meeting, Apia").exists()


def test_a_representative_requests_and_the_chair_approves(
        client_for, group, people, run_worker, django_capture_on_commit_callbacks):
    member = client_for("member")
    response = member.post("/meetings/request/", _form(
        group, kind="ministers", title_en="ICT Ministers' Meeting 2027",
        reason="Cable resilience needs ministers' attention (S15)."))
    assert response.status_code == 302
    meeting = Meeting.objects.get(title_en="ICT Ministers' Meeting 2027")
    assert meeting.status == Meeting.Status.REQUESTED
    # only the requester and the editors see a request
    assert member.get(meeting.get_absolute_url()).status_code == 200
    assert client_for("observer").get(meeting.get_absolute_url()).status_code == 404
    assert client_for("anonymous").get("/calendar/feed.ics").content.count(b"Ministers") == 0
    assert not mail.outbox
    with django_capture_on_commit_callbacks(execute=True):
        client_for("chair").post(f"/meetings/{meeting.pk}/status/", {
            "action": "convene", "expected_version": meeting.version})
    run_worker()
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CONVENED and meeting.level == "public"
    assert client_for("anonymous").get(meeting.get_absolute_url()).status_code == 200
    assert any("ICT Ministers" in m.subject for m in mail.outbox)
    assert [t.to_status for t in meeting.transitions.all()] == ["requested", "convened"]


def test_the_chair_declines_a_request_with_a_reason(client_for, group):
    client_for("member").post("/meetings/request/", _form(
        group, title_en="Extra meeting", reason="Why not"))
    meeting = Meeting.objects.get(title_en="Extra meeting")
    client_for("chair").post(f"/meetings/{meeting.pk}/status/", {
        "action": "decline", "reason": "Covered by the March meeting",
        "expected_version": meeting.version})
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.DECLINED
    assert meeting.transitions.last().reason == "Covered by the March meeting"


def test_core_and_restricted_meetings_invite_only_who_may_see_them(group, make_meeting, people):
    core = make_meeting("core")
    operations.invite_group(core)
    invited = set(core.invitees.values_list("person__email", flat=True))
    assert "member@demo.talanoa.test" in invited
    assert "observer@demo.talanoa.test" not in invited
    assert "consultative@demo.talanoa.test" not in invited
    restricted = make_meeting("restricted")
    restricted.restricted_people.set([people["chair"].person])
    operations.invite_group(restricted)
    assert list(restricted.invitees.values_list("person__email", flat=True)) == [
        "chair@demo.talanoa.test"]


def test_invitations_are_not_duplicated(group, make_meeting):
    meeting = make_meeting()
    first = operations.invite_group(meeting)
    assert first > 5 and operations.invite_group(meeting) == 0
    assert meeting.invitees.count() == first
    assert Invitee.objects.filter(meeting=meeting).values("person").distinct().count() == first


def test_the_secretariats_text_is_used_with_its_placeholders_filled(
        client_for, group, run_worker, django_capture_on_commit_callbacks):
    from meetings.models import NoticeTemplate

    NoticeTemplate.objects.create(kind="convened", language="en", subject="Talanoa: {title}",
                                  body="Dear colleague,\n{title} at {place}.\n{rsvp_link}\n"
                                       "{online}\n\n\n{not_a_placeholder} — the secretariat")
    with django_capture_on_commit_callbacks(execute=True):
        client_for("chair").post("/meetings/new/", _form(group))
    run_worker()
    message = next(m for m in mail.outbox if m.to == ["chair@demo.talanoa.test"])
    assert message.subject == "Talanoa: Working group meeting, Apia"
    assert message.body.startswith("Dear colleague,\nWorking group meeting, Apia at Apia.\n")
    assert "{not_a_placeholder} — the secretariat" in message.body
    assert "\n\n\n" not in message.body
    assert "Online: https://meet.example.org/wg" in message.body


@pytest.mark.parametrize("start, end", [("0001-01-01T09:00", "0001-01-01T17:00"),
                                        ("9999-12-31T09:00", "9999-12-31T17:00"),
                                        ("1850-03-02T09:00", "1850-03-02T17:00")])
def test_a_meeting_far_outside_any_calendar_is_refused_with_a_message(client_for, group, start,
                                                                      end):
    """Year 1 and year 9999 are slips of the keyboard; they broke the page, the calendar and
    every feed (a time zone's shift past the first or last representable day)."""
    before = Meeting.objects.count()
    response = client_for("chair").post("/meetings/new/", _form(group, local_start=start,
                                                                 local_end=end))
    assert response.status_code == 400
    assert "between 1900 and 2200" in response.text
    assert Meeting.objects.count() == before
    for path in ("/calendar/upcoming/", "/calendar/feed.ics", "/calendar/groups/ict/feed.ics"):
        assert client_for("anonymous").get(path).status_code == 200
