"""Advisory requests through their operations: every step, what is refused, who is named and
who is told."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from advisory import operations
from advisory.models import AdvisoryRequest
from advisory.tests.advisory_helpers import editors_emails, ministry_request, org, rahul
from papers.models import Paper

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _steps(advisory):
    return [(t.from_status, t.to_status) for t in advisory.transitions.all()]


def test_a_request_goes_from_received_to_closed(group, people):
    advisory = ministry_request(group)
    assert advisory.level == AdvisoryRequest.Level.RESTRICTED
    assert advisory.status == "received" and advisory.first_response_at is None
    secretariat = people["secretariat"]
    advisory = operations.triage(advisory, secretariat, advisory.version, "urgent", "Minister")
    assert advisory.urgency == "urgent"
    advisory = operations.assign(advisory, secretariat, advisory.version, org("pita"), rahul())
    assert set(advisory.restricted_organisations.all()) == {org("pita")}
    assert set(advisory.restricted_people.all()) == {rahul()}
    paper = Paper.objects.get(title_en__startswith="[public]")
    note = SimpleUploadedFile("advice.txt", b"Roaming advice.", content_type="text/plain")
    response = operations.respond(advisory, secretariat, advisory.version, "Our **advice**.",
                                  note, [paper])
    advisory.refresh_from_db()
    assert advisory.status == "answered"
    assert advisory.first_response_at == response.at
    assert list(advisory.papers.all()) == [paper]
    assert response.file.read() == b"Roaming advice."
    first = advisory.first_response_at
    operations.respond(advisory, secretariat, advisory.version, "A follow-up.")
    advisory.refresh_from_db()
    assert advisory.first_response_at == first and advisory.responses.count() == 2
    advisory = operations.close(advisory, secretariat, advisory.version, "Thanked")
    advisory.refresh_from_db()
    assert advisory.status == "closed" and advisory.closed_at >= first
    assert _steps(advisory) == [("", "received"), ("received", "triaged"),
                                ("triaged", "assigned"), ("assigned", "answered"),
                                ("answered", "closed")]
    assert advisory.history.count() >= 5


def test_a_member_request_names_the_organisation_and_the_person(group, people):
    member = people["member"].person
    advisory = ministry_request(group, organisation=member.organisation, ministry="",
                                requester_person=member, requester_email=member.email,
                                channel="member")
    assert set(advisory.restricted_organisations.all()) == {member.organisation}
    assert set(advisory.restricted_people.all()) == {member}


@pytest.mark.parametrize("step", ["close", "respond", "assign"])
def test_a_step_out_of_order_is_refused_and_changes_nothing(group, people, step):
    advisory = ministry_request(group)
    version = advisory.version
    call = {"close": lambda: operations.close(advisory, people["secretariat"], version),
            "respond": lambda: operations.respond(advisory, people["secretariat"], version,
                                                  "Too early"),
            "assign": lambda: operations.assign(advisory, people["secretariat"], version,
                                                org("pita"))}[step]
    with pytest.raises(operations.AdvisoryRefused):
        call()
    advisory.refresh_from_db()
    assert advisory.status == "received" and advisory.version == version
    assert advisory.responses.count() == 0 and len(_steps(advisory)) == 1
    assert not advisory.restricted_organisations.exists()


def test_a_stale_step_is_refused(group, people):
    advisory = ministry_request(group)
    stale = advisory.version
    operations.triage(advisory, people["secretariat"], stale)
    with pytest.raises(operations.AdvisoryRefused):
        operations.decline(advisory, people["chair"], stale, "Out of scope")
    advisory.refresh_from_db()
    assert advisory.status == "triaged"


def test_bad_input_is_refused(group, people):
    advisory = ministry_request(group)
    advisory = operations.triage(advisory, people["secretariat"], advisory.version)
    with pytest.raises(operations.AdvisoryRefused):  # Rahul is PITA's, not Tonga's
        operations.assign(advisory, people["secretariat"], advisory.version, org("gov-ton"),
                          rahul())
    with pytest.raises(operations.AdvisoryRefused):
        operations.decline(advisory, people["secretariat"], advisory.version, "  ")
    advisory = operations.assign(advisory, people["secretariat"], advisory.version,
                                 org("pita"), rahul())
    with pytest.raises(operations.AdvisoryRefused):
        operations.respond(advisory, people["secretariat"], advisory.version, " ")
    advisory.refresh_from_db()
    assert advisory.status == "assigned" and not advisory.responses.exists()


def test_declined_and_withdrawn_end_the_request(group, people):
    declined = ministry_request(group)
    declined = operations.decline(declined, people["secretariat"], declined.version,
                                  "Ask the ITU")
    assert declined.status == "declined" and declined.closed_at is not None
    withdrawn = ministry_request(group, title="[restricted] Another")
    withdrawn = operations.withdraw(withdrawn, people["secretariat"], withdrawn.version)
    assert withdrawn.status == "withdrawn" and withdrawn.closed_at is not None


def test_who_is_told_at_each_step(group, people, django_capture_on_commit_callbacks,
                                  run_worker):
    secretariat = people["secretariat"]
    with django_capture_on_commit_callbacks(execute=True):
        advisory = ministry_request(group)
    run_worker()
    assert {m.to[0] for m in mail.outbox} == {"sela@meidecc.example.to"} | editors_emails(group)
    to_requester = next(m for m in mail.outbox if m.to == ["sela@meidecc.example.to"])
    assert "/advisory/read/" in to_requester.body  # no account: a signed link
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        advisory = operations.triage(advisory, secretariat, advisory.version)
        advisory = operations.assign(advisory, secretariat, advisory.version, org("pita"),
                                     rahul())
    run_worker()
    assert [m.to for m in mail.outbox] == [[rahul().email]]
    assert f"/advisory/{advisory.pk}/" in mail.outbox[0].body
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        operations.respond(advisory, secretariat, advisory.version, "Advice.")
    run_worker()
    advisory.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        operations.close(advisory, secretariat, advisory.version)
    run_worker()
    assert [m.to for m in mail.outbox] == [["sela@meidecc.example.to"]] * 2
    assert mail.outbox[0].subject.startswith("Advice on your request:")
    assert mail.outbox[1].subject.startswith("Your request for advice is closed:")


def test_the_requester_is_told_in_their_language(group, people,
                                                  django_capture_on_commit_callbacks,
                                                  run_worker):
    with django_capture_on_commit_callbacks(execute=True):
        ministry_request(group, language="fr", title_fr="[restricted] Conseil sur l'itinérance")
    run_worker()
    to_requester = next(m for m in mail.outbox if m.to == ["sela@meidecc.example.to"])
    assert "Conseil sur l'itinérance" in to_requester.subject


def test_a_reassignment_or_a_corrected_requester_names_only_the_new_ones(group, people):
    from members.models import Person

    advisory = ministry_request(group, organisation=org("gov-ton"))
    advisory = operations.triage(advisory, people["secretariat"], advisory.version)
    advisory = operations.assign(advisory, people["secretariat"], advisory.version, org("pita"),
                                 rahul())
    litia = Person.objects.get(email="litia.naivalu@example.org")
    advisory = operations.assign(advisory, people["secretariat"], advisory.version, org("pifs"),
                                 litia)
    assert set(advisory.restricted_organisations.all()) == {org("gov-ton"), org("pifs")}
    assert set(advisory.restricted_people.all()) == {litia}
    advisory.refresh_from_db()
    advisory.organisation = org("gov-png")
    operations.save_advisory(advisory, advisory.version)
    assert set(advisory.restricted_organisations.all()) == {org("gov-png"), org("pifs")}
