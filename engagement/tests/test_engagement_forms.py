"""Editing the engagement tracker: editors create and edit bodies, processes, positions and forum
participations; bad input changes nothing; a concurrent edit gets the conflict page (409); the
forum goes on the calendar through meetings.operations, inviting its delegates only."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from engagement.models import EngagementProcess, ExternalBody, ForumParticipation, GroupPosition
from meetings.models import Invitee, Meeting, MeetingTransition
from members.models import Person
from papers.models import Paper, Tag

pytestmark = pytest.mark.django_db


def _process_data(**changes) -> dict:
    data = {"body": ExternalBody.objects.get(slug="icann").pk,
            "title_en": "ICANN public comment: new gTLD round", "title_fr": "",
            "kind": "consultation", "url": "https://www.icann.org/public-comments",
            "opens_on": "2026-12-01", "deadline": "2027-01-15", "status_set": "",
            "areas": [Tag.objects.get(kind="area", code="policy-regulation").pk],
            "description_en": "The next round of **new top-level domains**.",
            "description_fr": ""}
    data.update(changes)
    return data


def _form_data(response) -> dict:
    """What the page's form would send back unchanged (the version it was read at)."""
    form = response.context["form"]
    data = {}
    for name, _field in form.fields.items():
        value = form[name].value()
        if value is None:
            continue
        if isinstance(value, (list, tuple)):
            data[name] = [str(v) for v in value]
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = str(value) if not hasattr(value, "isoformat") else value.isoformat()
    return data


def test_an_editor_adds_a_process_and_anyone_reads_it(client_for):
    response = client_for("chair").post(reverse("engagement:engagement_process_new"),
                                        _process_data())
    process = EngagementProcess.objects.get(title_en="ICANN public comment: new gTLD round")
    assert response.status_code == 302 and response["Location"] == process.get_absolute_url()
    assert [t.code for t in process.areas.all()] == ["policy-regulation"]
    page = client_for("anonymous").get(process.get_absolute_url()).text
    assert "<strong>new top-level domains</strong>" in page
    assert "ICT policy and regulation" in page


@pytest.mark.parametrize("changes", [
    {"title_en": "", "title_fr": ""},
    {"deadline": "2026-11-01"},  # before it opens
    {"body": ""},
    {"url": "javascript:alert(1)"},
    {"kind": "party"},
    {"areas": [Tag.Kind.SDG]},  # not an area's id
])
def test_bad_process_input_changes_nothing(client_for, changes):
    before = EngagementProcess.objects.count()
    response = client_for("secretariat").post(reverse("engagement:engagement_process_new"),
                                              _process_data(**changes))
    assert response.status_code == 400
    assert EngagementProcess.objects.count() == before


def test_only_editors_add_or_change_records(client_for):
    process = EngagementProcess.objects.filter(title_en__endswith="(demo)").first()
    for standing in ("member", "observer", "outsider"):
        client = client_for(standing)
        assert client.post(reverse("engagement:engagement_process_new"),
                           _process_data()).status_code == 404
        assert client.post(reverse("engagement:engagement_process_edit", args=[process.pk]),
                           _process_data()).status_code == 404
    assert not EngagementProcess.objects.filter(title_en__contains="gTLD").exists()


def test_a_concurrent_process_edit_gets_the_conflict_page(client_for):
    process = EngagementProcess.objects.filter(title_en__endswith="(demo)").first()
    url = reverse("engagement:engagement_process_edit", args=[process.pk])
    chair, secretariat = client_for("chair"), client_for("secretariat")
    mine = _form_data(chair.get(url))
    theirs = _form_data(secretariat.get(url))
    theirs["title_en"] = "Their title"
    assert secretariat.post(url, theirs).status_code == 302
    mine["title_en"] = "My title"
    response = chair.post(url, mine)
    assert response.status_code == 409
    assert "Their title" in response.text and "My title" in response.text
    process.refresh_from_db()
    assert process.title_en == "Their title"
    # The form now carries their version: saving again is a deliberate choice.
    again = _form_data(response)
    assert chair.post(url, again).status_code == 302
    process.refresh_from_db()
    assert process.title_en == "My title"


def test_a_body_is_added_edited_archived_and_restored(client_for):
    client = client_for("secretariat")
    data = {"slug": "pirrc", "acronym": "PIRRC", "name_en": "Pacific Islands Regional "
            "Regulatory Council", "name_fr": "", "kind": "regional", "website": "",
            "description_en": "", "description_fr": "", "organisation": "", "order": "20"}
    assert client.post(reverse("engagement:engagement_body_new"), data).status_code == 302
    body = ExternalBody.objects.get(slug="pirrc")
    bad = client.post(reverse("engagement:engagement_body_new"), {**data, "name_en": "Other"})
    assert bad.status_code == 400  # the short name is taken
    assert ExternalBody.objects.filter(name_en="Other").count() == 0
    step = reverse("engagement:engagement_body_step", args=["pirrc"])
    client.post(step, {"action": "archive", "expected_version": body.version})
    body.refresh_from_db()
    assert body.is_archived
    assert client_for("anonymous").get(body.get_absolute_url()).status_code == 404
    client.post(step, {"action": "restore", "expected_version": body.version - 1})  # stale
    body.refresh_from_db()
    assert body.is_archived
    client.post(step, {"action": "restore", "expected_version": body.version})
    body.refresh_from_db()
    assert not body.is_archived


def _position_data(**changes) -> dict:
    data = {"group": "", "level": "members", "title_en": "[members] Comments on gTLDs",
            "title_fr": "", "text_en": "The Pacific asks for *fair* fees.", "text_fr": "",
            "submitted_on": "", "outcome": "", "paper_address": "",
            "restricted_organisations": [], "restricted_people": []}
    data.update(changes)
    return data


def test_an_editor_records_a_position_carried_by_a_paper(client_for, group):
    process = EngagementProcess.objects.filter(title_en__startswith="ICANN").first()
    paper = Paper.objects.get(title_en__startswith="[members]")
    response = client_for("chair").post(
        reverse("engagement:engagement_position_new", args=[process.pk]),
        _position_data(group=group.pk, paper_address=f"https://x.test{paper.get_absolute_url()}"))
    position = GroupPosition.objects.get(title_en="[members] Comments on gTLDs")
    assert response.status_code == 302
    assert position.paper == paper and position.process == process
    assert position.created_by.email == "chair@demo.talanoa.test"
    assert "[members] Comments on gTLDs" in client_for("observer").get(
        process.get_absolute_url()).text
    assert "Comments on gTLDs" not in client_for("anonymous").get(
        process.get_absolute_url()).text


@pytest.mark.parametrize("changes", [
    {"title_en": ""},
    {"level": "restricted"},  # names nobody
    {"paper_address": "/papers/999999/"},
    {"paper_address": "/meetings/1/"},
    {"group": "999999"},
    {"level": "secret"},
])
def test_bad_position_input_changes_nothing(client_for, group, changes):
    process = EngagementProcess.objects.filter(title_en__startswith="ICANN").first()
    data = _position_data(group=group.pk)
    data.update(changes)
    before = GroupPosition.objects.count()
    response = client_for("secretariat").post(
        reverse("engagement:engagement_position_new", args=[process.pk]), data)
    assert response.status_code == 400
    assert GroupPosition.objects.count() == before


def test_a_position_edit_conflicts_and_members_may_not_edit(client_for):
    position = GroupPosition.objects.get(title_en__startswith="[members]")
    url = reverse("engagement:engagement_position_edit", args=[position.pk])
    assert client_for("member").get(url).status_code == 403
    assert client_for("anonymous").get(url).status_code == 302
    assert client_for("outsider").get(url).status_code == 404
    chair, secretariat = client_for("chair"), client_for("secretariat")
    mine, theirs = _form_data(chair.get(url)), _form_data(secretariat.get(url))
    theirs["outcome"] = "Noted by the body."
    assert secretariat.post(url, theirs).status_code == 302
    mine["outcome"] = "Adopted in part."
    assert chair.post(url, mine).status_code == 409
    position.refresh_from_db()
    assert position.outcome == "Noted by the body."


def test_a_position_is_archived_and_restored_by_editors(client_for):
    position = GroupPosition.objects.get(title_en__startswith="[public]")
    step = reverse("engagement:engagement_position_step", args=[position.pk])
    assert client_for("member").post(step, {"action": "archive",
                                            "expected_version": position.version}
                                     ).status_code == 403
    client_for("chair").post(step, {"action": "archive", "expected_version": position.version})
    position.refresh_from_db()
    assert position.is_archived
    assert "[public] Pacific comments" not in client_for("anonymous").get(
        reverse("engagement:engagement")).text
    client_for("chair").post(step, {"action": "restore", "expected_version": position.version})
    position.refresh_from_db()
    assert not position.is_archived


def _forum_data(group, **changes) -> dict:
    start = timezone.localdate() + datetime.timedelta(days=200)
    data = {"event-title_en": "Pacific Telecommunications Council conference",
            "event-title_fr": "", "event-description_en": "", "event-description_fr": "",
            "event-time_zone": "Pacific/Honolulu", "event-mode": "in_person",
            "event-venue": "Hilton Hawaiian Village", "event-city": "Honolulu",
            "event-country": "", "event-online_url": "",
            "event-local_start": f"{start}T09:00", "event-local_end":
                f"{start + datetime.timedelta(days=3)}T17:00",
            "group": group.pk, "level": "public", "body": "",
            "delegates": [Person.objects.get(email="member@demo.talanoa.test").pk,
                          Person.objects.get(email="rahul.prasad@example.org").pk],
            "position_en": "Affordable international capacity.", "position_fr": "",
            "report_address": "", "restricted_organisations": [], "restricted_people": []}
    data.update(changes)
    return data


def test_a_forum_participation_puts_the_forum_on_the_calendar_and_invites_the_delegates(
        client_for, group, run_worker, django_capture_on_commit_callbacks):
    invited_before = Invitee.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("secretariat").post(reverse("engagement:forum_new"), _forum_data(
            group, body=ExternalBody.objects.get(slug="pita").pk))
    participation = ForumParticipation.objects.get(
        meeting__title_en="Pacific Telecommunications Council conference")
    assert response.status_code == 302 and response["Location"] == (
        participation.get_absolute_url())
    meeting = participation.meeting
    assert (meeting.kind, meeting.status, meeting.level) == ("forum", "convened", "public")
    assert meeting.local_start.hour == 9 and meeting.time_zone == "Pacific/Honolulu"
    assert MeetingTransition.objects.filter(meeting=meeting, to_status="convened").exists()
    # The delegates only, never the whole group.
    assert {i.person.email for i in meeting.invitees.select_related("person")} == {
        "member@demo.talanoa.test", "rahul.prasad@example.org"}
    assert Invitee.objects.count() == invited_before + 2
    mail.outbox.clear()
    run_worker()
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == ["member@demo.talanoa.test", "rahul.prasad@example.org"]
    upcoming = client_for("anonymous").get(reverse("meetings:upcoming") + "?kind=forum")
    assert meeting in upcoming.context["meetings"]


@pytest.mark.parametrize("changes", [
    {"event-title_en": ""},
    {"event-local_end": "2020-01-01T09:00"},  # ends before it starts
    {"event-time_zone": "Mars/Olympus"},
    {"event-city": "", "event-venue": ""},  # in person, but nowhere
    {"level": "restricted"},  # names nobody
    {"report_address": "/papers/999999/"},
    {"delegates": ["999999"]},
])
def test_bad_forum_input_changes_nothing(client_for, group, changes):
    meetings, forums = Meeting.objects.count(), ForumParticipation.objects.count()
    response = client_for("chair").post(reverse("engagement:forum_new"),
                                        _forum_data(group, **changes))
    assert response.status_code == 400
    assert (Meeting.objects.count(), ForumParticipation.objects.count()) == (meetings, forums)


def test_a_forum_edit_sets_the_report_back_follows_the_level_and_conflicts(
        client_for, django_capture_on_commit_callbacks):
    participation = ForumParticipation.objects.get(position_en__startswith="[core]")
    url = reverse("engagement:forum_edit", args=[participation.pk])
    chair, secretariat = client_for("chair"), client_for("secretariat")
    mine, theirs = _form_data(chair.get(url)), _form_data(secretariat.get(url))
    report = Paper.objects.get(title_en__startswith="[public]")
    theirs.update(level="members", report_address=report.get_absolute_url())
    theirs["delegates"] = [*theirs.get("delegates", []),
                           str(Person.objects.get(email="tevita.fifita@example.org").pk)]
    with django_capture_on_commit_callbacks(execute=True):
        assert secretariat.post(url, theirs).status_code == 302
    participation.refresh_from_db()
    meeting = participation.meeting
    meeting.refresh_from_db()
    assert participation.report_paper == report
    assert (participation.level, meeting.level) == ("members", "members")
    assert meeting.invitees.filter(person__email="tevita.fifita@example.org").exists()
    # An observer now sees the forum on the calendar and its participation.
    assert client_for("observer").get(meeting.get_absolute_url()).status_code == 200
    mine["position_en"] = "My position"
    assert chair.post(url, mine).status_code == 409
    participation.refresh_from_db()
    assert participation.position_en.startswith("[core]")


def test_member_cannot_record_a_forum(client_for, group):
    before = ForumParticipation.objects.count()
    assert client_for("member").post(reverse("engagement:forum_new"),
                                     _forum_data(group)).status_code == 404
    assert ForumParticipation.objects.count() == before


def test_an_external_forum_convened_from_the_calendar_invites_nobody(client_for, group):
    from meetings import operations as meeting_operations

    start = timezone.now() + datetime.timedelta(days=300)
    forum = meeting_operations.convene_meeting(Meeting(
        group=group, level="public", kind="forum", title_en="PacNOG 40", city="Nuku'alofa",
        starts_at=start, ends_at=start + datetime.timedelta(hours=8)), None)
    ordinary = meeting_operations.convene_meeting(Meeting(
        group=group, level="public", title_en="Working group call", city="Suva",
        starts_at=start, ends_at=start + datetime.timedelta(hours=2)), None)
    assert forum.status == "convened" and not forum.invitees.exists()
    assert ordinary.invitees.count() > 2  # the group, as before


@pytest.mark.parametrize("label", ["engagement.externalbody", "engagement.engagementprocess",
                                   "engagement.groupposition", "engagement.forumparticipation"])
def test_editors_read_the_history_of_engagement_records(client_for, label):
    from django.apps import apps

    obj = apps.get_model(label).objects.order_by("pk").first()
    url = reverse("history:object", args=[label, obj.pk])
    assert client_for("secretariat").get(url).status_code == 200
    assert client_for("member").get(url).status_code == 404


def test_a_body_cannot_take_the_new_pages_address(client_for):
    response = client_for("chair").post(reverse("engagement:engagement_body_new"), {
        "slug": "new", "acronym": "X", "name_en": "X", "kind": "regional", "order": "1"})
    assert response.status_code == 400
    assert not ExternalBody.objects.filter(slug="new").exists()
