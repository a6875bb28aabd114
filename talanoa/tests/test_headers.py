"""The security headers of every page (issue 11, item 4): one request per page of the access
matrix (ROUTES and its samples, the allauth pages, the API, feeds and downloads), as an anonymous
reader and as a member, whatever the answer (200, redirects, 403, 404, 405).

Every answer must carry X-Frame-Options DENY, X-Content-Type-Options nosniff, a Referrer-Policy,
the Permissions-Policy and Cross-Origin-Opener-Policy same-origin, and a Content-Security-Policy
that allows no 'unsafe-inline' or 'unsafe-eval' and no framing. An HTML page runs no script but
files from 'self' and inline scripts carrying the answer's nonce (and has no inline style or
event handler, which the policy would block). HSTS is sent over HTTPS only, with the production
settings (tested on a sample of pages).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import NoReverseMatch, reverse

from talanoa.tests.access_table import (
    ROUTES,
    ApiEndpoint,
    ItemRule,
    PostOnly,
    Probe,
    Redirects,
    Rule,
)
from talanoa.tests.hardening import tally
from talanoa.tests.test_url_access import (
    ALLAUTH_PREFIXES,
    _item,
    _sample_kwargs,
    item_kwargs,
    url_names,
)

pytestmark = pytest.mark.django_db

UNSAFE = ("'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*")
SCRIPT_TYPES = ("", "text/javascript", "application/javascript", "module")
SCRIPT = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
STYLE = re.compile(r"<style\b([^>]*)>", re.IGNORECASE)
HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[a-z][^>]*\sstyle\s*=", re.IGNORECASE)
ATTRIBUTE = re.compile(r"""([a-z-]+)\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)""", re.IGNORECASE)


def _attributes(text: str) -> dict[str, str]:
    return {name.lower(): value.strip("\"'") for name, value in ATTRIBUTE.findall(text)}


def _csp(value: str) -> dict[str, list[str]]:
    directives = {}
    for part in value.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    return directives


def header_problems(response) -> list[str]:
    """What the answer lacks or allows that it must not (empty: all is well)."""
    headers = response.headers
    problems = []
    if headers.get("X-Frame-Options") != "DENY":
        problems.append("X-Frame-Options DENY")
    if headers.get("X-Content-Type-Options") != "nosniff":
        problems.append("X-Content-Type-Options nosniff")
    if not headers.get("Referrer-Policy"):
        problems.append("Referrer-Policy")
    if "camera=()" not in headers.get("Permissions-Policy", ""):
        problems.append("Permissions-Policy")
    if headers.get("Cross-Origin-Opener-Policy") != "same-origin":
        problems.append("Cross-Origin-Opener-Policy same-origin")
    csp = _csp(headers.get("Content-Security-Policy", ""))
    if not csp:
        problems.append("Content-Security-Policy")
        return problems
    for directive in ("default-src", "script-src", "style-src"):
        if any(word in UNSAFE for word in csp.get(directive, [])):
            problems.append(f"CSP {directive} allows {csp[directive]}")
    if csp.get("frame-ancestors") != ["'none'"]:
        problems.append("CSP frame-ancestors 'none'")
    if csp.get("object-src") != ["'none'"]:
        problems.append("CSP object-src 'none'")
    if response.streaming or not headers.get("Content-Type", "").startswith("text/html"):
        return problems
    nonces = {word.removeprefix("'nonce-").rstrip("'") for word in csp.get("script-src", [])
              if word.startswith("'nonce-")}
    html = response.content.decode(errors="replace")
    for match in SCRIPT.finditer(html):
        attributes = _attributes(match.group(1))
        if "src" in attributes or attributes.get("type", "").lower() not in SCRIPT_TYPES:
            continue  # a file (from 'self': the policy says so) or a data block
        if attributes.get("nonce") not in nonces:
            problems.append("an inline script without the answer's nonce")
    if STYLE.search(html):
        problems.append("an inline <style> (style-src allows none)")
    if STYLE_ATTRIBUTE.search(html):
        problems.append("an inline style attribute (style-src allows none)")
    if HANDLER.search(html):
        problems.append("an inline event handler (on...=)")
    if "javascript:" in html.lower():
        problems.append("a javascript: address")
    return problems


def _api_urls() -> list[str]:
    """Every endpoint of the API (ROUTES' ApiEndpoint rows): on the public item of each kind;
    the writing ones answer GET with 405."""
    from papers.models import Paper

    paper = Paper.objects.get(title_en__startswith="[public]")
    meeting = {"meeting_id": _item("meeting", "public").pk}
    kwargs = {
        "api:get_group": {"slug": "ict"}, "api:get_organisation": {"slug": "gov-fji"},
        "api:get_indicator": {"code": "IT.CEL.SETS.P2"}, "api:get_economy": {"code": "TON"},
        "api:apply_import": {"batch_id": 1}, "api:rollback_import": {"batch_id": 1},
        "api:get_meeting": meeting, "api:answer_meeting": meeting,
        "api:get_paper": {"paper_id": paper.pk},
        "api:get_paper_file": {"paper_id": paper.pk, "file_id": paper.files.get().pk},
        "api:get_decision": {"decision_id": _item("decision", "public").pk},
        "api:get_proposal": {"proposal_id": _item("proposal", "public").pk},
    }
    return [reverse(name, kwargs=kwargs.get(name)) for name, rule in ROUTES.items()
            if isinstance(rule, ApiEndpoint)]


def every_page() -> Iterator[str]:
    """One address per page: every row of ROUTES (an item page for the public item and the
    restricted one), the allauth pages, the API's endpoints and a page that does not exist.
    (Made one at a time, as the matrix does: a sample may change what a later page shows.)"""
    for name, rule in ROUTES.items():
        if isinstance(rule, ApiEndpoint):
            continue
        if isinstance(rule, ItemRule):
            for level in ("public", "restricted"):
                yield reverse(name, kwargs=item_kwargs(rule, _item(rule.sample, level)))
        elif isinstance(rule, (Probe, Redirects)):
            yield reverse(name)
        else:
            assert isinstance(rule, (Rule, PostOnly)), name
            yield reverse(name, kwargs=_sample_kwargs(rule.sample))
    for name in url_names():
        if name.startswith(ALLAUTH_PREFIXES):
            try:
                yield reverse(name)
            except NoReverseMatch:
                kwargs = {"key": "x", "uidb36": "1"} if "from_key" in name else {"key": "x"}
                yield reverse(name, kwargs=kwargs)
    yield from _api_urls()
    yield "/no-such-page/"


@pytest.mark.parametrize("standing", ["anonymous", "member"])
def test_every_page_has_the_security_headers(client_for, standing, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = client_for(standing)
    failures, statuses, checked = {}, set(), 0
    for url in every_page():
        response = client.get(url)
        checked += 1
        statuses.add(response.status_code)
        problems = header_problems(response)
        if problems:
            failures[url] = (response.status_code, problems)
    tally("pages checked", checked)
    tally("pages missing a header", len(failures))
    assert not failures, failures
    # the check saw answers of every kind, not only pages that work
    assert {200, 302, 404, 405} <= statuses, statuses
    assert checked > 250


HSTS_SAMPLE = ("portal:home", "portal:feed", "papers:publications", "api:list_papers",
               "meetings:public_feed", "plan:matrix_csv", "healthz")


@pytest.mark.parametrize("name", HSTS_SAMPLE)
def test_hsts_over_https_with_the_production_settings(name):
    """As settings.py sets them when HTTPS=1: HSTS on every answer over HTTPS, for a year,
    subdomains included and preloadable; never over plain HTTP (where a browser ignores it)."""
    url = reverse(name)
    with override_settings(SECURE_HSTS_SECONDS=31536000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True,
                           SECURE_HSTS_PRELOAD=True, SECURE_PROXY_SSL_HEADER=(
                               "HTTP_X_FORWARDED_PROTO", "https")):
        client = Client()
        secure = client.get(url, secure=True)
        proxied = client.get(url, headers={"X-Forwarded-Proto": "https"})
        plain = client.get(url)
        not_found = client.get(url + "no-such-page/", secure=True)
    missing = [response for response in (secure, proxied, not_found)
               if "Strict-Transport-Security" not in response or header_problems(response)]
    tally("pages checked", 4)
    tally("pages missing a header", len(missing) + ("Strict-Transport-Security" in plain))
    for response in (secure, proxied, not_found):
        assert response["Strict-Transport-Security"] == (
            "max-age=31536000; includeSubDomains; preload"), (url, response.status_code)
        assert not header_problems(response)
    assert "Strict-Transport-Security" not in plain


def test_the_https_settings_turn_hsts_and_secure_cookies_on(monkeypatch):
    """settings.py itself, read with HTTPS=1 as in production: what the tests above override."""
    import importlib

    import talanoa.settings

    monkeypatch.setenv("HTTPS", "1")
    try:
        production = importlib.reload(talanoa.settings)
        assert production.SECURE_HSTS_SECONDS >= 31536000
        assert production.SECURE_HSTS_INCLUDE_SUBDOMAINS
        assert production.SECURE_SSL_REDIRECT
        assert production.SESSION_COOKIE_SECURE and production.CSRF_COOKIE_SECURE
        assert production.SESSION_COOKIE_HTTPONLY and production.CSRF_COOKIE_HTTPONLY
        assert production.SESSION_COOKIE_SAMESITE == "Lax"
        assert production.LANGUAGE_COOKIE_SECURE
    finally:
        monkeypatch.delenv("HTTPS")
        importlib.reload(talanoa.settings)
    assert settings.X_FRAME_OPTIONS == "DENY"


@pytest.mark.parametrize("name", ["portal:home", "papers:publications", "portal:feed"])
def test_pages_from_the_anonymous_page_cache_have_the_headers(name, settings):
    """A cached answer keeps none of the first one's security headers or CSP nonce: they are
    made anew for each answer (talanoa.pagecache), and its inline scripts (none) would need the
    new answer's nonce (header_problems)."""
    settings.PAGE_CACHE = True
    client = Client()
    first, second = client.get(reverse(name)), client.get(reverse(name))
    tally("pages checked", 2)
    tally("pages missing a header", sum(bool(header_problems(r)) for r in (first, second)))
    assert second.get("X-Page-Cache") == "hit", (first.get("X-Page-Cache"), second.headers)
    for response in (first, second):
        assert not header_problems(response), name


@pytest.mark.parametrize("standing, path", [
    ("member", "/me/"), ("member", "/posts/"), ("secretariat", "/audit/"),
    ("secretariat", "/history/"), ("chair", "/tasks/")])
def test_signed_in_pages_stay_out_of_shared_caches(client_for, standing, path):
    """A signed-in page shows what its reader may see: neither a shared computer's browser nor a
    proxy keeps it (the anonymous pages stay cacheable)."""
    response = client_for(standing).get(path)
    assert response.status_code == 200, path
    control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= control, (path, control)


def test_public_pages_for_anonymous_readers_are_not_marked_private(client_for):
    response = client_for("anonymous").get("/posts/")
    assert "no-store" not in response.get("Cache-Control", "")
