"""The public pages in Chromium, with and without JavaScript, and the lockout after bad logins."""

import re

import pytest
from playwright.sync_api import expect

from conftest import DEMO
from e2e.conftest import snap

pytestmark = pytest.mark.e2e

PUBLIC_TITLE_EN = "[public] Regional ICT Initiative: progress update"
PUBLIC_TITLE_FR = "[public] Initiative régionale sur les TIC : point d'avancement"


def test_home_page_is_light_and_clean(world, page, browser_log):
    response = page.goto("/")
    assert response.status == 200
    expect(page.get_by_role("link", name=PUBLIC_TITLE_EN)).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert browser_log.requests[0] == world.url + "/"
    assert any(url.endswith(".css") for url in browser_log.requests)
    assert len(browser_log.requests) <= 3, browser_log.requests
    # The strict CSP is on, and nothing on the page needed an exception to it.
    csp = response.headers["content-security-policy"]
    assert "unsafe-inline" not in csp and "script-src 'self'" in csp


def test_browsing_and_switching_language_without_javascript(world, new_context):
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/")
    page.get_by_role("link", name="News and documents", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("News and documents")
    expect(page.get_by_text("[members]")).to_have_count(0)
    page.get_by_role("link", name=PUBLIC_TITLE_EN).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(PUBLIC_TITLE_EN)
    post_url = page.url

    page.get_by_role("button", name="Français").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    assert page.url == post_url  # back on the same item, now in French
    expect(page.get_by_role("heading", level=1)).to_have_text(PUBLIC_TITLE_FR)
    expect(page.get_by_role("button", name="English")).to_be_visible()
    expect(page.locator("article time")).to_have_text(re.compile(
        r"\d+ (janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|"
        r"décembre) \d{4}"))
    snap(page, "post-in-french-without-js")

    page.goto("/posts/")
    expect(page.get_by_role("link", name=PUBLIC_TITLE_FR)).to_be_visible()
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("link", name=PUBLIC_TITLE_EN)).to_be_visible()


def test_five_failed_logins_lock_the_account(world, page, browser_log, settings):
    def sign_in(password):
        page.goto("/accounts/login/")
        page.get_by_label("Email address").fill(DEMO["member"])
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in", exact=True).click()

    assert settings.AXES_FAILURE_LIMIT == 5
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(f"not-the-password-{attempt}")
        expect(page.get_by_text("password you specified are not correct")).to_be_visible()
    browser_log.expect(429)  # axes answers "Too Many Requests"
    sign_in("still-not-the-password")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Too many failed sign-in attempts")
    snap(page, "locked-out")
    # Even the right password is refused now, with the same page saying why.
    sign_in("talanoa-demo")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Too many failed sign-in attempts")
    expect(page.get_by_text("locked for an hour")).to_be_visible()
    page.goto("/me/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/me/$"))
