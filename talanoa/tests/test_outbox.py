"""Durable outgoing mail (issue 25): rows first, in the change's transaction; stable Message-IDs;
leases; retries; what a worker takes up at its start; /healthz. The relay is a real SMTP server
(`smtp_sink`), reached through Django's SMTP mailer as production does."""

from __future__ import annotations

import datetime
import email
import email.policy

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.db import transaction
from django.tasks import TaskResultStatus
from django.tasks.signals import task_finished, task_started
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from talanoa import outbox
from talanoa.models import OutgoingMail
from talanoa.tasks import requeue_dead_tasks, this_process
from talanoa.tests.smtp_sink import Sink

pytestmark = pytest.mark.django_db

DEAD = f"{this_process().rpartition(':')[0]}:999999999"  # a pid no process has


@pytest.fixture
def sink(settings):
    running = Sink().start()
    settings.MAILERS = {
        "default": {"BACKEND": "talanoa.outbox.OutboxMailer"},
        "delivery": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                     "OPTIONS": {"host": "127.0.0.1", "port": running.port, "timeout": 5}}}
    yield running
    running.stop()


def _message(n: int = 0) -> EmailMessage:
    return EmailMessage(f"Notice {n}", f"Body {n}: ā ē ī ō ū", to=[f"person-{n}@example.org"])


def test_a_message_is_a_row_of_its_change_and_is_sent_only_by_the_worker(sink):
    with transaction.atomic():
        _message(1).send()
        assert OutgoingMail.objects.count() == 1
    with pytest.raises(RuntimeError), transaction.atomic():
        _message(2).send()
        raise RuntimeError("the change failed")
    # Only the committed change's message exists, and nothing went out yet.
    (row,) = OutgoingMail.objects.all()
    assert row.subject == "Notice 1" and row.status == OutgoingMail.Status.QUEUED
    assert row.message_id.startswith("<") and sink.count() == 0
    # Its sending was queued for the worker, once however many rows wait.
    _message(3).send()
    assert DBTaskResult.objects.filter(task_path="talanoa.outbox.deliver_mail",
                                       status=TaskResultStatus.READY).count() == 1

    assert outbox.send_due() == 2
    assert sorted(r.recipients[0] for r in sink.received) == [
        "person-1@example.org", "person-3@example.org"]
    assert {r.message_id for r in sink.received} == set(
        OutgoingMail.objects.values_list("message_id", flat=True))
    received = email.message_from_bytes(sink.received[0].raw, policy=email.policy.default)
    assert received.get_body().get_content().strip().endswith("ā ē ī ō ū")  # bytes kept whole
    assert set(OutgoingMail.objects.values_list("status", flat=True)) == {"sent"}
    assert outbox.send_due() == 0  # sent once


def test_a_task_run_again_writes_the_same_messages_once(sink):
    """A task whose worker died runs again: the messages of its first run are not written twice,
    those it had not reached are."""
    run = outbox.deliver_mail.enqueue()
    task_started.send(sender=None, task_result=run)
    _message(1).send()
    _message(2).send()
    task_finished.send(sender=None, task_result=run)
    task_started.send(sender=None, task_result=run)  # the same task, run again
    for n in (1, 2, 3):
        _message(n).send()
    task_finished.send(sender=None, task_result=run)
    assert sorted(OutgoingMail.objects.values_list("subject", flat=True)) == [
        "Notice 1", "Notice 2", "Notice 3"]
    # Another task's identical message is another message.
    other = outbox.deliver_mail.enqueue()
    task_started.send(sender=None, task_result=other)
    _message(1).send()
    task_finished.send(sender=None, task_result=other)
    assert OutgoingMail.objects.filter(subject="Notice 1").count() == 2


def test_a_held_row_is_taken_by_no_other_sender_until_its_lease_ends(sink):
    _message().send()
    first = outbox.claim_next("host-a:1")
    assert first is not None and first.attempts == 1
    assert outbox.claim_next("host-b:2") is None
    OutgoingMail.objects.update(lease_until=timezone.now() - datetime.timedelta(seconds=1))
    again = outbox.claim_next("host-b:2")
    assert again is not None and again.pk == first.pk and again.attempts == 2


def test_a_relay_that_says_later_is_tried_again_later_and_one_that_refuses_is_recorded(sink):
    sink.refuse = "451 4.3.0 try again later"
    _message(1).send()
    assert outbox.send_due() == 0
    row = OutgoingMail.objects.get()
    assert row.status == OutgoingMail.Status.QUEUED and "451" in row.last_error
    assert row.next_attempt_at > timezone.now() + datetime.timedelta(seconds=50)
    assert row.lease_until is None
    assert outbox.send_due() == 0 and OutgoingMail.objects.get().attempts == 1  # not due yet

    OutgoingMail.objects.update(next_attempt_at=timezone.now())
    sink.refuse = ""
    assert outbox.send_due() == 1 and sink.count() == 1

    sink.refuse = "550 5.1.1 no such mailbox"
    _message(2).send()
    assert outbox.send_due() == 0
    refused = OutgoingMail.objects.get(subject="Notice 2")
    assert refused.status == OutgoingMail.Status.FAILED and "550" in refused.last_error


def test_a_relay_that_does_not_answer_leaves_the_message_queued(sink, settings):
    settings.MAILERS["delivery"]["OPTIONS"]["port"] = 1  # nothing listens there
    _message().send()
    assert outbox.send_due() == 0
    row = OutgoingMail.objects.get()
    assert row.status == OutgoingMail.Status.QUEUED and row.last_error


def test_a_starting_worker_takes_up_what_a_dead_one_of_this_machine_held(sink):
    _message(1).send()
    _message(2).send()
    assert outbox.claim_next(DEAD) is not None
    assert outbox.claim_next("elsewhere:1") is not None  # another machine's: its lease decides
    running = DBTaskResult.objects.get(task_path="talanoa.outbox.deliver_mail")
    running.claim(DEAD)

    assert outbox.release_dead_leases() == 1
    assert requeue_dead_tasks() == 1
    running.refresh_from_db()
    assert running.status == TaskResultStatus.READY
    assert outbox.send_due() == 1  # the dead one's; the other machine's waits for its lease


def test_healthz_fails_when_mail_waits_too_long_or_a_task_is_stuck(client, sink, settings):
    from talanoa.models import Heartbeat

    Heartbeat.objects.create(name="worker", seen_at=timezone.now())
    _message().send()
    DBTaskResult.objects.all().delete()
    answer = client.get("/healthz").json()
    assert answer["mail"] == "ok" and answer["mail_waiting"] == 1 and answer["status"] == "ok"

    OutgoingMail.objects.update(created_at=timezone.now() - datetime.timedelta(
        minutes=settings.MAIL_LATE_MINUTES + 1))
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["mail"] == "late"

    assert outbox.send_due() == 1
    stuck = outbox.deliver_mail.enqueue()
    DBTaskResult.objects.filter(pk=stuck.id).update(
        status=TaskResultStatus.RUNNING,
        started_at=timezone.now() - datetime.timedelta(minutes=settings.TASK_STUCK_MINUTES + 1))
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["tasks"] == "stuck: 1"
    assert response.json()["mail"] == "ok"


def test_the_suite_sends_straight_to_its_outbox_unless_a_test_asks_for_the_rows():
    """Django's test runner makes every mailer the in-memory outbox; the rows are tested here."""
    _message().send()
    assert len(mail.outbox) == 1 and not OutgoingMail.objects.exists()


def test_the_worker_waits_out_a_locked_database_instead_of_dying(monkeypatch):
    """SQLite answers "database is locked" when a write holds the lock past the busy timeout:
    the worker waits, takes up the task it could not finish, and goes on."""
    from django.db import OperationalError
    from django_tasks_db.management.commands.db_worker import Worker

    from talanoa.management.commands import worker as command

    calls: list[str] = []

    def run_once_locked(self) -> None:
        calls.append("run")
        if len(calls) == 1:
            raise OperationalError("database is locked")

    monkeypatch.setattr(Worker, "run", run_once_locked)
    # The test's transaction is its connection: keep it (the worker closes a broken one).
    monkeypatch.setattr(command, "close_old_connections", lambda: None)
    monkeypatch.setattr(command.time, "sleep", lambda seconds: calls.append(f"wait {seconds}"))
    stuck = outbox.deliver_mail.enqueue()
    DBTaskResult.objects.filter(pk=stuck.id).update(status=TaskResultStatus.RUNNING,
                                                    worker_ids=[this_process()])
    worker = command.RecoveringWorker(
        queue_names=["default"], interval=0, batch=True, backend_name="default",
        startup_delay=False, max_tasks=None, worker_id=this_process(), excluded_queue_names=[])
    worker.run()
    assert calls == ["run", "wait 0.5", "run"]
    assert DBTaskResult.objects.get(pk=stuck.id).status == TaskResultStatus.READY
