"""Advisory request pages: intake by a member and by an invited ministry, the signed links,
the step forms, the edit conflict, and who may see what (never anyone the request does not
name: on pages, lists, search, files, figures and emails)."""

import datetime
import re

import pytest
from django.core import mail, signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from advisory import operations
from advisory.models import AdvisoryRequest
from advisory.tests.advisory_helpers import (
    SECRET_WORD,
    account_for,
    editors_emails,
    ministry_request,
    org,
    rahul,
)
from members.models import Country

pytestmark = pytest.mark.django_db
LINK = re.compile(r"https?://\S+")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _answered(group, people):
    """A restricted request of Tonga's ministry, assigned to PITA (Rahul), answered with a
    document."""
    advisory = ministry_request(group)
    secretariat = people["secretariat"]
    advisory = operations.triage(advisory, secretariat, advisory.version)
    advisory = operations.assign(advisory, secretariat, advisory.version, org("pita"), rahul())
    response = operations.respond(
        advisory, secretariat, advisory.version, f"Advice on {SECRET_WORD}.",
        SimpleUploadedFile("advice.txt", b"The advice note.", content_type="text/plain"))
    advisory.refresh_from_db()
    return advisory, response


def _step(client, advisory, action, **data):
    return client.post(reverse("advisory:advisory_step", args=[advisory.pk]),
                       {"action": action, "expected_version": advisory.version,
                        **{f"{action}-{key}": value for key, value in data.items()}})


# Intake --------------------------------------------------------------------------------------

def test_a_member_files_a_request_for_their_organisation(client_for, people, group):
    member = client_for("member")
    assert member.get(reverse("advisory:advisory_new")).status_code == 200
    response = member.post(reverse("advisory:advisory_new"), {
        "group": group.pk, "organisation": org("gov-fji").pk, "ministry": "Ministry of Trade",
        "title_en": "Advice on e-invoicing", "details": "Before the budget.",
        "country": Country.objects.get(iso3="FJI").pk, "urgency": "soon",
        "wanted_by": (datetime.date.today() + datetime.timedelta(days=9)).isoformat()})
    advisory = AdvisoryRequest.objects.get(title_en="Advice on e-invoicing")
    assert response.status_code == 302 and response["Location"] == advisory.get_absolute_url()
    assert advisory.requester_person == people["member"].person
    assert advisory.channel == "member" and advisory.status == "received"
    assert advisory.level == "restricted"
    assert list(advisory.restricted_organisations.all()) == [org("gov-fji")]
    assert member.get(advisory.get_absolute_url()).status_code == 200
    assert client_for("observer").get(advisory.get_absolute_url()).status_code == 404


def test_a_member_cannot_file_for_another_organisation_or_in_the_past(client_for, group):
    member = client_for("member")
    response = member.post(reverse("advisory:advisory_new"), {
        "group": group.pk, "organisation": org("pita").pk, "title_en": "Spoofed",
        "country": Country.objects.get(iso3="FJI").pk, "urgency": "soon",
        "wanted_by": "2001-01-01"})
    assert response.status_code == 400
    assert b"The date wanted has passed." in response.content
    assert not AdvisoryRequest.objects.filter(title_en="Spoofed").exists()
    assert client_for("outsider").get(reverse("advisory:advisory_new")).status_code == 404


def _invite(client_for, run_worker, django_capture_on_commit_callbacks, group):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("secretariat").post(reverse("advisory:advisory_invite"), {
            "email": "Sela@Meidecc.example.to", "name": "Sela Tonga",
            "ministry": "Ministry of MEIDECC", "country": Country.objects.get(iso3="TON").pk,
            "language": "en", "group": group.pk, "message": "Mālō e lelei."})
    assert response.status_code == 302
    run_worker()
    assert [m.to for m in mail.outbox] == [["sela@meidecc.example.to"]]
    return LINK.search(mail.outbox[0].body).group(0)


def test_an_invited_ministry_files_through_the_emailed_link(
        client_for, group, run_worker, django_capture_on_commit_callbacks):
    link = _invite(client_for, run_worker, django_capture_on_commit_callbacks, group)
    assert "Mālō e lelei." in mail.outbox[0].body
    mail.outbox.clear()
    browser = Client()
    form = browser.get(link)
    assert form.status_code == 200 and b"sela@meidecc.example.to" in form.content
    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(link, {"requester_name": "Sela Tonga",
                                       "ministry": "Ministry of MEIDECC",
                                       "title_en": "Advice on roaming", "details": "Soon.",
                                       "urgency": "urgent"})
    advisory = AdvisoryRequest.objects.get(title_en="Advice on roaming")
    assert response.status_code == 302
    assert advisory.requester_email == "sela@meidecc.example.to"
    assert advisory.channel == "ministry" and advisory.country.iso3 == "TON"
    # The browser that filed it reads it, and nothing else.
    assert browser.get(advisory.get_absolute_url()).status_code == 200
    other = ministry_request(group, title="[restricted] Someone else's")
    assert browser.get(other.get_absolute_url()).status_code == 404
    assert other.title_en.encode() not in browser.get(reverse("advisory:advisory_list")).content
    run_worker()
    assert {m.to[0] for m in mail.outbox} == {"sela@meidecc.example.to"} | editors_emails(group)


def test_bad_and_expired_intake_links_change_nothing(client_for, group, monkeypatch):
    token = operations.ministry_intake_token("a@b.example", "A", "M",
                                             Country.objects.get(iso3="TON").pk, group.pk)
    data = {"requester_name": "A", "ministry": "M", "title_en": "Forged", "urgency": "soon"}
    bad = Client().post(reverse("advisory:advisory_ministry", args=[token[:-2] + "xx"]), data)
    assert bad.status_code == 400 and b"This link is not valid" in bad.content
    later = datetime.datetime.now().timestamp() + 15 * 86400
    monkeypatch.setattr(signing.time, "time", lambda: later)
    expired = Client().post(reverse("advisory:advisory_ministry", args=[token]), data)
    assert expired.status_code == 410 and b"This link has expired" in expired.content
    assert not AdvisoryRequest.objects.filter(title_en="Forged").exists()


def test_the_read_link_opens_one_request_for_the_session(group, people):
    advisory, _response = _answered(group, people)
    advisory.transitions.filter(to_status="triaged").update(reason="Internal: call the DG")
    token = operations.advisory_read_token(advisory)
    browser = Client()
    page = browser.get(reverse("advisory:advisory_read", args=[token]))
    assert page.status_code == 200 and advisory.title_en.encode() in page.content
    assert SECRET_WORD.encode() in page.content  # the response
    assert b'name="action"' not in page.content  # no step for the reader
    assert b"Internal: call the DG" not in page.content
    assert b"Internal: call the DG" in _secretariat_page(people, advisory)
    assert browser.get(advisory.get_absolute_url()).status_code == 200
    record = advisory.responses.get()
    assert browser.get(reverse("advisory:advisory_response_file",
                               args=[advisory.pk, record.pk])).status_code == 200
    assert Client().get(reverse("advisory:advisory_read", args=[token + "x"])).status_code == 400
    AdvisoryRequest.objects.filter(pk=advisory.pk).update(requester_email="other@example.org")
    assert Client().get(reverse("advisory:advisory_read", args=[token])).status_code == 404


def _secretariat_page(people, advisory) -> bytes:
    client = Client()
    client.force_login(people["secretariat"])
    return client.get(advisory.get_absolute_url()).content


# Steps through the pages ---------------------------------------------------------------------

def test_the_secretariat_steps_through_the_pages(client_for, group, people):
    from papers.models import Paper

    advisory = ministry_request(group)
    client = client_for("secretariat")
    assert _step(client, advisory, "triage", urgency="soon").status_code == 302
    advisory.refresh_from_db()
    assert _step(client, advisory, "assign", organisation=org("pita").pk,
                 person=rahul().pk).status_code == 302
    advisory.refresh_from_db()
    paper = Paper.objects.get(title_en__startswith="[public]")
    upload = SimpleUploadedFile("advice.pdf", b"%PDF-1.4 advice", content_type="application/pdf")
    assert _step(client, advisory, "respond", text="Advice.", file=upload,
                 paper_addresses=paper.get_absolute_url()).status_code == 302
    advisory.refresh_from_db()
    assert _step(client, advisory, "close", note="Done").status_code == 302
    advisory.refresh_from_db()
    assert advisory.status == "closed" and list(advisory.papers.all()) == [paper]
    record = advisory.responses.get()
    download = client.get(reverse("advisory:advisory_response_file", args=[advisory.pk, record.pk]))
    assert download.status_code == 200
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Disposition"].startswith("attachment")
    assert download["Cache-Control"] == "private, no-store"


def test_the_assigned_person_responds_but_takes_no_other_step(client_for, group, people):
    advisory = ministry_request(group)
    advisory = operations.triage(advisory, people["secretariat"], advisory.version)
    advisory = operations.assign(advisory, people["secretariat"], advisory.version,
                                 org("pita"), rahul())
    client = Client()
    client.force_login(account_for(rahul().email))
    assert _step(client, advisory, "decline", note="No").status_code == 403
    assert _step(client, advisory, "respond", text="PITA's advice.").status_code == 302
    advisory.refresh_from_db()
    assert advisory.status == "answered"
    assert advisory.responses.get().by_organisation == org("pita")


@pytest.mark.parametrize(("action", "data", "message"), [
    ("triage", {"urgency": "tomorrow"}, b"Select a valid choice"),
    ("respond", {"text": ""}, b"This field is required"),
    ("respond", {"text": "Advice", "paper_addresses": "/papers/999999/"}, b"No paper at"),
    ("decline", {"note": ""}, b"Say why the request is declined."),
])
def test_bad_input_comes_back_with_its_error_and_changes_nothing(client_for, group, people,
                                                                 action, data, message):
    advisory = ministry_request(group)
    if action == "respond":
        advisory = operations.triage(advisory, people["secretariat"], advisory.version)
    response = _step(client_for("secretariat"), advisory, action, **data)
    assert response.status_code == 400 and message in response.content
    before = advisory.version
    advisory.refresh_from_db()
    assert advisory.version == before and not advisory.responses.exists()


def test_a_hostile_file_is_refused(client_for, group, people):
    advisory = ministry_request(group)
    advisory = operations.triage(advisory, people["secretariat"], advisory.version)
    upload = SimpleUploadedFile("advice.pdf", b"<html><script>alert(1)</script>",
                                content_type="application/pdf")
    response = _step(client_for("secretariat"), advisory, "respond", text="Advice.",
                     file=upload)
    assert response.status_code == 400
    assert not advisory.responses.exists()


def test_a_stale_step_changes_nothing(client_for, group, people):
    advisory = ministry_request(group)
    client = client_for("secretariat")
    stale = advisory.version
    operations.triage(advisory, people["chair"], stale)
    response = client.post(reverse("advisory:advisory_step", args=[advisory.pk]),
                           {"action": "decline", "expected_version": stale,
                            "decline-note": "Why"})
    assert response.status_code == 302
    advisory.refresh_from_db()
    assert advisory.status == "triaged"


def test_an_edit_conflict_shows_both_versions(client_for, group, people):
    advisory = ministry_request(group)
    url = reverse("advisory:advisory_edit", args=[advisory.pk])
    client = client_for("secretariat")
    fields = {"level": "restricted", "ministry": "Ministry of MEIDECC",
              "requester_name": "Sela Tonga", "requester_email": "sela@meidecc.example.to",
              "language": "en", "title_en": "Theirs", "country": advisory.country_id,
              "urgency": "routine", "expected_version": advisory.version}
    assert client.post(url, fields).status_code == 302
    response = client.post(url, {**fields, "title_en": "Mine"})
    assert response.status_code == 409
    advisory.refresh_from_db()
    assert advisory.title_en == "Theirs"
    assert client_for("member").get(url).status_code == 404
    history = reverse("history:object", args=["advisory.advisoryrequest", advisory.pk])
    assert b"Theirs" in client.get(history).content
    assert client_for("member").get(history).status_code == 404


# Never visible to anyone it does not name ----------------------------------------------------

@pytest.mark.parametrize("standing", ["anonymous", "outsider", "consultative", "observer",
                                      "member"])
def test_a_restricted_request_is_invisible_to_whoever_it_does_not_name(
        client_for, group, people, standing):
    advisory, response = _answered(group, people)
    client = client_for(standing)
    title = advisory.title_en.encode()
    assert client.get(advisory.get_absolute_url()).status_code == 404
    assert client.get(reverse("advisory:advisory_response_file",
                              args=[advisory.pk, response.pk])).status_code == 404
    assert _step(client, advisory, "respond", text="x").status_code in (302, 404)
    assert advisory.responses.count() == 1
    for url in (reverse("advisory:advisory_list") + "?status=all",
                f"/search/?q={SECRET_WORD}", reverse("advisory:advisory_figures")):
        page = client.get(url)
        assert title not in page.content
        assert advisory.get_absolute_url().encode() not in page.content
        assert b"Advice on <mark>" not in page.content  # no excerpt of the response
    if standing in ("consultative", "observer", "member"):  # they count it, unnamed
        figures = client.get(reverse("advisory:advisory_figures"))
        assert figures.status_code == 200 and b'id="figures"' in figures.content


@pytest.mark.parametrize("who", ["secretariat", "chair", "requester_org", "assigned"])
def test_those_it_names_see_it_everywhere(client_for, group, people, who):
    advisory, response = _answered(group, people)
    AdvisoryRequest.objects.filter(pk=advisory.pk).update(organisation=org("gov-ton"))
    advisory.refresh_from_db()
    operations.save_advisory(advisory, advisory.version)  # names Tonga's government
    if who in ("secretariat", "chair"):
        client = client_for(who)
    else:
        client = Client()
        client.force_login(account_for("tevita.fifita@example.org" if who == "requester_org"
                                       else rahul().email))
    assert client.get(advisory.get_absolute_url()).status_code == 200
    assert client.get(reverse("advisory:advisory_response_file",
                              args=[advisory.pk, response.pk])).status_code == 200
    assert advisory.title_en.encode() in client.get(reverse("advisory:advisory_list")).content
    assert advisory.title_en.encode() in client.get(f"/search/?q={SECRET_WORD}").content


def test_the_figures_are_for_the_group_only(client_for):
    assert client_for("outsider").get(reverse("advisory:advisory_figures")).status_code == 404
    assert client_for("anonymous").get(reverse("advisory:advisory_figures")).status_code == 302


def test_the_list_is_urgent_then_oldest_first_and_filters(client_for, group):
    import datetime as dt

    from django.utils import timezone

    now = timezone.now()
    ministry_request(group, title="[restricted] A old routine", received_at=now - dt.timedelta(
        days=9))
    ministry_request(group, title="[restricted] B new urgent", urgency="urgent")
    ministry_request(group, title="[restricted] C old urgent", urgency="urgent",
                     received_at=now - dt.timedelta(days=5))
    content = client_for("secretariat").get(
        reverse("advisory:advisory_list") + f"?country={Country.objects.get(iso3='TON').pk}"
    ).content.decode()
    order = [content.index(t) for t in ("C old urgent", "B new urgent", "A old routine")]
    assert order == sorted(order)
    only_urgent = client_for("secretariat").get(
        reverse("advisory:advisory_list") + "?urgency=urgent")
    assert b"A old routine" not in only_urgent.content
    assert b"B new urgent" in only_urgent.content


def test_the_member_who_asked_may_withdraw_but_not_triage(client_for, group, people):
    member = people["member"].person
    advisory = ministry_request(group, organisation=member.organisation, ministry="",
                                requester_person=member, requester_email=member.email,
                                channel="member")
    client = client_for("member")
    assert client.get(reverse("advisory:advisory_edit", args=[advisory.pk])).status_code == 403
    assert _step(client, advisory, "triage", urgency="urgent").status_code == 403
    assert _step(client, advisory, "withdraw", note="Solved at home").status_code == 302
    advisory.refresh_from_db()
    assert advisory.status == "withdrawn" and advisory.urgency == "routine"
