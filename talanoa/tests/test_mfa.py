import pytest
from django.urls import reverse

from members.models import User

pytestmark = pytest.mark.django_db


def test_editors_without_totp_must_enrol_first(client, people):
    from allauth.mfa.models import Authenticator

    chair = people["chair"]
    Authenticator.objects.filter(user=chair).delete()
    client.post(reverse("account_login"), {"login": chair.email, "password": "talanoa-demo"})
    response = client.get(reverse("members:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))
    # allauth asks for the password again before enrolling an authenticator.
    enrol = client.get(reverse("mfa_activate_totp"), follow=True)
    assert enrol.status_code == 200
    assert enrol.redirect_chain[-1][0].startswith(reverse("account_reauthenticate"))
    assert client.get(reverse("portal:posts")).status_code == 302  # still blocked elsewhere


def test_members_are_not_forced(client_for):
    assert client_for("member").get(reverse("members:home")).status_code == 200


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
    assert client.get(reverse("members:home")).status_code == 302  # still signed out


def test_the_right_password_signs_in(client):
    response = client.post(reverse("account_login"), {"login": "member@demo.talanoa.test",
                                                      "password": "talanoa-demo"})
    assert response.status_code == 302
    assert client.get(reverse("members:home")).status_code == 200

