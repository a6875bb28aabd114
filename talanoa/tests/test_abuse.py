"""Abuse (issue 11, item 5): rate limits on sign-in, password reset, invitations and every
anonymous form (the API's own are in api/tests/test_frame.py), lockout and unlock by the
secretariat, and the audit log.

No test sleeps: windows are moved with `now=` or made small through the settings, and the
cache is emptied around each test (conftest)."""

import re

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from talanoa import auditlog, ratelimit
from talanoa.models import AuditEvent

pytestmark = pytest.mark.django_db

MEMBER = "member@demo.talanoa.test"
PASSWORD = "talanoa-demo"


@pytest.fixture(autouse=True)
def _only_this_test_s_events(monkeypatch):
    """Loading the demo data recorded its own events: each test reads only those after."""
    first = (AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    manager = AuditEvent.objects
    monkeypatch.setattr(AuditEvent, "objects", manager.filter(pk__gte=first), raising=False)
    yield
    monkeypatch.setattr(AuditEvent, "objects", manager, raising=False)


def kinds() -> list[str]:
    return list(AuditEvent.objects.order_by("pk").values_list("kind", flat=True))


# -- The shared fixed window -----------------------------------------------------------------

def test_a_window_counts_per_scope_and_key_and_ends():
    start = 1_800_000_000  # the start of an hour window (a multiple of 3600)
    assert [ratelimit.hit("t", "a", "2/hour", now=start + 10) for __ in range(2)] == [None] * 2
    assert ratelimit.hit("t", "a", "2/hour", now=start + 10) == 3590  # until the window ends
    assert ratelimit.hit("t", "b", "2/hour", now=start + 10) is None  # another key
    assert ratelimit.hit("u", "a", "2/hour", now=start + 10) is None  # another scope
    assert ratelimit.hit("t", "a", "2/hour", now=start + 3600) is None  # the next window


def test_rates_are_read_in_every_unit():
    assert ratelimit.parse_rate("120/min") == (120, 60)
    assert ratelimit.parse_rate("5/s") == (5, 1)
    assert ratelimit.parse_rate("30/hour") == (30, 3600)
    assert ratelimit.parse_rate("100/day") == (100, 86400)


# -- Sign-in and password reset (allauth) ----------------------------------------------------

def test_allauth_limits_are_set_explicitly(settings):
    limits = settings.ACCOUNT_RATE_LIMITS
    for action in ("login", "login_failed", "reset_password", "reset_password_from_key",
                   "change_password", "reauthenticate", "signup"):
        assert limits.get(action), action
    assert "/key" in limits["reset_password"]  # per email address: no one is mail-bombed


def test_sign_in_attempts_are_limited_per_address(settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "2/m/ip"}
    here, there = Client(REMOTE_ADDR="10.1.0.1"), Client(REMOTE_ADDR="10.1.0.2")
    data = {"login": "nobody@example.org", "password": "wrong-password-1"}
    assert [here.post(reverse("account_login"), data).status_code for __ in range(2)] == [200] * 2
    response = here.post(reverse("account_login"), {"login": MEMBER, "password": PASSWORD})
    assert response.status_code == 429 and b"Too many attempts" in response.content
    assert there.post(reverse("account_login"),
                      {"login": MEMBER, "password": PASSWORD}).status_code == 302


def test_guessing_one_account_from_many_addresses_is_stopped(settings):
    """axes locks an account per address; allauth's per-account count of failures stops
    guessing spread over many addresses, before the right password can get in."""
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS,
                                    "login_failed": "10/m/ip,3/5m/key"}
    wrong = {"login": MEMBER, "password": "wrong-password-1"}
    for n in range(3):
        Client(REMOTE_ADDR=f"10.8.0.{n}").post(reverse("account_login"), wrong)
    fresh = Client(REMOTE_ADDR="10.8.0.99")
    response = fresh.post(reverse("account_login"), {"login": MEMBER, "password": PASSWORD})
    assert response.status_code == 200  # the form again, with allauth's message
    assert fresh.get(reverse("portal:member_home")).status_code == 302  # not signed in


def test_reset_emails_are_limited_per_address_asked_for(settings, mailoutbox, run_worker):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS,
                                    "reset_password": "20/h/ip,2/h/key"}
    url = reverse("account_reset_password")
    answers = [Client(REMOTE_ADDR=f"10.2.0.{n}").post(url, {"email": MEMBER}).status_code
               for n in range(3)]  # from three addresses: the limit is per email address
    assert answers == [302, 302, 429]
    run_worker()  # the worker writes the emails (members.password_reset)
    assert len(mailoutbox) == 2


def test_the_reset_link_page_is_limited_per_address(settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS,
                                    "reset_password_from_key": "2/h/ip"}
    client = Client(REMOTE_ADDR="10.3.0.1")
    url = reverse("account_reset_password_from_key", kwargs={"uidb36": "zz", "key": "set-x"})
    data = {"password1": "lagoon-sunrise-2027", "password2": "lagoon-sunrise-2027"}
    assert [client.post(url, data).status_code != 429 for __ in range(2)] == [True, True]
    assert client.post(url, data).status_code == 429


# -- Invitations ------------------------------------------------------------------------------

def test_one_person_sends_a_limited_number_of_invitations(settings, client_for):
    from members.models import Invitation

    settings.INVITATION_RATE = "2/hour"
    secretariat, chair = client_for("secretariat"), client_for("chair")
    before = Invitation.objects.count()

    def invite(client, n):
        return client.post(reverse("members:invite"), {
            "name": f"Guest {n}", "email": f"guest{n}@example.org", "language": "en"})

    assert [invite(secretariat, n).status_code for n in range(2)] == [302, 302]
    refused = invite(secretariat, 3)
    assert refused.status_code == 429 and int(refused["Retry-After"]) <= 3600
    assert Invitation.objects.count() == before + 2
    # The count is the sender's, shared by every kind of invitation, not the others'.
    assert secretariat.post(reverse("advisory:advisory_invite"), {}).status_code == 429
    assert invite(chair, 4).status_code == 302


# -- Anonymous forms ---------------------------------------------------------------------------

PUBLIC_FORMS = {
    "members:invitation": {"token": "not-a-token"},
    "meetings:rsvp": {"token": "not-a-token"},
    "advisory:advisory_ministry": {"token": "not-a-token"},
    "directory:take_part_confirm": {"token": "not-a-token"},
}


@pytest.mark.parametrize("name", sorted(PUBLIC_FORMS))
def test_each_anonymous_form_is_limited_per_address(settings, name):
    settings.PUBLIC_FORM_RATE = "2/hour"
    url = reverse(name, kwargs=PUBLIC_FORMS[name])
    client, other = Client(REMOTE_ADDR="10.4.0.1"), Client(REMOTE_ADDR="10.4.0.2")
    assert [client.post(url).status_code != 429 for __ in range(2)] == [True, True]
    response = client.post(url)
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 3600
    assert b"Too many requests came from your connection" in response.content
    assert client.get(url).status_code != 429  # reading the link is not counted
    assert other.post(url).status_code != 429  # another address has its own count


def test_the_429_page_is_in_the_reader_s_language(settings):
    settings.TAKE_PART_RATE = "1/hour"
    client = Client(REMOTE_ADDR="10.5.0.1", HTTP_ACCEPT_LANGUAGE="fr")
    client.post(reverse("directory:take_part"), {})
    response = client.post(reverse("directory:take_part"), {})
    assert response.status_code == 429
    assert '<html lang="fr"' in response.content.decode()
    assert "Trop de tentatives" in response.content.decode()


# -- Lockout, then unlock by the secretariat ---------------------------------------------------

def test_a_locked_out_member_is_unlocked_by_the_secretariat(settings, client_for, people):
    member = Client(REMOTE_ADDR="10.6.0.1")
    login = reverse("account_login")
    for __ in range(settings.AXES_FAILURE_LIMIT):
        member.post(login, {"login": MEMBER, "password": "wrong-password-1"})
    locked = member.post(login, {"login": MEMBER, "password": PASSWORD})
    assert b"Too many failed" in locked.content
    assert member.get(reverse("portal:member_home")).status_code == 302  # still signed out

    secretariat = client_for("secretariat")
    page = secretariat.get(reverse("members:lockouts"))
    assert page.status_code == 200 and MEMBER in page.content.decode()
    pk = int(re.search(r"/lockouts/(\d+)/unlock/", page.content.decode()).group(1))
    # Only editors unlock: a member's POST changes nothing.
    assert client_for("member").post(reverse("members:lockout_unlock", args=[pk])
                                     ).status_code == 404
    assert secretariat.post(reverse("members:lockout_unlock", args=[pk])).status_code == 302
    assert "No account is locked out." in secretariat.get(reverse("members:lockouts")
                                                          ).content.decode()

    assert member.post(login, {"login": MEMBER, "password": PASSWORD}).status_code == 302
    assert member.get(reverse("portal:member_home")).status_code == 200

    events = AuditEvent.objects.order_by("pk")
    failed = [e for e in events if e.kind == "login_failed"]
    assert len(failed) >= settings.AXES_FAILURE_LIMIT
    assert failed[0].detail == {"login": MEMBER} and failed[0].ip == "10.6.0.1"
    lockout = events.filter(kind="lockout").first()
    assert lockout.target_text == MEMBER
    unlock = events.get(kind="unlock")
    assert unlock.actor == people["secretariat"].email and unlock.detail["login"] == MEMBER
    assert events.filter(kind="login", actor=MEMBER, pk__gt=unlock.pk).exists()
    # Nothing secret was written down.
    for event in events:
        assert PASSWORD not in str(event.detail) and "wrong-password-1" not in str(event.detail)


# -- The audit log -------------------------------------------------------------------------------

def test_sign_in_and_sign_out_are_recorded():
    client = Client(REMOTE_ADDR="10.7.0.1")
    client.post(reverse("account_login"), {"login": MEMBER, "password": PASSWORD})
    client.post(reverse("account_logout"))
    login, logout = AuditEvent.objects.filter(kind__in=["login", "logout"]).order_by("pk")
    assert (login.kind, login.actor, login.ip) == ("login", MEMBER, "10.7.0.1")
    assert (logout.kind, logout.actor) == ("logout", MEMBER)


def test_recording_is_one_insert(people):
    with CaptureQueriesContext(connection) as queries:
        auditlog.record(AuditEvent.Kind.LOGIN, actor=people["member"], target=people["member"],
                     detail={"x": 1})
    assert len(queries) == 1 and queries[0]["sql"].startswith("INSERT")


def test_the_log_is_append_only(people):
    event = auditlog.record(AuditEvent.Kind.LOGIN, actor=people["member"])
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(kind="logout")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()


def test_standings_roles_and_permissions_are_recorded(people):
    from members import operations
    from members.models import Membership, Organisation, Representative, WorkingGroup

    group = WorkingGroup.objects.get(slug="ict")
    organisation = Organisation.objects.get(slug="pita")
    membership = Membership.objects.create(group=group, organisation=organisation,
                                           kind=Membership.Kind.OBSERVER)
    membership = Membership.objects.get(pk=membership.pk)  # as a view would load it
    membership.kind = Membership.Kind.CONSULTATIVE
    membership.save()
    operations.end_membership(membership)

    representative = Representative.objects.filter(
        status=Representative.Status.CONFIRMED, ended_on__isnull=True,
        role=Representative.Role.REPRESENTATIVE).first()
    representative.role = Representative.Role.SECRETARIAT
    representative.save()
    operations.end_representation(representative)
    nominated = Representative.objects.create(
        group=group, organisation=organisation, person=representative.person, year=2099,
        status=Representative.Status.NOMINATED)
    operations.confirm_representative(nominated)

    user = people["outsider"]
    user.is_staff = True
    user.save()
    user.save()  # nothing changed: nothing recorded

    assert kinds() == ["membership_created", "membership_changed", "membership_ended",
                       "role_changed", "representative_ended", "representative_confirmed",
                       "account_flags"]
    role = AuditEvent.objects.get(kind="role_changed")
    assert role.detail["changes"]["role"] == ["representative", "secretariat"]
    assert role.detail["editor"] is True
    flags = AuditEvent.objects.get(kind="account_flags")
    assert flags.detail["changes"] == {"is_staff": [False, True]}
    assert flags.target == f"members.user:{user.pk}"


def test_the_secretariat_ending_a_representative_is_the_actor(client_for, people):
    from members.tests.samples import nomination_sample

    representative = nomination_sample("representative")
    client_for("secretariat").post(reverse("members:representative_end",
                                           args=[representative.pk]))
    event = AuditEvent.objects.get(kind="representative_ended")
    assert event.actor == people["secretariat"].email
    assert event.target == f"members.representative:{representative.pk}"


def test_api_tokens_created_and_revoked_are_recorded_without_the_secret(client_for, people):
    from api.models import ApiToken

    member = client_for("member")
    response = member.post("/me/tokens/", {"name": "Our website"})
    secret = re.search(r"tal_[A-Za-z0-9_-]+", response.content.decode()).group(0)
    token = ApiToken.objects.get(user=people["member"], name="Our website")
    member.post(f"/me/tokens/{token.pk}/revoke/")
    created, revoked = AuditEvent.objects.filter(kind__startswith="token").order_by("pk")
    assert (created.kind, revoked.kind) == ("token_created", "token_revoked")
    assert created.actor == MEMBER and created.target == f"api.apitoken:{token.pk}"
    for event in (created, revoked):
        assert secret not in str(event.detail) and secret[:12] not in str(event.detail)


def test_downloads_of_restricted_lists_are_recorded_once_with_counts(client_for):
    import csv
    import io

    client_for("anonymous").get("/papers/?format=csv")  # public rows only: nothing recorded
    assert not AuditEvent.objects.filter(kind="export").exists()
    response = client_for("secretariat").get("/papers/in-progress/?format=csv")
    assert response.status_code == 200
    table = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    event = AuditEvent.objects.get(kind="export")
    assert event.target == "papers-in-progress" and event.detail["format"] == "csv"
    assert event.detail["rows"] == len(table)
    assert event.detail["restricted_rows"] == sum(row["Level"] != "public" for row in table) >= 1


def test_downloads_of_restricted_files_are_recorded(client_for, people):
    from portal.models import Post

    public = Post.objects.get(title_en__startswith="[public]")
    members = Post.objects.get(title_en__startswith="[members]")
    for post in (public, members):
        post.attachment.save("note.txt", ContentFile(b"A note."), save=True)
    member = client_for("member")
    assert member.get(reverse("portal:post_file", args=[public.pk])).status_code == 200
    assert not AuditEvent.objects.filter(kind="download").exists()
    assert member.get(reverse("portal:post_file", args=[members.pk])).status_code == 200
    event = AuditEvent.objects.get(kind="download")
    assert event.actor == MEMBER and event.target == f"portal.post:{members.pk}"
    assert event.detail["level"] == "members"


def test_the_secretariat_reads_the_log_by_kind(client_for, people):
    for n in range(3):
        auditlog.record(AuditEvent.Kind.LOGIN_FAILED, target_text=f"guess{n}@example.org",
                     detail={"login": f"guess{n}@example.org"})
    auditlog.record(AuditEvent.Kind.UNLOCK, actor=people["secretariat"], target_text=MEMBER)
    secretariat = client_for("secretariat")
    page = secretariat.get(reverse("audit:events") + "?kind=login_failed").content.decode()
    assert "guess2@example.org" in page and "guess0@example.org" in page
    assert "Unlocked" not in page.split("<tbody>")[1]
    assert "Unlocked" in secretariat.get(reverse("audit:events")).content.decode()
    for standing in ("member", "observer", "outsider"):
        assert client_for(standing).get(reverse("audit:events")).status_code == 404


def test_the_log_is_paged(client_for, monkeypatch):
    from talanoa import auditlog_views

    monkeypatch.setattr(auditlog_views, "PAGE_SIZE", 2)
    for n in range(5):
        auditlog.record(AuditEvent.Kind.LOGIN_FAILED, target_text=f"paged{n}@example.org")
    secretariat = client_for("secretariat")
    first = secretariat.get(reverse("audit:events") + "?kind=login_failed").content.decode()
    assert "paged4@" in first and "paged3@" in first and "paged2@" not in first
    older = re.search(r'href="\?kind=login_failed&amp;before=([^"]+)"', first).group(1)
    second = secretariat.get(reverse("audit:events") + f"?kind=login_failed&before={older}")
    assert "paged2@" in second.content.decode() and "paged4@" not in second.content.decode()
