"""Durable mail (issue 25): a real worker (`manage.py worker`) sends a meeting's 12 invitations,
or the daily round's digests, through a slow SMTP relay (`smtp_sink`), on a copy of the suite's
database and its engine (SQLite, or PostgreSQL when the suite runs on it, as CI does).

- Killed with SIGKILL after 3 invitations were delivered, then started again: all 12 are
  delivered, none twice, and nothing is left running or held.
- The same, killed while sending the daily round's digests: every digest once.
- Stopped gracefully (SIGTERM) after 3: it finishes the message in hand and exits at once; what
  it had not sent waits, unheld, and the next start sends it; none is lost or sent twice.
"""

from __future__ import annotations

import collections
import contextlib
import datetime
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

from talanoa.tests.smtp_sink import Sink
from talanoa.tests.test_crash import Copy, copy_of_suite_database

INVITATIONS = 12
# Seconds the relay takes per recipient: the worker is mid-message most of the time.
RELAY_DELAY = 0.6

pytestmark = pytest.mark.django_db

MEETING = f"""
import datetime
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from meetings import tasks
from meetings.models import Invitee, Meeting
from members.models import Person, WorkingGroup

DBTaskResult.objects.all().delete()
group = WorkingGroup.objects.order_by("pk").first()
start = timezone.now() + datetime.timedelta(days=20)
meeting = Meeting.objects.create(
    group=group, level="restricted", title_en="Crash drill", city="Apia", sequence=1,
    starts_at=start, ends_at=start + datetime.timedelta(hours=6),
    status=Meeting.Status.CONVENED)
people = [Person.objects.create(name=f"Drill invitee {{n}}", email=f"drill-{{n}}-RUN@drill.test")
          for n in range({INVITATIONS})]
meeting.restricted_people.add(*people)
Invitee.objects.bulk_create(Invitee(meeting=meeting, person=p) for p in people)
tasks.send_notices.enqueue(meeting.pk, "convened")
"""


# Every account's digest due today; the daily round queued to run now.
DIGESTS = """
from django_tasks_db.models import DBTaskResult
from members.models import Person
from talanoa.daily import daily_round
from talanoa.models import OutgoingMail

DBTaskResult.objects.all().delete()
OutgoingMail.objects.update(status="sent")  # earlier tests' mail is not this test's
Person.objects.filter(user__isnull=False).exclude(email="").update(
    digest=Person.Digest.DAILY, digest_sent_at=None)
daily_round.enqueue()
"""


@pytest.fixture(scope="module")
def copy(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[Copy]:
    """Made before the test's transaction begins (module scope), as test_crash's: only
    committed data is copied, and a PostgreSQL template may have no open session."""
    with django_db_blocker.unblock(), copy_of_suite_database(tmp_path_factory, "mail-db") as copy:
        yield copy


class Worker:
    """`manage.py worker` in a process group of its own, sending through the sink."""

    def __init__(self, copy: Copy, sink: Sink, tmp_path: Path) -> None:
        self.log = tmp_path / "worker.log"
        self.env = {
            **{k: v for k, v in os.environ.items()
               if k not in ("DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")},
            "DJANGO_SETTINGS_MODULE": "talanoa.settings", "DATABASE_URL": copy.url,
            "SECRET_KEY": settings.SECRET_KEY, "DEBUG": "0", "VAR_DIR": str(tmp_path / "var"),
            "EMAIL_URL": f"smtp://127.0.0.1:{sink.port}", "WORKER_LOG_LEVEL": "INFO"}
        self.process: subprocess.Popen | None = None

    def manage(self, *args: str) -> str:
        done = subprocess.run([sys.executable, "manage.py", *args], cwd=settings.BASE_DIR,
                              env=self.env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    def start(self) -> None:
        with self.log.open("a") as log:
            self.process = subprocess.Popen(
                [sys.executable, "manage.py", "worker", "--interval", "0.2",
                 "--no-startup-delay"], cwd=settings.BASE_DIR, env=self.env, stdout=log,
                stderr=subprocess.STDOUT, start_new_session=True)

    def signal(self, number: int) -> int:
        assert self.process is not None
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, number)
        code = self.process.wait(timeout=30)
        self.process = None
        return code

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:] if self.log.exists() else ""


@pytest.fixture
def drill(copy, tmp_path) -> Iterator[tuple[Copy, Sink, Worker]]:
    """A meeting of 12 invitees whose notices are queued, in the copy; each test's invitees
    have addresses of their own (the copy is the module's)."""
    sink = Sink(delay=RELAY_DELAY).start()
    worker = Worker(copy, sink, tmp_path)
    worker.manage("shell", "--no-imports", "-c", MEETING.replace("RUN", tmp_path.name))
    sink.run = tmp_path.name
    try:
        yield copy, sink, worker
    finally:
        if worker.process is not None:
            worker.signal(signal.SIGKILL)
        sink.stop()


def _invitations(sink: Sink) -> list[str]:
    return [to for message in sink.received for to in message.recipients
            if to.endswith(f"-{sink.run}@drill.test")]


def _assert_each_delivered_once(copy: Copy, sink: Sink, worker: Worker) -> None:
    delivered = _invitations(sink)
    assert sorted(set(delivered)) == sorted(
        f"drill-{n}-{sink.run}@drill.test" for n in range(INVITATIONS)), (
        delivered, worker.output())
    twice = [to for to, times in collections.Counter(delivered).items() if times > 1]
    assert not twice, twice
    ids = [m.message_id for m in sink.received]
    assert len(ids) == len(set(ids))
    placeholder = "%s" if "postgres" in copy.url else "?"
    rows = copy.query("SELECT status, lease_until FROM talanoa_outgoingmail "
                      f"WHERE CAST(recipients AS TEXT) LIKE {placeholder}",
                      (f"%-{sink.run}@drill.test%",))
    assert len(rows) == INVITATIONS and {status for status, _ in rows} == {"sent"}, rows
    running = copy.query("SELECT task_path FROM django_tasks_database_dbtaskresult "
                         "WHERE status = 'RUNNING'")
    assert running == [], running


def _wait_for_invitations(sink: Sink, count: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if len(_invitations(sink)) >= count:
            return True
        time.sleep(0.02)
    return False


def test_a_worker_killed_mid_sending_delivers_every_invitation_once_after_restart(drill):
    copy, sink, worker = drill
    worker.start()
    assert _wait_for_invitations(sink, 3, 60), worker.output()
    time.sleep(RELAY_DELAY / 3)  # the third is marked sent; the fourth is in the relay's hands
    worker.signal(signal.SIGKILL)
    assert len(_invitations(sink)) == 3
    held = copy.query("SELECT COUNT(*) FROM talanoa_outgoingmail WHERE status = 'queued' "
                      "AND lease_until IS NOT NULL")
    assert held == [(1,)]  # the message in hand, held by the dead worker

    worker.start()
    assert _wait_for_invitations(sink, INVITATIONS, 60), worker.output()
    time.sleep(RELAY_DELAY * 2)  # anything sent twice would arrive now
    worker.signal(signal.SIGTERM)
    _assert_each_delivered_once(copy, sink, worker)


def test_a_graceful_stop_finishes_the_message_in_hand_and_loses_none(drill):
    copy, sink, worker = drill
    worker.start()
    assert _wait_for_invitations(sink, 3, 60), worker.output()
    assert worker.signal(signal.SIGTERM) == 0
    after_stop = len(_invitations(sink))
    assert 3 <= after_stop <= 4  # the message in hand was finished, no other begun
    waiting = copy.query("SELECT COUNT(*) FROM talanoa_outgoingmail WHERE status = 'queued' "
                         "AND lease_until IS NULL")
    assert waiting == [(INVITATIONS - after_stop,)]  # left queued, held by no one

    worker.start()
    assert _wait_for_invitations(sink, INVITATIONS, 60), worker.output()
    time.sleep(RELAY_DELAY * 2)
    worker.signal(signal.SIGTERM)
    _assert_each_delivered_once(copy, sink, worker)


def test_a_worker_killed_while_sending_the_digests_sends_each_once_after_restart(copy, tmp_path):
    sink = Sink(delay=RELAY_DELAY / 3).start()
    worker = Worker(copy, sink, tmp_path)
    started = time.time()
    worker.manage("shell", "--no-imports", "-c", DIGESTS)
    try:
        worker.start()
        assert sink.wait_for(3, 60), worker.output()
        time.sleep(sink.delay / 3)
        worker.signal(signal.SIGKILL)
        assert sink.count() == 3
        worker.start()
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and copy.query(
                "SELECT COUNT(*) FROM talanoa_outgoingmail WHERE status = 'queued'") != [(0,)]:
            time.sleep(0.2)
        time.sleep(sink.delay * 3)  # anything sent twice would arrive now
        worker.signal(signal.SIGTERM)
    finally:
        if worker.process is not None:
            worker.signal(signal.SIGKILL)
        sink.stop()
    ids = collections.Counter(message.message_id for message in sink.received)
    assert [i for i, times in ids.items() if times > 1] == []
    placeholder = "%s" if "postgres" in copy.url else "?"
    rows = copy.query("SELECT message_id, status, subject FROM talanoa_outgoingmail "
                      f"WHERE created_at >= {placeholder}",
                      (datetime.datetime.fromtimestamp(started - 5, datetime.UTC),))
    digests = [row for row in rows if "your tasks, meetings" in row[2] or "vos tâches" in row[2]]
    assert len(digests) >= 3, rows  # the round wrote digests, the kill fell among them
    assert {status for _, status, _ in rows} == {"sent"}
    assert set(ids) == {message_id for message_id, _, _ in rows}
