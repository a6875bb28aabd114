"""What the platform itself records: the background worker's heartbeat and the audit log."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Heartbeat(models.Model):
    """The last time a recurring task proved that a background worker runs tasks.

    One row per name ("worker"). A row, not the cache: the health check must see the beat of a
    worker on another machine whether or not the cache is shared.
    """

    name = models.CharField(_("name"), max_length=40, primary_key=True)
    seen_at = models.DateTimeField(_("seen at"))
    worker_id = models.CharField(_("worker"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("heartbeat")

    def __str__(self) -> str:
        return f"{self.name} {self.seen_at:%Y-%m-%d %H:%M:%S}"


class AuditEventQuerySet(models.QuerySet):
    """Append-only: rows are added, never changed or removed (not even in bulk)."""

    def update(self, **kwargs):
        raise PermissionError("The audit log is append-only.")

    def delete(self):
        raise PermissionError("The audit log is append-only.")


class AuditEvent(models.Model):
    """One thing the secretariat may need to account for: sign-ins (and failed ones), sign-outs,
    lockouts and unlocks, changes of standing and permissions, API tokens, and downloads of
    data above public level. Written by `talanoa.auditlog.record` (one INSERT); read at `/audit/`.
    Never holds a password or a token."""

    class Kind(models.TextChoices):
        LOGIN = "login", _("Signed in")
        LOGIN_FAILED = "login_failed", _("Failed sign-in")
        LOGOUT = "logout", _("Signed out")
        LOCKOUT = "lockout", _("Locked out")
        UNLOCK = "unlock", _("Unlocked")
        MEMBERSHIP_CREATED = "membership_created", _("Standing added")
        MEMBERSHIP_CHANGED = "membership_changed", _("Standing changed")
        MEMBERSHIP_ENDED = "membership_ended", _("Standing ended")
        REPRESENTATIVE_CONFIRMED = "representative_confirmed", _("Representative confirmed")
        REPRESENTATIVE_ENDED = "representative_ended", _("Representative ended")
        ROLE_CHANGED = "role_changed", _("Role changed")
        ACCOUNT_FLAGS = "account_flags", _("Account permissions changed")
        TOKEN_CREATED = "token_created", _("API token created")
        TOKEN_REVOKED = "token_revoked", _("API token revoked")
        EXPORT = "export", _("Export of restricted data")
        DOWNLOAD = "download", _("Download of a restricted file")

    at = models.DateTimeField(_("when"), default=timezone.now)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    # Kept as it was: no foreign key, so the row never changes when an account does.
    actor_id = models.BigIntegerField(_("who (account id)"), null=True, blank=True)
    actor = models.CharField(_("who"), max_length=254, blank=True)
    ip = models.GenericIPAddressField(_("address"), null=True, blank=True)
    target = models.CharField(_("record"), max_length=100, blank=True)
    target_text = models.CharField(_("record name"), max_length=300, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["-at", "-id"], name="audit_at"),
                   models.Index(fields=["kind", "-at", "-id"], name="audit_kind_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.kind} {self.actor}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The audit log is append-only.")


class OutgoingMail(models.Model):
    """One email Talanoa sends, kept as a row from the moment it is decided until it is sent.

    Written by the outbox mailer (`talanoa.outbox.OutboxMailer`) in the transaction of the change
    that causes it, so a message exists exactly when its cause does; sent by the worker, which
    claims one row at a time with a lease that expires, so a sender that dies or stops leaves the
    row for the next one. The Message-ID and the bytes are fixed when the row is written: a retry
    sends the same message, which receiving systems recognise.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to be sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Refused by the mail relay")

    message_id = models.CharField(_("Message-ID"), max_length=255, unique=True)
    created_at = models.DateTimeField(_("written at"), default=timezone.now)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.QUEUED)
    sender = models.CharField(_("from"), max_length=320)
    recipients = models.JSONField(_("to"), default=list)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    raw = models.BinaryField(_("message"))
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    # Who holds the row now and until when: "host:pid" of a worker process.
    leased_by = models.CharField(_("held by"), max_length=100, blank=True)
    lease_until = models.DateTimeField(_("held until"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outgoing emails")
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="mail_due")]

    def __str__(self) -> str:
        return f"{self.message_id} {self.status}"


class RateCount(models.Model):
    """One rate limit window's count when the cache is one per process (no Redis): every app
    server process adds to the same row (`talanoa.ratelimit`), so a limit holds whatever the
    number of workers. A row is useless once its window has ended, and is then deleted."""

    # "scope:who:window:start" (ratelimit.hit), one row per window.
    key = models.CharField(_("key"), max_length=255, primary_key=True)
    # When the window ends (Unix seconds): what the purge of ended windows compares.
    ends_at = models.BigIntegerField(_("window ends"), db_index=True)
    count = models.PositiveIntegerField(_("count"), default=0)

    class Meta:
        verbose_name = _("rate limit count")

    def __str__(self) -> str:
        return f"{self.key} {self.count}"
