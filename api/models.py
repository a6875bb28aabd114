"""Personal API tokens: a member's scripts read what the member may read, no more."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """Only a SHA-256 of the secret is stored: a stolen database gives no working token. The
    secret has 256 random bits, so a fast hash is enough (no salt or slow hash is needed)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="api_tokens", verbose_name=_("user"))
    name = models.CharField(_("name"), max_length=100,
                            help_text=_("What the token is for, e.g. “our website’s calendar”."))
    prefix = models.CharField(_("first characters"), max_length=12, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


# --- webhooks: a partner system told of "paper published" and "meeting convened" ---
class WebhookEvent(models.TextChoices):
    PAPER_PUBLISHED = "paper.published", _("Paper published")
    MEETING_CONVENED = "meeting.convened", _("Meeting convened")


class WebhookSubscription(models.Model):
    """A partner's address, told of a group's public events. Only the group's editors create
    one (an address the portal will POST to, see `api.operations.target_refusal`); the secret signs
    every payload, so the partner can tell our calls from anyone else's. It is kept as is (it
    must sign), shown in full once at creation, and the subscription is archived, never
    deleted, so its deliveries stay on record."""

    group = models.ForeignKey("members.WorkingGroup", on_delete=models.PROTECT,
                              related_name="webhook_subscriptions", verbose_name=_("group"))
    target_url = models.URLField(_("address"), max_length=500,
                                 help_text=_("Where to POST, e.g. https://partner.example/hook"))
    events = models.JSONField(_("events"), default=list)
    secret = models.CharField(max_length=80, editable=False)
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")

    def __str__(self) -> str:
        return self.target_url

    @property
    def secret_hint(self) -> str:
        return self.secret[:10]


class WebhookDelivery(models.Model):
    """One event for one subscription: sent by `api.tasks.deliver_webhook`, retried with
    backoff (`api.operations.BACKOFF`) until delivered or failed."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        DELIVERED = "delivered", _("delivered")
        FAILED = "failed", _("failed")

    subscription = models.ForeignKey(WebhookSubscription, on_delete=models.CASCADE,
                                     related_name="deliveries")
    event = models.CharField(max_length=40)
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")

    def __str__(self) -> str:
        return f"{self.event} #{self.pk}"
# --- end webhooks ---
