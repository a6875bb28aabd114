import re
import time

import pytest
from django.urls import reverse

from members.models import User

pytestmark = pytest.mark.django_db


def test_editors_without_totp_must_enrol_first(client, people):
    from allauth.mfa.models import Authenticator

    chair = people["chair"]
    Authenticator.objects.filter(user=chair).delete()
    client.post(reverse("account_login"), {"login": chair.email, "password": "talanoa-demo"})
    response = client.get(reverse("portal:member_home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))
    # allauth asks for the password again before enrolling an authenticator.
    enrol = client.get(reverse("mfa_activate_totp"), follow=True)
    assert enrol.status_code == 200
    assert enrol.redirect_chain[-1][0].startswith(reverse("account_reauthenticate"))
    assert client.get(reverse("portal:posts")).status_code == 302  # still blocked elsewhere


def test_members_are_not_forced(client_for):
    assert client_for("member").get(reverse("portal:member_home")).status_code == 200


def test_signup_is_closed(client):
    response = client.post(reverse("account_signup"), {
        "email": "self@example.org", "password1": "kava-ceremony-2026",
        "password2": "kava-ceremony-2026"})
    assert not User.objects.filter(email="self@example.org").exists()
    assert response.status_code in (200, 403)


def test_repeated_failures_lock_the_account(client, settings):
    url = reverse("account_login")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(url, {"login": "member@demo.talanoa.test", "password": "wrong"})
    response = client.post(url, {"login": "member@demo.talanoa.test",
                                 "password": "talanoa-demo"})
    assert b"Too many failed" in response.content
    assert client.get(reverse("portal:member_home")).status_code == 302  # still signed out


def test_the_right_password_signs_in(client):
    response = client.post(reverse("account_login"), {"login": "member@demo.talanoa.test",
                                                      "password": "talanoa-demo"})
    assert response.status_code == 302
    assert client.get(reverse("portal:member_home")).status_code == 200



def test_after_enrolling_the_editor_is_offered_the_page_they_asked_for(client, people):
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, format_hotp_value, hotp_value

    secretariat = people["secretariat"]
    Authenticator.objects.filter(user=secretariat).delete()
    client.post(reverse("account_login"), {"login": secretariat.email,
                                           "password": "talanoa-demo"})
    wanted = reverse("portal:posts") + "?kind=notice"
    assert client.get(wanted)["Location"] == reverse("mfa_activate_totp")
    client.post(reverse("account_reauthenticate"), {"password": "talanoa-demo"})
    assert client.get(reverse("mfa_activate_totp")).status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    done = client.post(reverse("mfa_activate_totp"), {"code": code}, follow=True)
    assert Authenticator.objects.filter(user=secretariat, type="totp").exists()
    assert f'href="{wanted.replace("&", "&amp;")}"'.encode() in done.content
    assert client.get(wanted).status_code == 200


def test_an_editor_who_reset_their_password_can_enrol_and_use_the_portal(client, people,
                                                                         mailoutbox, run_worker):
    """Issue 25, M1: making the reset link adds the account's address to allauth's table as
    unverified, and allauth refused to enrol an authenticator for such an account, so the
    portal's "enrol first" and allauth's "verify your address first" sent a chair who had asked
    for a reset round in a loop for good. The whole way, as the person takes it."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, format_hotp_value, hotp_value

    chair = people["chair"]
    Authenticator.objects.filter(user=chair).delete()
    assert client.post(reverse("account_reset_password"),
                       {"email": chair.email}).status_code == 302
    run_worker()
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", mailoutbox[0].body)
    form_page = client.get(link.group(1), follow=True)
    assert form_page.status_code == 200 and b'name="password1"' in form_page.content
    done = client.post(form_page.redirect_chain[-1][0], {"password1": "lagoon-sunrise-2027",
                                                         "password2": "lagoon-sunrise-2027"})
    assert done["Location"] == reverse("account_reset_password_from_key_done")
    signed_in = client.post(reverse("account_login"), {"login": chair.email,
                                                       "password": "lagoon-sunrise-2027"},
                            follow=True)
    # Signed in and sent to enrol, where allauth asks for the password again first.
    assert [url for url, _ in signed_in.redirect_chain][:2] == [reverse("portal:member_home"),
                                                                reverse("mfa_activate_totp")]
    reauthenticate = signed_in.redirect_chain[-1][0]
    assert reauthenticate.startswith(reverse("account_reauthenticate"))
    # The form's own way on (the language switcher above it has a "next" too).
    way_on = re.findall(rb'name="next" value="([^"]+)"', signed_in.content)[-1].decode()
    enrol = client.post(reverse("account_reauthenticate"),
                        {"password": "lagoon-sunrise-2027", "next": way_on}, follow=True)
    # The enrolment form itself, not allauth's "verify your address first" on the list of
    # authenticators (where the portal sent the person back to enrol, for ever).
    assert enrol.redirect_chain == [(reverse("mfa_activate_totp"), 302)]
    assert enrol.status_code == 200 and b'name="code"' in enrol.content
    secret = client.session[SECRET_SESSION_KEY]
    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    enrolled = client.post(reverse("mfa_activate_totp"), {"code": code})
    assert enrolled["Location"] == reverse("mfa_view_recovery_codes")
    assert Authenticator.objects.filter(user=chair, type="totp").exists()
    for page in (reverse("portal:member_home"), reverse("portal:posts")):
        assert client.get(page).status_code == 200, page


@pytest.mark.parametrize("address", ["//evil.example/login", "///evil.example/login"])
def test_the_way_back_after_enrolling_never_leads_to_another_site(client, people, address):
    """An editor sent to enrol from an address that a browser reads as another site's (a link
    someone sent them) is offered their own page afterwards, not that site."""
    from allauth.mfa.models import Authenticator

    chair = people["chair"]
    Authenticator.objects.filter(user=chair).delete()
    client.post(reverse("account_login"), {"login": chair.email, "password": "talanoa-demo"})
    # As a browser sends https://portal.example//evil.example/login (the test client would read
    # the address's "//" as a host of its own).
    assert client.get("/", PATH_INFO=address)["Location"] == reverse("mfa_activate_totp")
    assert "talanoa_after_mfa" not in client.session
    client.get(reverse("tasks:tasks"))  # an ordinary page of the portal is remembered
    assert client.session["talanoa_after_mfa"] == reverse("tasks:tasks")
