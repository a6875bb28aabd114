"""Whole pages for anonymous readers, from the cache.

Most readers of the portal are the public: the calendar, publications, decisions, indicators.
Their pages are the same for every anonymous reader in one language and time zone, so the
rendered page is kept in the (shared) cache and served in about a millisecond instead of being
built again. Signed-in readers, sessions holding item invitations, pages marked private and the
sign-in and password pages (/accounts/) are never served from it; the host is part of the key.

Correctness rests on one counter, the content generation, which is part of every key:
- any model saved or deleted (except bookkeeping models: sessions, tasks, heartbeats, login
  attempts) increments it at once and again when its transaction commits (so a page built
  between the two is not kept);
- any request that may change state (POST, PUT, PATCH, DELETE) increments it when it ends, which
  covers queryset `.update()` and bulk changes made by views; not when it was refused (an answer
  of 400 or more: a form with errors is a 200 and still counts), so that a stream of requests
  without a CSRF token, rate-limited or forbidden cannot keep emptying the cache for everyone;
- every worker task increments it when it ends, for the same reason;
- an entry lives at most PAGE_CACHE_SECONDS (default 60), which bounds what nothing above sees
  (time passing, e.g. a meeting becoming past; a change made by hand in the database).
Only a cache that every app server shares can hold the counter (Redis): with the local-memory
cache of a single-machine install, `PAGE_CACHE` defaults to off.

The CSRF token of each form (the language switch) is per reader: a cached page keeps a
placeholder, and each answer gets the reader's own token. A page that used a
Content-Security-Policy nonce is not kept (no page does: scripts are files from 'self').
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language

from talanoa.access import SESSION_GRANTS_KEY

GENERATION_KEY = "talanoa:pagecache:generation"
_KEY_PREFIX = "talanoa:page:"
# Placeholders that cannot occur in a page: a NUL byte never reaches HTML we render.
_CSRF_PLACEHOLDER = b"\x00talanoa-csrf\x00"
_CSRF_INPUT = re.compile(rb'(name="csrfmiddlewaretoken" value=")([A-Za-z0-9]+)(")')
# Headers a cached answer keeps; the rest (CSP, cookies, security headers) are made anew.
_KEPT_HEADERS = ("Content-Type", "Content-Language", "Vary", "Cache-Control", "Link",
                 "Content-Disposition", "X-Robots-Tag")
# Models whose changes no page shows: they change all the time and must not empty the cache.
_BOOKKEEPING = {"sessions.session", "django_tasks_database.dbtaskresult", "talanoa.heartbeat",
                "axes.accessattempt", "axes.accesslog", "axes.accessfailurelog",
                "api.apitoken", "api.webhookdelivery", "account.emailconfirmation",
                "mfa.authenticator", "talanoa.auditevent"}
_UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def enabled() -> bool:
    return bool(getattr(settings, "PAGE_CACHE", False))


def generation() -> int:
    value = cache.get(GENERATION_KEY)
    if value is None:
        # A new or emptied cache: start from a value no earlier key used.
        cache.add(GENERATION_KEY, int(timezone.now().timestamp() * 1000))
        value = cache.get(GENERATION_KEY, 0)
    return int(value)


def bump() -> None:
    """Content changed: every page kept so far is stale."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # no counter yet (emptied cache): the next reader starts a new one
        cache.add(GENERATION_KEY, int(timezone.now().timestamp() * 1000))


def _bump_now_and_at_commit(sender, **kwargs) -> None:
    if kwargs.get("raw") or sender._meta.label_lower in _BOOKKEEPING or not enabled():
        return
    bump()
    transaction.on_commit(bump, robust=True)


def connect_signals() -> None:
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(_bump_now_and_at_commit, dispatch_uid=f"talanoa.pagecache.{signal}")
    from django.tasks.signals import task_finished

    task_finished.connect(lambda **kwargs: enabled() and bump(),
                          dispatch_uid="talanoa.pagecache.task_finished", weak=False)


def _cacheable_request(request: HttpRequest) -> bool:
    # Sign-in, sign-up and password pages depend on the reader's session (a reset link's token
    # is kept there): one reader's "bad token" answer must never reach the person it is for.
    if request.method != "GET" or request.path.startswith(
            ("/api/", "/static/", "/healthz", "/accounts/")):
        return False
    if request.user.is_authenticated:
        return False
    if "messages" in request.COOKIES:
        return False
    # An anonymous session may hold item invitations (grants) or flash messages.
    session = getattr(request, "session", None)
    return not (session is not None and session.session_key
                and (session.get(SESSION_GRANTS_KEY) or session.get("_messages")))


def _cacheable_response(request: HttpRequest, response: HttpResponse) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if getattr(request, "_csp_nonce", None):  # a nonce is per answer
        return False
    control = response.get("Cache-Control", "")
    return not any(word in control for word in ("private", "no-store", "no-cache"))


def _key(request: HttpRequest, generation_now: int) -> str:
    # The host too: a page names its own address (robots.txt its sitemap, links in feeds).
    parts = "|".join((request.get_host(), request.get_full_path(), get_language() or "",
                      timezone.get_current_timezone_name(), str(generation_now)))
    return _KEY_PREFIX + hashlib.sha256(parts.encode()).hexdigest()


def _freeze(response: HttpResponse) -> dict[str, Any]:
    body = _CSRF_INPUT.sub(rb"\1" + _CSRF_PLACEHOLDER + rb"\3", response.content)
    return {"body": body, "status": response.status_code,
            "headers": {h: response[h] for h in _KEPT_HEADERS if h in response},
            "uses_csrf": _CSRF_PLACEHOLDER in body}


def _thaw(request: HttpRequest, frozen: dict[str, Any]) -> HttpResponse:
    body = frozen["body"]
    if frozen["uses_csrf"]:
        body = body.replace(_CSRF_PLACEHOLDER, get_token(request).encode())
    response = HttpResponse(body, status=frozen["status"])
    for header, value in frozen["headers"].items():
        response[header] = value
    if frozen["uses_csrf"]:
        patch_vary_headers(response, ("Cookie",))
    response["X-Page-Cache"] = "hit"
    return response


class AnonymousPageCacheMiddleware:
    """Serves anonymous GETs from the page cache (see the module's docstring). Sits inside the
    session, auth, locale, CSRF and CSP middleware, after the time zone is chosen."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not enabled():
            return self.get_response(request)
        if not _cacheable_request(request):
            response = self.get_response(request)
            if request.method in _UNSAFE_METHODS and response.status_code < 400:
                bump()
            return response
        key = _key(request, generation())
        frozen = cache.get(key)
        if frozen is not None:
            return _thaw(request, frozen)
        response = self.get_response(request)
        if _cacheable_response(request, response):
            cache.set(key, _freeze(response), settings.PAGE_CACHE_SECONDS)
            response["X-Page-Cache"] = "miss"
        return response
