"""Shared test fixtures: the ICT group's starter data and the demo people, loaded once.

Named people, as in healthchecks' test base: `chair`, `secretariat`, `member` (Fiji's
representative), `observer` (JICA), `consultative` (PICISOC) and `outsider` (an account with no
organisation in the group), plus `anonymous`.
"""

import signal

import pytest
from django.core.management import call_command

from talanoa.tests.hardening import COUNTS, summary

# Fixtures shared by the work programme apps' tests (plan, tasks, advisory, engagement, …).
pytest_plugins = ["talanoa.tests.programme_fixtures"]

DEMO = {
    "chair": "chair@demo.talanoa.test",
    "secretariat": "secretariat@demo.talanoa.test",
    "member": "member@demo.talanoa.test",
    "observer": "observer@demo.talanoa.test",
    "consultative": "consultative@demo.talanoa.test",
    "outsider": "outsider@demo.talanoa.test",
}
EDITORS = ("chair", "secretariat")


def load_world() -> None:
    """Starter data, demo people, and TOTP enrolled for the editors (MFA is mandatory)."""
    from allauth.mfa.totp.internal.auth import TOTP

    from members.models import User

    call_command("load_starter_data", "--if-empty", verbosity=0)
    call_command("demo_data", verbosity=0)
    for standing in EDITORS:
        user = User.objects.get(email=DEMO[standing])
        if not user.authenticator_set.exists():  # idempotent: e2e tests load it again
            TOTP.activate(user, "JBSWY3DPEHPK3PXP")


# Django's advice for test suites: hash passwords fast. The settings' own hashers (PBKDF2,
# 0.6 s a password here) would cost seconds for each sign-in and each demo account;
# talanoa/tests/test_settings.py checks what production hashes with.
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pytest_configure(config):
    from django.conf import settings

    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_world()


@pytest.fixture(autouse=True, scope="session")
def _media_in_tmp(tmp_path_factory):
    """Uploads and built meeting packs go to a temporary directory, never to var/files."""
    from django.test import override_settings

    with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        yield


@pytest.fixture(autouse=True)
def _fresh_cache():
    """allauth's rate limits live in the cache, which a test's rollback does not undo."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: a request in French leaves French active in
    its thread (LocaleMiddleware), and the next test's messages would be French."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _search_index_at_once(monkeypatch):
    """A test runs in a transaction that is never committed, where callbacks after commit never
    run: there the search index follows each save at once, inside the save's transaction
    (`portal.search.AFTER_COMMIT`; `portal/tests/test_search_after_commit.py` checks the
    deferral itself)."""
    from portal import search

    monkeypatch.setattr(search, "AFTER_COMMIT", False)


@pytest.fixture
def people(db):
    from members.models import User

    return {standing: User.objects.get(email=email) for standing, email in DEMO.items()}


@pytest.fixture
def client_for(client, people):
    """A test client logged in as the named person, or anonymous for "anonymous"."""
    from django.test import Client

    def make(standing: str) -> Client:
        c = Client()
        if standing != "anonymous":
            c.force_login(people[standing])
        return c

    return make


@pytest.fixture
def group(db):
    from members.models import WorkingGroup

    return WorkingGroup.objects.get(slug="ict")


@pytest.fixture
def run_worker(monkeypatch):
    """Run every task that is due, as `manage.py db_worker --batch` does (the real database
    backend, in the test's own transaction)."""
    from django_tasks_db.management.commands import db_worker

    # The worker checks the connection between tasks as between requests; inside a test's
    # transaction that would drop the connection on PostgreSQL.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    def run() -> None:
        handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            call_command("db_worker", batch=True, startup_delay=False, verbosity=0,
                         reload=False)
        finally:
            for sig, handler in handlers.items():  # the worker installs its own
                signal.signal(sig, handler)

    return run


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if call.when == "call" and item.get_closest_marker("access_matrix"):
        COUNTS["matrix checks"] += 1
        COUNTS["matrix failures"] += report.failed
    return report


def pytest_sessionfinish(session):
    """Under pytest-xdist each worker counts its own figures: hand them to the controller."""
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["hardening"] = dict(COUNTS)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    """The controller adds up what each worker counted (pytest-xdist's hook)."""
    COUNTS.update(getattr(node, "workeroutput", {}).get("hardening", {}))


@pytest.hookimpl(trylast=True)
def pytest_terminal_summary(terminalreporter):
    """The figures issue 11 asks the suite to print (talanoa/tests/hardening.py); last, so they
    sit just above the final count, where CI's log shows them."""
    terminalreporter.section("hardening")
    for line in summary():
        terminalreporter.write_line(line)
