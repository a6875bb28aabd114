"""Production serving: the worker's heartbeat, /healthz, JSON logs and `make serve` itself."""

import datetime
import json
import logging
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from talanoa.lib.net import free_port
from talanoa.logs import JsonFormatter
from talanoa.models import Heartbeat
from talanoa.tasks import HEARTBEAT_EVERY, pending_beats, schedule_heartbeat, worker_heartbeat

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_healthz_is_503_until_a_worker_beats_then_200(client, run_worker):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["worker"] == "never seen"
    assert response.json()["database"] == "ok"
    assert "no-cache" in response["Cache-Control"]

    assert schedule_heartbeat() is True
    run_worker()
    response = client.get("/healthz")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "ok"
    assert response.json()["worker_seen_seconds_ago"] < 5


@pytest.mark.django_db
def test_healthz_says_the_worker_is_late_after_missed_beats(client):
    Heartbeat.objects.create(name="worker", seen_at=timezone.now() - datetime.timedelta(minutes=5))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["worker"] == "late"
    assert response.json()["worker_seen_seconds_ago"] >= 300


@pytest.mark.django_db
def test_healthz_is_503_when_the_database_does_not_answer(client, monkeypatch):
    from django.db.utils import OperationalError

    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "down: OperationalError"


@pytest.mark.django_db
def test_the_heartbeat_is_a_chain_of_one_with_old_results_pruned(run_worker):
    assert schedule_heartbeat() is True
    assert schedule_heartbeat() is False  # one waits already
    old = timezone.now() - datetime.timedelta(hours=2)
    stale = worker_heartbeat.enqueue()
    DBTaskResult.objects.filter(pk=stale.id).update(status=TaskResultStatus.SUCCESSFUL,
                                                    finished_at=old)
    run_worker()
    beat = Heartbeat.objects.get(name="worker")
    assert timezone.now() - beat.seen_at < datetime.timedelta(seconds=5)
    assert not DBTaskResult.objects.filter(pk=stale.id).exists()
    # The next beat waits its turn: exactly one, due in HEARTBEAT_EVERY.
    (next_beat,) = pending_beats()
    due = next_beat.run_after - beat.seen_at
    assert HEARTBEAT_EVERY - datetime.timedelta(seconds=1) <= due <= HEARTBEAT_EVERY


@pytest.mark.django_db
def test_the_worker_command_queues_the_chains_and_runs_what_is_due(monkeypatch):
    from django_tasks_db.management.commands import db_worker

    from talanoa.daily import pending_rounds

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        call_command("worker", batch=True, startup_delay=False, verbosity=0)
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
    assert Heartbeat.objects.filter(name="worker").exists()
    assert pending_rounds().count() == 1 and pending_beats().count() == 1


def test_json_log_lines_carry_the_message_extras_and_the_traceback_on_one_line():
    try:
        raise ValueError('bad "value"\nsecond line')
    except ValueError:
        record = logging.LogRecord("talanoa.test", logging.ERROR, __file__, 1,
                                   "failed for %s", ("Tonga",), sys.exc_info())
    record.task_id = 42
    line = JsonFormatter().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["message"] == "failed for Tonga"
    assert entry["level"] == "ERROR" and entry["logger"] == "talanoa.test"
    assert entry["task_id"] == 42
    assert "ValueError" in entry["exception"] and re.match(r"\d{4}-\d\d-\d\dT.*Z$", entry["time"])




def _get(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def _worker_of(parent: int) -> int | None:
    """The pid of the `manage.py worker` that `parent` started and that still runs, if any."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
            command = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue
        if int(fields[1]) == parent and fields[0] != "Z" and b"worker" in command:
            return int(stat.parent.name)
    return None


@pytest.mark.django_db(transaction=True)
def test_make_serve_runs_gunicorn_and_the_worker_with_production_static_files(tmp_path):
    """`python -m talanoa.serve` on the suite's own database: /healthz turns 200 once its worker
    beats; a worker killed is started again while the pages go on; static files are hashed,
    pre-compressed and cached for a year; logs are JSON lines; SIGTERM stops both processes."""
    if connection.vendor == "sqlite":  # the suite's database is in memory: serve a copy
        database = tmp_path / "serve.sqlite3"
        connection.ensure_connection()
        with sqlite3.connect(database) as copy:
            connection.connection.backup(copy)
        database_url = f"sqlite:///{database}"
    else:
        settings_dict = connection.settings_dict
        database_url = (f"postgres://{settings_dict['USER']}@{settings_dict['HOST']}:"
                        f"{settings_dict['PORT']}/{settings_dict['NAME']}")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"} | {
        "DATABASE_URL": database_url, "VAR_DIR": str(tmp_path), "SECRET_KEY": "s" * 50,
        "TALANOA_ADMIN_PASSWORD": "serve-test-password", "WEB_CONCURRENCY": "1"}
    env.pop("REDIS_URL", None)
    log = (tmp_path / "serve.log").open("w+")
    server = subprocess.Popen([sys.executable, "-m", "talanoa.serve", "--bind",
                              f"127.0.0.1:{port}", "--workers", "1"],
                             cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                             start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        status = None
        while time.monotonic() < deadline and server.poll() is None:
            try:
                status, _, body = _get(url + "/healthz")
            except OSError:
                status = None
            if status == 200:
                break
            time.sleep(0.3)
        assert status == 200, (status, Path(log.name).read_text()[-3000:])
        assert json.loads(body)["worker"] == "ok"

        # A worker that dies is started again, and the pages go on meanwhile.
        first_worker = _worker_of(server.pid)
        os.kill(first_worker, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and _worker_of(server.pid) in (None, first_worker):
            assert _get(url + "/robots.txt")[0] == 200
            time.sleep(0.2)
        assert _worker_of(server.pid) not in (None, first_worker), Path(log.name).read_text()
        assert server.poll() is None

        status, _, page = _get(url + "/")
        assert status == 200
        stylesheet = re.search(rb'<link rel="stylesheet" href="(/static/[^"]+)"', page).group(1)
        assert re.search(rb"\.[0-9a-f]{12}\.css$", stylesheet), stylesheet  # hashed name
        for encoding in ("br", "gzip"):
            status, headers, _ = _get(url + stylesheet.decode(), **{"Accept-Encoding": encoding})
            assert status == 200 and headers["Content-Encoding"] == encoding
            assert "immutable" in headers["Cache-Control"]
            assert int(re.search(r"max-age=(\d+)", headers["Cache-Control"]).group(1)) >= 31536000
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
        returncode = server.wait(timeout=30)
        log.close()
    assert returncode == 0
    lines = [line for line in Path(log.name).read_text().splitlines() if line.startswith("{")]
    entries = [json.loads(line) for line in lines]
    access = [e for e in entries if e["logger"] == "gunicorn.access"]
    assert any(e["path"] == "/healthz" and e["status"] == 200 for e in access)
    assert all({"time", "level", "message"} <= set(e) for e in entries)
