"""Asking for a password reset answers the same, in the same time, whether or not the address
has an account (issue 25, L6).

allauth's form looked the address up, made the link's token (which also writes the account's
address to allauth's table the first time) and rendered and sent the email inside the request:
known addresses answered in 40-107 ms, unknown ones in 20 ms, so timing the form told anyone
which addresses have accounts. Here the request only checks that the address is well formed and
queues one task with it, whatever it is; the worker looks the address up and, for an account,
makes the link and sends the email with allauth's own token generator and templates (the link
opens allauth's page as before). The per-address rate limit stays in allauth's view, before
the form is saved.

Tests: members/tests/test_password_reset.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from allauth.account.adapter import get_adapter
from allauth.account.forms import ResetPasswordForm, default_token_generator
from allauth.account.internal.userkit import filter_users_by_email
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.http import HttpRequest
from django.tasks import task
from django.urls import reverse
from django.utils import translation


class QueuedResetPasswordForm(ResetPasswordForm):
    """allauth's reset form, minus everything that depends on the address having an account."""

    def clean_email(self) -> str:
        # No lookup here: whether the address has an account is the worker's to find out.
        return get_adapter().clean_email(self.cleaned_data["email"].lower())

    def save(self, request: HttpRequest, **kwargs: object) -> str:
        email = self.cleaned_data["email"]
        send_reset_link.enqueue(email, translation.get_language() or settings.LANGUAGE_CODE)
        return email


@dataclass(frozen=True)
class _Site:
    """What allauth's email templates say of the site (its `current_site`), from SITE_URL: the
    worker has no request to take a host from, and a link must not follow a request's Host."""

    name: str
    domain: str


@task()
def send_reset_link(email: str, language: str) -> int:
    """The reset email to each active account of `email` (none for an address without one:
    invitation-only, nobody is written to who has no account), in the language the form was
    used in."""
    users = filter_users_by_email(email, is_active=True, prefer_verified=True, for_login=True)
    host = urlsplit(settings.SITE_URL).netloc
    adapter = get_adapter()
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    with translation.override(language):
        for user in users:
            uid, token = user_pk_to_url_str(user), default_token_generator.make_token(user)
            # As allauth builds the link (flows.password_reset), on SITE_URL.
            path = reverse("account_reset_password_from_key",
                           kwargs={"uidb36": "UID", "key": "KEY"}).replace(
                "UID-KEY", quote(f"{uid}-{token}"))
            context = {"user": user, "email": email, "uid": uid, "key": token,
                       "password_reset_url": settings.SITE_URL + path,
                       "current_site": _Site(name=host, domain=host)}
            adapter.render_mail("account/email/password_reset_key", email, context).send()
    return len(users)
