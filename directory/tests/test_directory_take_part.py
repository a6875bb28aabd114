"""The public "take part" request (S1, R3): the form, the email confirmation, the secretariat's
review, and the applicant told the outcome by email."""

import re

import pytest
from django.core import mail, signing

from directory.models import JoinRequest
from members.models import Country, Invitation, Membership, Organisation, Person
from papers.models import Tag

pytestmark = pytest.mark.django_db
LINK = re.compile(r"https?://\S+(/take-part/confirm/[^/\s]+/)")


def _form(**changes) -> dict:
    data = {
        "organisation_name": "Samoa Digital Hub", "acronym": "SDH", "kind": "civil_society",
        "country": Country.objects.get(iso3="WSM").pk, "website": "https://sdh.example.org",
        "contact_name": "Tala Faleolo", "email": "tala@sdh.example.org",
        "position": "Director", "standing": "consultative",
        "areas": [t.pk for t in Tag.objects.filter(code__in=["skills", "connectivity"])],
        "contribution": "Digital skills training for women in Samoa.", "homepage": ""}
    data.update(changes)
    return data


@pytest.fixture
def submit(client, django_capture_on_commit_callbacks, run_worker):
    """POST the form (in `language`), run the worker; return the response."""
    def do(data: dict, language: str = "en"):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/take-part/", data, HTTP_ACCEPT_LANGUAGE=language)
        run_worker()
        return response
    return do


def _step(client, join_request, action: str, captured, run_worker, **data):
    join_request.refresh_from_db()
    with captured(execute=True):
        response = client.post(f"/join-requests/{join_request.pk}/step/", {
            "action": action, "expected_version": join_request.version, **data})
    run_worker()
    join_request.refresh_from_db()
    return response


def test_take_part_confirm_and_approve_as_consultative(
        client, client_for, submit, django_capture_on_commit_callbacks, run_worker):
    assert client.get("/take-part/").status_code == 200
    response = submit(_form(), language="fr")
    assert response.status_code == 200
    join_request = JoinRequest.objects.get(email="tala@sdh.example.org")
    assert join_request.status == "awaiting_email" and join_request.language == "fr"
    assert join_request.areas.count() == 2
    # Only the applicant is written to, with the confirmation link; not the secretariat yet.
    assert [m.to for m in mail.outbox] == [["tala@sdh.example.org"]]
    path = LINK.search(mail.outbox[0].body).group(1)
    mail.outbox.clear()

    # Opening the link (a mail scanner may) confirms nothing; the button does.
    page = client.get(path)
    assert page.status_code == 200 and b"Samoa Digital Hub" in page.content
    join_request.refresh_from_db()
    assert join_request.status == "awaiting_email"
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(path).status_code == 200
    run_worker()
    join_request.refresh_from_db()
    assert join_request.status == "received" and join_request.confirmed_at
    assert [m.to for m in mail.outbox] == [["secretariat@demo.talanoa.test"]]
    assert "Samoa Digital Hub" in mail.outbox[0].body
    mail.outbox.clear()

    secretariat = client_for("secretariat")
    page = secretariat.get(f"/join-requests/{join_request.pk}/")
    assert page.status_code == 200 and b"Approve as consultative participant" in page.content
    _step(secretariat, join_request, "approve_consultative",
          django_capture_on_commit_callbacks, run_worker)
    assert join_request.status == "approved" and join_request.approved_as == "consultative"
    organisation = join_request.organisation
    assert organisation.name_en == "Samoa Digital Hub" and organisation.slug == "sdh"
    assert organisation.country.iso3 == "WSM" and organisation.language == "fr"
    membership = Membership.objects.active().get(organisation=organisation)
    assert membership.kind == "consultative" and membership.group == join_request.group
    assert {t.code for t in organisation.work_profile.areas.all()} == {"skills", "connectivity"}
    person = Person.objects.get(email="tala@sdh.example.org")
    assert person.organisation == organisation and person.language == "fr"
    # R3: the contact gets the chair's consultative invitation (members.operations).
    assert Invitation.objects.filter(person=person, kind="consultative").exists()
    # In the language of the form (French here).
    outcome = [m for m in mail.outbox if m.to == ["tala@sdh.example.org"]
               and "Le secrétariat a approuvé" in m.body]
    assert len(outcome) == 1 and "Prochaines étapes" in outcome[0].body
    assert [s.to_status for s in join_request.transitions.all()] == [
        "awaiting_email", "received", "approved"]
    # Approving twice does nothing more.
    _step(secretariat, join_request, "approve_observer", django_capture_on_commit_callbacks,
          run_worker)
    assert Membership.objects.filter(organisation=organisation).count() == 1


def test_approval_can_link_an_existing_organisation(client_for, group, people,
                                                    django_capture_on_commit_callbacks,
                                                    run_worker):
    existing = Organisation.objects.create(slug="samoa-hub", name_en="Samoa Digital Hub Inc.",
                                           kind="civil_society")
    join_request = JoinRequest.objects.create(
        group=group, status="received", organisation_name="Samoa Digital Hub",
        kind="civil_society", contact_name="Tala", email="tala@sdh.example.org",
        contribution="Training", standing="observer")
    page = client_for("secretariat").get(f"/join-requests/{join_request.pk}/")
    assert f'value="{existing.pk}"'.encode() in page.content  # suggested by its name
    count = Organisation.objects.count()
    _step(client_for("secretariat"), join_request, "approve_observer",
          django_capture_on_commit_callbacks, run_worker, organisation=existing.pk)
    assert join_request.status == "approved" and join_request.organisation == existing
    assert Organisation.objects.count() == count
    assert Membership.objects.active().get(organisation=existing).kind == "observer"
    # An observer's contact is invited to an account.
    assert Invitation.objects.filter(email="tala@sdh.example.org", kind="account").exists()
    assert any("as an observer" in m.body for m in mail.outbox
               if m.to == ["tala@sdh.example.org"])


def test_an_organisation_with_a_standing_cannot_be_approved_again(
        client_for, group, django_capture_on_commit_callbacks, run_worker):
    pita = JoinRequest.objects.get(acronym="PITA", status="received")
    _step(client_for("secretariat"), pita, "approve_observer",
          django_capture_on_commit_callbacks, run_worker, other="pita")
    assert pita.status == "received" and pita.organisation is None
    assert Membership.objects.filter(organisation__slug="pita").count() == 1
    assert not mail.outbox


def test_decline_needs_a_reason_and_tells_the_applicant(client_for,
                                                        django_capture_on_commit_callbacks,
                                                        run_worker):
    join_request = JoinRequest.objects.get(email="office@tongacable.example.org")
    secretariat = client_for("secretariat")
    _step(secretariat, join_request, "decline", django_capture_on_commit_callbacks, run_worker,
          reason="   ")
    assert join_request.status == "received" and not mail.outbox
    reason = "The group's participants are the region's public bodies; please apply via PITA."
    _step(secretariat, join_request, "decline", django_capture_on_commit_callbacks, run_worker,
          reason=reason)
    assert join_request.status == "declined" and join_request.decline_reason == reason
    assert [m.to for m in mail.outbox] == [["office@tongacable.example.org"]]
    assert reason in mail.outbox[0].body
    assert join_request.transitions.last().reason == reason
    assert not Organisation.objects.filter(name_en="Tonga Cable Limited").exists()


def test_a_stale_decision_is_refused(client_for, django_capture_on_commit_callbacks,
                                     run_worker):
    join_request = JoinRequest.objects.get(email="office@tongacable.example.org")
    response = client_for("secretariat").post(f"/join-requests/{join_request.pk}/step/", {
        "action": "decline", "reason": "No", "expected_version": join_request.version + 5})
    assert response.status_code == 302
    join_request.refresh_from_db()
    assert join_request.status == "received"


@pytest.mark.parametrize("changes", [
    {"email": ""}, {"email": "not-an-address"}, {"homepage": "http://spam.example.com"},
    {"organisation_name": ""}, {"standing": "member"}, {"contribution": ""}])
def test_bad_input_stores_nothing_and_says_why(submit, changes):
    before = JoinRequest.objects.count()
    response = submit(_form(**changes))
    assert response.status_code == 400
    assert b"Nothing was stored yet" in response.content
    assert JoinRequest.objects.count() == before and not mail.outbox


def test_a_bad_or_forged_link_changes_nothing(client, group):
    join_request = JoinRequest.objects.get(status="awaiting_email")
    forged = signing.dumps({"r": join_request.pk, "e": join_request.email}, salt="other")
    for token in ("not-a-token", forged, forged[:-3] + "abc"):
        assert client.get(f"/take-part/confirm/{token}/").status_code == 404
        assert client.post(f"/take-part/confirm/{token}/").status_code == 404
    join_request.refresh_from_db()
    assert join_request.status == "awaiting_email" and join_request.transitions.count() == 1


def test_an_expired_link_changes_nothing(client, monkeypatch):
    from directory import operations

    join_request = JoinRequest.objects.get(status="awaiting_email")
    path = f"/take-part/confirm/{operations.join_request_token(join_request)}/"
    assert client.get(path).status_code == 200
    monkeypatch.setattr(operations, "TAKE_PART_LINK_DAYS", -1)
    assert client.post(path).status_code == 404
    join_request.refresh_from_db()
    assert join_request.status == "awaiting_email"


def test_one_address_cannot_flood_the_form(submit, settings):
    settings.TAKE_PART_RATE = "2/hour"
    assert submit(_form(email="a@example.org")).status_code == 200
    assert submit(_form(email="b@example.org")).status_code == 200
    response = submit(_form(email="c@example.org"))
    assert response.status_code == 429 and b"Too many requests came" in response.content
    assert int(response["Retry-After"]) <= 3600
    assert not JoinRequest.objects.filter(email="c@example.org").exists()
    assert JoinRequest.objects.filter(email__in=["a@example.org", "b@example.org"]).count() == 2


@pytest.mark.parametrize("standing", ["anonymous", "outsider", "consultative", "observer",
                                      "member", "chair", "secretariat"])
def test_join_requests_are_for_the_editors_only(client_for, standing):
    client = client_for(standing)
    join_request = JoinRequest.objects.get(acronym="PITA", status="received")
    pages = ["/join-requests/", f"/join-requests/{join_request.pk}/",
             "/join-requests/?status=declined"]
    for url in pages:
        response = client.get(url)
        if standing in ("chair", "secretariat"):
            assert response.status_code == 200
            assert b"Pacific Islands Telecommunications Association" in response.content or (
                "declined" in url)
        elif standing == "anonymous":
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        else:
            assert response.status_code == 404
            assert b"Telecommunications Association" not in response.content
    response = client.post(f"/join-requests/{join_request.pk}/step/", {
        "action": "decline", "reason": "No", "expected_version": join_request.version})
    join_request.refresh_from_db()
    assert (join_request.status == "declined") == (standing in ("chair", "secretariat"))


def test_the_directory_links_to_take_part(client):
    assert b'href="/take-part/"' in client.get("/directory/").content
