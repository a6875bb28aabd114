"""`manage.py prepare` (`make run`, `make serve`): each step said, skipped when already done; how to
sign in; and the worker's heartbeat kept out of the log's INFO lines."""

import logging
from io import StringIO

import pytest
from django.core.management import call_command

from members.models import User
from talanoa.logs import HeartbeatAtDebug

pytestmark = pytest.mark.django_db


def prepare(*args: str) -> str:
    out = StringIO()
    call_command("prepare", *args, stdout=out)
    return out.getvalue()


def test_a_prepared_database_skips_every_step():
    said = prepare()
    assert "1/3 tables: up to date" in said
    assert "2/3 starter data: already present" in said
    assert "3/3 first account: exists already" in said
    assert "password" not in said


def test_the_first_account_is_made_on_an_empty_database_and_its_password_said_once(
        monkeypatch):
    monkeypatch.setenv("TALANOA_ADMIN_PASSWORD", "first-password-1")
    monkeypatch.setenv("TALANOA_ADMIN_EMAIL", "first@talanoa.localhost")
    User.objects.all().delete()
    said = prepare("--base-url", "http://127.0.0.1:8123")
    assert "3/3 first account: created" in said
    assert said.rstrip().splitlines()[-3:] == [
        "Sign in at http://127.0.0.1:8123/accounts/login/ as first@talanoa.localhost",
        "  password: first-password-1",
        "  You will be asked to set up a TOTP authenticator app first."]
    assert User.objects.get().check_password("first-password-1")
    assert "password" not in prepare()  # made once; nothing keeps it


def test_the_sign_in_file_shows_the_generated_password_until_it_is_changed(tmp_path, monkeypatch):
    monkeypatch.setenv("TALANOA_ADMIN_PASSWORD", "first-password-2")
    monkeypatch.setenv("TALANOA_ADMIN_EMAIL", "first@talanoa.localhost")
    User.objects.all().delete()
    sign_in = tmp_path / "run" / "sign-in.txt"
    said = prepare("--sign-in-file", str(sign_in), "--base-url", "http://127.0.0.1:8124")
    assert "password" not in said  # make run prints the file once the server answers
    text = sign_in.read_text()
    assert "Talanoa is ready: http://127.0.0.1:8124/" in text
    assert "as first@talanoa.localhost" in text and "password: first-password-2" in text
    remembered = sign_in.with_suffix(".password")
    assert remembered.stat().st_mode & 0o077 == 0

    prepare("--sign-in-file", str(sign_in))  # the next make run: still the same password
    assert "password: first-password-2" in sign_in.read_text()

    user = User.objects.get()
    user.set_password("chosen-by-the-secretariat")
    user.save()
    prepare("--sign-in-file", str(sign_in))
    assert "first-password-2" not in sign_in.read_text()
    assert "with the password you set" in sign_in.read_text()
    assert not remembered.exists()


def _record(message: str, *args) -> logging.LogRecord:
    return logging.LogRecord("django.tasks", logging.INFO, __file__, 1, message, args, None)


def test_the_heartbeat_is_logged_at_debug_and_other_tasks_at_info():
    tasks_logger = logging.getLogger("django.tasks")
    level = tasks_logger.level
    beat = _record("Task id=%s path=%s state=%s", "1", HeartbeatAtDebug.HEARTBEAT, "RUNNING")
    other = _record("Task id=%s path=%s state=%s", "2", "meetings.tasks.send_notices", "RUNNING")
    try:
        tasks_logger.setLevel(logging.INFO)
        assert HeartbeatAtDebug().filter(other) and other.levelname == "INFO"
        assert not HeartbeatAtDebug().filter(beat) and beat.levelname == "DEBUG"
        tasks_logger.setLevel(logging.DEBUG)
        assert HeartbeatAtDebug().filter(_record("Task id=%s path=%s state=%s", "3",
                                                 HeartbeatAtDebug.HEARTBEAT, "SUCCESSFUL"))
    finally:
        tasks_logger.setLevel(level)
    assert any(isinstance(f, HeartbeatAtDebug) for f in tasks_logger.filters)
