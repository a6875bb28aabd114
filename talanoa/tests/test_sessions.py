"""Cookies, sessions and CSRF (issue 11, item 4), through the real login and logout forms.

- With the production settings (HTTPS=1: Secure cookies), the cookies a login sets are Secure,
  HttpOnly and SameSite=Lax.
- A login gives the browser a new session key (a key planted before login is worthless after);
  a logout deletes the session on the server, so a copy of its cookie is anonymous.
- Every state-changing address refuses a POST without a CSRF token (403, the CSRF answer, the
  view never reached), for a member and for the secretariat; nothing in the database changes.
- The API answers tokens only: a signed-in browser's session cookie does not let a page of
  another site write through it.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client, override_settings
from django.urls import NoReverseMatch, reverse

from talanoa.tests.access_table import ROUTES, ApiEndpoint, ItemRule, PostOnly, Rule
from talanoa.tests.test_url_access import ALLAUTH_PREFIXES, _item, _sample_kwargs, url_names

pytestmark = pytest.mark.django_db
# The demo member (conftest.DEMO) and the demo password (members/.../demo_data.py)
MEMBER, PASSWORD = "member@demo.talanoa.test", "talanoa-demo"
PRODUCTION = {"SESSION_COOKIE_SECURE": True, "CSRF_COOKIE_SECURE": True,
              "LANGUAGE_COOKIE_SECURE": True}


def _login(client: Client, **extra):
    """The allauth login form, as a browser fills it in (its CSRF token included)."""
    page = client.get(reverse("account_login"), **extra)
    assert page.status_code == 200
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    return client.post(reverse("account_login"), {
        "login": MEMBER, "password": PASSWORD, "csrfmiddlewaretoken": token}, **extra)


def _is_anonymous(session_key: str) -> bool:
    """A browser holding only this session cookie is not signed in."""
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = session_key
    response = client.get(reverse("portal:member_home"))
    return response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_login_cookies_are_secure_httponly_and_samesite_in_production():
    with override_settings(**PRODUCTION):
        client = Client(enforce_csrf_checks=True)
        # (over HTTPS, Django also checks that a form comes from the site's own pages)
        response = _login(client, secure=True, headers={"Referer": "https://testserver/"})
        assert response.status_code == 302, response.content[:500]
        language = client.post(reverse("set_language"), {
            "language": "fr", "csrfmiddlewaretoken": client.cookies["csrftoken"].value},
            secure=True, headers={"Referer": "https://testserver/"})
    cookies = {**client.cookies, **response.cookies, **language.cookies}
    for name in (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME,
                 settings.LANGUAGE_COOKIE_NAME):
        cookie = cookies[name]
        assert cookie["secure"] is True, name
        assert cookie["samesite"] == "Lax", name
    assert response.cookies[settings.SESSION_COOKIE_NAME]["httponly"] is True
    assert cookies[settings.CSRF_COOKIE_NAME]["httponly"] is True


def test_login_rotates_the_session_and_logout_kills_it():
    client = Client(enforce_csrf_checks=True)
    # An anonymous session with something in it (a planted or earlier key).
    session = client.session
    session["talanoa_probe"] = "before login"
    session.save()
    planted = session.session_key
    client.cookies[settings.SESSION_COOKIE_NAME] = planted
    assert Session.objects.filter(session_key=planted).exists()

    response = _login(client)
    assert response.status_code == 302 and response["Location"] == reverse("portal:member_home")
    signed_in = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert signed_in != planted
    assert not Session.objects.filter(session_key=planted).exists()
    assert _is_anonymous(planted)
    assert not _is_anonymous(signed_in)
    assert client.session["talanoa_probe"] == "before login"  # the data moved, not the key

    # A page of another site cannot sign the member out (nor in: see the CSRF test below).
    assert client.post(reverse("account_logout")).status_code == 403
    assert not _is_anonymous(signed_in)
    logout = client.post(reverse("account_logout"), {
        "csrfmiddlewaretoken": client.cookies[settings.CSRF_COOKIE_NAME].value})
    assert logout.status_code == 302
    assert not Session.objects.filter(session_key=signed_in).exists()
    assert _is_anonymous(signed_in)


def _history_rows() -> int:
    """Every record's change is kept (django-simple-history): a write adds a row somewhere."""
    from simple_history.models import registered_models

    return sum(model.history.model.objects.count() for model in registered_models.values()
               if hasattr(model, "history"))


def _state_changing_urls():
    """Every address a POST may change something at: every row of ROUTES (PostOnly rows and
    form pages alike: a POST to any page is tried), the allauth forms and the API's writes."""
    for name, rule in ROUTES.items():
        if isinstance(rule, ApiEndpoint):
            continue
        if isinstance(rule, ItemRule):
            if rule.sample in ("post", "meeting", "paper", "proposal", "decision", "plan_item",
                               "forum", "report"):
                yield name, reverse(name, kwargs={"pk": _item(rule.sample, "public").pk})
            continue
        if isinstance(rule, (PostOnly, Rule)):
            yield name, reverse(name, kwargs=_sample_kwargs(rule.sample))
    yield "set_language", reverse("set_language")
    for name in url_names():
        if name.startswith(ALLAUTH_PREFIXES):
            try:
                yield name, reverse(name)
            except NoReverseMatch:
                kwargs = {"key": "x", "uidb36": "1"} if "from_key" in name else {"key": "x"}
                yield name, reverse(name, kwargs=kwargs)


@pytest.mark.parametrize("standing", ["member", "secretariat"])
def test_every_state_change_needs_the_csrf_token(people, standing, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = Client(enforce_csrf_checks=True)
    client.force_login(people[standing])
    urls = list(_state_changing_urls())  # (the samples are made first)
    before = _history_rows()
    accepted = {}
    for name, url in urls:
        response = client.post(url, {"title_en": "Changed without a token", "level": "public"})
        if response.status_code != 403 or b"CSRF" not in response.content:
            accepted[name] = (url, response.status_code)
    assert not accepted, accepted
    assert _history_rows() == before
    assert len(urls) > 200
    # and the same client, with its token, is let through (the check above is the token's)
    token_client = Client(enforce_csrf_checks=True)
    token_client.force_login(people[standing])
    token_client.get(reverse("members:preferences"))
    response = token_client.post(reverse("set_language"), {
        "language": "fr", "csrfmiddlewaretoken": token_client.cookies["csrftoken"].value})
    assert response.status_code == 302


def test_the_api_does_not_write_for_a_session_cookie(people):
    """A signed-in browser (member: invited to the public meeting; secretariat: may import) is
    anonymous to the API, whose writes need a personal token: 401, nothing written."""
    from meetings.models import Invitee

    meeting = _item("meeting", "public")
    member = Client(enforce_csrf_checks=True)
    member.force_login(people["member"])
    invitee = Invitee.objects.get(meeting=meeting, person__user=people["member"])
    before = (invitee.response, _history_rows())
    response = member.post(reverse("api:answer_meeting", kwargs={"meeting_id": meeting.pk}),
                           {"response": "accepted", "note": ""}, content_type="application/json")
    assert response.status_code == 401
    invitee.refresh_from_db()
    assert (invitee.response, _history_rows()) == before

    secretariat = Client(enforce_csrf_checks=True)
    secretariat.force_login(people["secretariat"])
    for url in (reverse("api:create_import"),
                reverse("api:apply_import", kwargs={"batch_id": 1}),
                reverse("api:rollback_import", kwargs={"batch_id": 1})):
        assert secretariat.post(url).status_code == 401, url
    assert _history_rows() == before[1]
