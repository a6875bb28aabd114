"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

Nothing here downloads a browser: Chromium comes from `apt-get install chromium` (`make
chromium`, which `make test` runs). Every page opened in a context made by `new_context` (and so
`context` and `page`) reports console errors, uncaught exceptions and failed requests; a test
that leaves any of them behind fails, CSP violations included.

`live_server` tests are transactional: the database is flushed after each one, so each test loads
its own data with `conftest.load_world()` (the `world` fixture), and these tests run after every
other test (see `pytest_collection_modifyitems` below).
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))  # Debian's package
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
TOTP_PERIOD = 30
# Chromium's console line for a document answered with an error status, e.g. the 404 a test
# expects. Only allowed when the test said which status it expects (`BrowserLog.expect`).
_STATUS_LINE = re.compile(r"the server responded with a status of (\d{3})")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """After pytest-django's ordering: browser tests last, as they flush the database."""
    e2e_dir = Path(__file__).parent
    items.sort(key=lambda item: e2e_dir in Path(item.path).parents)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make chromium` (apt-get install chromium). "
                    "Never `playwright install`.", pytrace=False)
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM),
            "args": CHROMIUM_ARGS, "headless": True}


@pytest.fixture(scope="session")
def base_url(live_server) -> str:
    """Pages may be opened by path: `page.goto("/posts/")`."""
    return live_server.url


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "en-GB", "timezone_id": "Pacific/Fiji"}


@dataclass
class BrowserLog:
    """What went wrong in the pages of one test."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    expected_statuses: set[int] = field(default_factory=set)

    def watch(self, page) -> None:
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))
        page.on("requestfailed", lambda request: self.failed_requests.append(
            f"{request.method} {request.url}: {request.failure}"))
        page.on("request", lambda request: self.requests.append(request.url))

    def expect(self, status: int) -> None:
        """The test means to load a page answered with this status (e.g. a 404)."""
        self.expected_statuses.add(status)

    def _on_console(self, message) -> None:
        if message.type != "error":
            return
        status = _STATUS_LINE.search(message.text)
        if status and int(status.group(1)) in self.expected_statuses:
            return
        self.console_errors.append(f"{message.text} ({message.location.get('url', '')})")

    def problems(self) -> list[str]:
        return ([f"console error: {e}" for e in self.console_errors]
                + [f"uncaught exception: {e}" for e in self.page_errors]
                + [f"failed request: {e}" for e in self.failed_requests])


@pytest.fixture
def browser_log(request) -> BrowserLog:
    log = BrowserLog()
    request.node._browser_log = log
    return log


@pytest.fixture
def new_context(new_context, browser_log):
    """pytest-playwright's contexts, with every page watched by `browser_log`."""

    def make(**kwargs):
        context = new_context(**kwargs)
        context.set_default_timeout(10_000)
        context.on("page", browser_log.watch)
        return context

    return make


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """A test that passed fails if its pages reported problems; one that failed shows them."""
    try:
        result = yield
    except BaseException:
        log = getattr(item, "_browser_log", None)
        if log is not None and log.problems():
            item.add_report_section("call", "browser", "\n".join(log.problems()))
        raise
    log = getattr(item, "_browser_log", None)
    if log is not None and log.problems():
        raise AssertionError("The browser reported:\n" + "\n".join(log.problems()))
    return result


@pytest.fixture
def world(transactional_db, live_server, settings):
    """Starter and demo data in the live server's database; emailed links point at it."""
    _load_world_once_then_restore()
    settings.SITE_URL = live_server.url
    return live_server


_snapshot: list = []  # the SQLite database as the first browser test found it, world loaded


def _load_world_once_then_restore() -> None:
    """Loading the world takes about half a minute; each browser test flushes it afterwards.
    On SQLite the first test loads it and keeps a copy (SQLite's online backup, in memory),
    and the next tests copy it back in well under a second. Elsewhere it is loaded each time."""
    import sqlite3

    from django.db import connection

    from conftest import load_world

    if connection.vendor != "sqlite":
        load_world()
        return
    connection.ensure_connection()
    if _snapshot:
        _snapshot[0].backup(connection.connection)
        return
    load_world()
    copy = sqlite3.connect(":memory:", check_same_thread=False)
    connection.connection.backup(copy)
    _snapshot.append(copy)


def totp_code(secret: str) -> str:
    """The code an authenticator app shows now (RFC 6238, allauth's own HOTP function).

    allauth accepts no clock drift (MFA_TOTP_TOLERANCE is 0): rather than send a code that may
    expire on its way to the server, wait for the next period when this one is nearly over.
    """
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    if TOTP_PERIOD - time.time() % TOTP_PERIOD < 3:
        time.sleep(TOTP_PERIOD - time.time() % TOTP_PERIOD + 0.1)
    return format_hotp_value(hotp_value(secret, int(time.time()) // TOTP_PERIOD))


def snap(page, name: str) -> None:
    """With E2E_SCREENSHOTS=dir set, keep a screenshot of the page for a human to look at."""
    folder = os.environ.get("E2E_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)
