"""Durable outgoing mail: every email is a row first, and the worker sends the rows.

`settings.MAILERS["default"]` is `OutboxMailer`, so every `EmailMessage.send()` in Talanoa (and
allauth's) writes an `OutgoingMail` row, in the transaction of the change that causes it when
there is one: the message exists exactly when its cause does, and nothing slow (SMTP) runs in a
request or under a write lock. The real relay is `settings.MAILERS["delivery"]`.

The worker (`deliver_mail`, woken when rows are written and by every heartbeat) claims one row
at a time with a lease (`LEASE`), sends it, marks it sent. A sender that dies keeps its lease
until it expires, or until a worker starts on the same machine and sees that the process holding
it is gone (`release_dead_leases`); a stopped sender finishes the message in hand and leaves the
rest. A message is sent again only if the sender died between the relay's "250 OK" and the row
being marked (milliseconds): the retry carries the same Message-ID and bytes, which receiving
systems use to recognise it. Temporary failures are retried with backoff, never dropped; a
permanent refusal (5xx) is kept as FAILED with the relay's answer.

Tests: talanoa/tests/test_outbox.py (rows, leases, retries) and test_mail_crash.py (a worker
killed with SIGKILL mid-sending against a slow SMTP sink, on SQLite and PostgreSQL).
"""

from __future__ import annotations

import collections
import contextvars
import datetime
import email
import email.policy
import hashlib
import logging
import smtplib
import threading
import time
from collections.abc import Sequence
from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMessage, mailers
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.utils import DNS_NAME
from django.db import OperationalError, transaction
from django.db.models import F, Q, QuerySet
from django.dispatch import receiver
from django.tasks import task
from django.tasks.signals import task_finished, task_started
from django.utils import timezone

from talanoa.models import OutgoingMail
from talanoa.tasks import pid_gone, queue_unless_waiting, this_process

logger = logging.getLogger("talanoa.mail")

DELIVERY = "delivery"
# Longer than the slowest exchange with the relay (its timeout is 30 s per operation): a lease
# that expired while its holder still sends would let a second sender send the same message.
LEASE = datetime.timedelta(minutes=5)
FIRST_RETRY = datetime.timedelta(minutes=1)
LONGEST_RETRY = datetime.timedelta(hours=1)

_stop = threading.Event()


def request_stop() -> None:
    """A graceful stop: the sender finishes the message in hand and takes no other."""
    _stop.set()


def stopping() -> bool:
    return _stop.is_set()


# The task this process runs now, and how many times it wrote each message: a task that runs
# again (its worker died) writes the same Message-IDs, which the table already holds.
_running_task: contextvars.ContextVar[tuple[str, collections.Counter] | None] = (
    contextvars.ContextVar("talanoa_running_task", default=None))


@receiver(task_started)
def _task_started(sender, task_result, **kwargs) -> None:
    _running_task.set((str(task_result.id), collections.Counter()))


@receiver(task_finished)
def _task_finished(sender, task_result, **kwargs) -> None:
    _running_task.set(None)


class OutboxMailer(BaseEmailBackend):
    """The mailer Talanoa sends through: writes each message as a row, sends nothing itself."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        rows = [as_row(message) for message in email_messages if message.recipients()]
        if rows:
            with transaction.atomic():
                # A row already there is this very message, written by an earlier run.
                OutgoingMail.objects.bulk_create(rows, ignore_conflicts=True)
                wake_sender()
        return len(rows)


def stable_message_id(message: EmailMessage) -> str:
    """Inside a task, the same message of the same run has the same Message-ID: the task's id,
    what the message is and to whom, and how many such it wrote before; else a fresh one."""
    running = _running_task.get()
    if running is None:
        return make_msgid(domain=settings.MAIL_DOMAIN)
    task_id, written = running
    what = "\n".join([str(message.subject), *message.recipients(), str(message.body)])
    written[what] += 1
    digest = hashlib.sha256(f"{task_id}\n{written[what]}\n{what}".encode()).hexdigest()[:40]
    return f"<{digest}@{settings.MAIL_DOMAIN or DNS_NAME}>"


def as_row(message: EmailMessage) -> OutgoingMail:
    """The message as it will be sent, with its Message-ID and Date fixed now, so that every
    attempt sends the same bytes."""
    headers = {name.lower() for name in message.extra_headers}
    if "message-id" not in headers:
        message.extra_headers["Message-ID"] = stable_message_id(message)
    if "date" not in headers:
        message.extra_headers["Date"] = email.utils.format_datetime(timezone.now())
    raw = message.message().as_bytes()
    message_id = next(value for name, value in message.extra_headers.items()
                      if name.lower() == "message-id")
    return OutgoingMail(message_id=str(message_id)[:255], sender=str(message.from_email),
                        recipients=message.recipients(), subject=str(message.subject)[:300],
                        raw=raw)


class StoredMessage(EmailMessage):
    """A message read back from its row: sends the stored bytes as they are."""

    def __init__(self, row: OutgoingMail) -> None:
        parsed = email.message_from_bytes(bytes(row.raw), policy=email.policy.default)
        body = parsed.get_body(preferencelist=("plain", "html"))
        super().__init__(subject=str(parsed.get("Subject", "")),
                         body=body.get_content() if body is not None else "",
                         from_email=row.sender, to=list(row.recipients))
        self.row_raw = bytes(row.raw)
        self.message_id = row.message_id

    def recipients(self) -> list[str]:
        return list(self.to)

    def message(self, *, policy: email.policy.Policy = email.policy.default):
        return email.message_from_bytes(self.row_raw, policy=policy)


def wake_sender() -> None:
    """Queue the sending task unless one already waits (it sends every due row)."""
    queue_unless_waiting(deliver_mail, timezone.now())


def due() -> QuerySet[OutgoingMail]:
    now = timezone.now()
    return (OutgoingMail.objects.filter(status=OutgoingMail.Status.QUEUED,
                                        next_attempt_at__lte=now)
            .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now)))


def claim_next(holder: str) -> OutgoingMail | None:
    """Take the oldest due row for `holder`; a conditional UPDATE, so exactly one sender gets
    each row however many try at once."""
    for pk in due().order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:10]:
        now = timezone.now()
        if due().filter(pk=pk).update(leased_by=holder, lease_until=now + LEASE,
                                      attempts=F("attempts") + 1):
            return OutgoingMail.objects.get(pk=pk)
    return None


def send_due(holder: str | None = None, most: int | None = None) -> int:
    """Send due rows until none is left, a stop is asked for, or `most` were tried."""
    holder = holder or this_process()
    relay = mailers[DELIVERY]
    tried = sent = 0
    try:
        while not stopping() and (most is None or tried < most):
            row = retry_if_locked(claim_next, holder)
            if row is None:
                break
            tried += 1
            sent += deliver(row, relay, holder)
    finally:
        relay.close()
    return sent


def deliver(row: OutgoingMail, relay: BaseEmailBackend, holder: str) -> bool:
    try:
        relay.open()
        relay.send_messages([StoredMessage(row)])
    except Exception as error:  # every failure is kept on the row, none drops the message
        relay.close()
        retry_if_locked(record_failure, row, holder, error)
        return False
    retry_if_locked(lambda: OutgoingMail.objects.filter(pk=row.pk, leased_by=holder).update(
        status=OutgoingMail.Status.SENT, sent_at=timezone.now(), lease_until=None,
        last_error=""))
    return True


def permanent(error: Exception) -> bool:
    """A refusal the relay will repeat (5xx): retrying would only repeat it."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code >= 500
    return isinstance(error, (smtplib.SMTPNotSupportedError, ValueError))


def record_failure(row: OutgoingMail, holder: str, error: Exception) -> None:
    text = f"{type(error).__name__}: {error}"[:2000]
    if permanent(error):
        logger.error("mail %s refused for good: %s", row.message_id, text)
        changes = {"status": OutgoingMail.Status.FAILED}
    else:
        wait = min(LONGEST_RETRY, FIRST_RETRY * 2 ** max(0, row.attempts - 1))
        logger.warning("mail %s not sent (attempt %s), retry in %s: %s", row.message_id,
                       row.attempts, wait, text)
        changes = {"next_attempt_at": timezone.now() + wait}
    OutgoingMail.objects.filter(pk=row.pk, leased_by=holder).update(
        lease_until=None, last_error=text, **changes)


def retry_if_locked(function, *args, tries: int = 6):
    """Run `function`, waiting and trying again while SQLite says the database is locked (a
    long write elsewhere): the worker must outlive it, not die of it."""
    for attempt in range(tries):
        try:
            return function(*args)
        except OperationalError as error:
            if "locked" not in str(error) or attempt == tries - 1:
                raise
            time.sleep(0.5 * 2 ** attempt)
    return None


def release_dead_leases() -> int:
    """Give back the rows held by dead processes of this machine (at a worker's start)."""
    released = 0
    held = (OutgoingMail.objects.filter(status=OutgoingMail.Status.QUEUED,
                                        lease_until__gt=timezone.now())
            .values_list("pk", "leased_by"))
    for pk, holder in held:
        if pid_gone(holder):
            released += OutgoingMail.objects.filter(pk=pk, leased_by=holder).update(
                lease_until=None)
    return released


@task()
def deliver_mail() -> int:
    """Send every due message (queued by the outbox mailer and by each heartbeat)."""
    return send_due()


def waiting_mail(now: datetime.datetime | None = None) -> tuple[int, float | None]:
    """(messages not yet sent, age in seconds of the oldest) for /healthz."""
    queued = OutgoingMail.objects.filter(status=OutgoingMail.Status.QUEUED)
    oldest = queued.order_by("created_at").values_list("created_at", flat=True).first()
    age = None if oldest is None else ((now or timezone.now()) - oldest).total_seconds()
    return queued.count(), age
