"""Named state changes of the API: creating and revoking personal tokens; webhooks."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import ipaddress
import json
import secrets
import socket
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from api.models import ApiToken, WebhookDelivery, WebhookEvent, WebhookSubscription
from meetings.models import Meeting
from papers.models import Paper
from talanoa import auditlog
from talanoa.access import ANONYMOUS, can_view

TOKEN_PREFIX = "tal_"
MAX_ACTIVE_TOKENS = 10


def token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(user, name: str) -> tuple[ApiToken, str]:
    """A new token and its secret, which is shown once and never stored."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name.strip(), prefix=secret[:12],
                                    digest=token_digest(secret))
    auditlog.record(auditlog.Kind.TOKEN_CREATED, target=token, target_text=token.name,
                 detail={"owner": user.pk, "owner_email": user.email})
    return token, secret


def revoke_token(token: ApiToken) -> bool:
    """Revoked at once: every request looks the token up, nothing caches it."""
    revoked = bool(ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True)
                   .update(revoked_at=timezone.now()))
    if revoked:
        auditlog.record(auditlog.Kind.TOKEN_REVOKED, target=token, target_text=token.name,
                     detail={"owner": token.user_id})
    return revoked


def token_for_secret(secret: str) -> ApiToken | None:
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 100:
        return None
    token = (ApiToken.objects.active().select_related("user", "user__person")
             .filter(digest=token_digest(secret), user__is_active=True).first())
    if token is not None:
        # At most one write a minute per token: reading must stay cheap.
        now = timezone.now()
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
    return token


# --- webhooks: subscriptions, events and their signed, retried delivery ---
# Partners are outsiders: an event is sent only for an item anyone may read
# (`can_view(item, ANONYMOUS)`), its payload holds only what the public API shows, and the
# item is checked again just before each attempt. Only a group's editors create subscriptions
# (the portal will POST to an address they give): https only (http only when DEBUG or for the
# hosts in WEBHOOK_LOCAL_HOSTS), no credentials in the address, no redirect followed, no proxy,
# and the address must resolve to public IP addresses at each attempt (so "https://10.0.0.5/" or
# a name pointing at the cloud's metadata address is refused). See "Webhooks" in
# docs/guide-partner-systems.md.
WEBHOOK_SECRET_PREFIX = "whsec_"
# After the 1st, 2nd, … failed attempt, wait this long; after the last attempt: failed.
BACKOFF = (datetime.timedelta(minutes=1), datetime.timedelta(minutes=5),
           datetime.timedelta(minutes=30), datetime.timedelta(hours=2),
           datetime.timedelta(hours=12))
MAX_ATTEMPTS = len(BACKOFF) + 1
TIMEOUT = 10  # seconds, for connecting and for each read
# A claimed attempt pushes next_attempt_at this far ahead: far longer than an attempt takes
# (one POST and a short read, each step within TIMEOUT), so no other worker starts the same
# delivery meanwhile; if the worker dies, the attempt may be made again after it.
CLAIM_LEASE = datetime.timedelta(minutes=2)
# A pending delivery this late was never picked up (its task lost: a crash between the commit
# and the queueing, or during an attempt); the daily round queues it again.
STALLED_AFTER = datetime.timedelta(minutes=15)
PING = "ping"
Delivery = WebhookDelivery.Status


def _local_hosts() -> frozenset[str]:
    return frozenset(getattr(settings, "WEBHOOK_LOCAL_HOSTS", ()))


def target_refusal(url: str) -> str | None:
    """Why the portal will not POST to this address (None: it will). Checked on the form and
    again at each attempt (with the address's IP addresses then)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        parts.port  # noqa: B018  (raises ValueError on a bad port)
    except ValueError:
        return gettext_noop("The address is not valid.")
    if parts.scheme not in ("https", "http") or not host:
        return gettext_noop("The address must start with https://.")
    if parts.username or parts.password:
        return gettext_noop("The address must not contain a user name or password.")
    local = settings.DEBUG or host in _local_hosts()
    if parts.scheme == "http" and not local:
        return gettext_noop("The address must start with https://.")
    if not local:
        try:
            address = ipaddress.ip_address(host.strip("[]"))
        except ValueError:
            return None  # a name: its addresses are checked at each attempt
        if not address.is_global:
            return gettext_noop("The address must be reachable on the internet.")
    return None


def _resolution_refusal(url: str) -> str | None:
    """Every address the host resolves to must be public (unless it is a local host allowed by
    the settings). urllib resolves again when it connects; a name that changes in between
    (DNS rebinding) is a risk we accept, since only a group's editors choose the address."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if settings.DEBUG or host in _local_hosts():
        return None
    try:
        infos = socket.getaddrinfo(host, parts.port or 443, proto=socket.IPPROTO_TCP)
    except OSError as error:
        return f"cannot resolve {host}: {error}"[:300]
    for info in infos:
        if not ipaddress.ip_address(info[4][0].split("%")[0]).is_global:
            return f"{host} resolves to a non-public address"[:300]
    return None


def create_subscription(group, target_url: str, events: list[str],
                        by) -> tuple[WebhookSubscription, str]:
    """A new subscription and its secret (shown to the editor once; kept, since it signs)."""
    if refusal := target_refusal(target_url):
        raise ValueError(refusal)
    secret = WEBHOOK_SECRET_PREFIX + secrets.token_urlsafe(32)
    known = set(WebhookEvent.values)
    subscription = WebhookSubscription.objects.create(
        group=group, target_url=target_url, events=[e for e in events if e in known],
        secret=secret, created_by=by)
    return subscription, secret


def archive_subscription(subscription: WebhookSubscription) -> bool:
    """Nothing more is sent to it (pending deliveries fail at their next attempt)."""
    return bool(WebhookSubscription.objects.filter(pk=subscription.pk, archived_at__isnull=True)
                .update(archived_at=timezone.now(), active=False))


class _Site:
    """What the API schemas' `absolute()` needs of a request: the portal's own address."""

    @staticmethod
    def build_absolute_uri(path: str) -> str:
        return settings.SITE_URL + path


def _item_data(item) -> dict:
    """The item as the public API shows it (its own schema), with its API address."""

    if isinstance(item, Meeting):
        from api.routes.meetings import MeetingOut as Out

        api_path = reverse("api:get_meeting", kwargs={"meeting_id": item.pk})
    else:
        from api.routes.papers import PaperOut as Out

        api_path = reverse("api:get_paper", kwargs={"paper_id": item.pk})
    data = Out.model_validate(item, context={"request": _Site()}).model_dump(mode="json")
    return data | {"api_url": settings.SITE_URL + api_path}


def _subscribers(group_id: int, event: str) -> list[WebhookSubscription]:
    # Events are filtered here, not in SQL: SQLite has no JSON containment, and a group has few.
    return [s for s in WebhookSubscription.objects.filter(group_id=group_id, active=True,
                                                          archived_at__isnull=True)
            if event in s.events]


def _queue(deliveries: list[WebhookDelivery]) -> list[WebhookDelivery]:
    from api import tasks

    for delivery in deliveries:
        pk, when = delivery.pk, delivery.next_attempt_at
        transaction.on_commit(lambda pk=pk, when=when:
                              tasks.deliver_webhook.using(run_after=when).enqueue(pk))
    return deliveries


def emit_event(item, event: str, occurred_at: datetime.datetime | None = None
               ) -> list[WebhookDelivery]:
    """Record a delivery of the event for each subscription of the item's group that wants it,
    if the item is public, and queue the sends for when the transaction commits. The deliveries
    are written in the caller's transaction: they exist if and only if the change does."""

    if not can_view(item, ANONYMOUS):
        return []  # partners are outsiders: a members-level item is never announced to them
    subscriptions = _subscribers(item.group_id, event)
    if not subscriptions:
        return []
    now = timezone.now()
    payload = {"event": event, "id": str(uuid.uuid4()),
               "occurred_at": (occurred_at or now).isoformat(), "data": _item_data(item)}
    return _queue(WebhookDelivery.objects.bulk_create(
        [WebhookDelivery(subscription=s, event=event, payload=payload, next_attempt_at=now)
         for s in subscriptions]))


def paper_published(paper) -> list[WebhookDelivery]:
    return emit_event(paper, WebhookEvent.PAPER_PUBLISHED, paper.published_at)


def meeting_convened(meeting) -> list[WebhookDelivery]:
    return emit_event(meeting, WebhookEvent.MEETING_CONVENED, meeting.announced_at)


def send_ping(subscription: WebhookSubscription) -> WebhookDelivery:
    """A test event the editor sends to check the partner's receiver and its verification."""
    now = timezone.now()
    payload = {"event": PING, "id": str(uuid.uuid4()), "occurred_at": now.isoformat(),
               "data": {"group": subscription.group.slug}}
    return _queue([WebhookDelivery.objects.create(subscription=subscription, event=PING,
                                                  payload=payload, next_attempt_at=now)])[0]


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """`sha256=` and the HMAC-SHA256, with the secret, of "<timestamp>." then the raw body."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 3xx is the answer (a failure), never followed


_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect())


def post(request: urllib.request.Request) -> int:
    """POST and return the status code (HTTPError for a non-2xx answer)."""
    with _opener.open(request, timeout=TIMEOUT) as response:
        response.read(65536)  # a little of the answer, so the partner sees it read
        return response.status


def claim_delivery(delivery_id: int, now: datetime.datetime) -> WebhookDelivery | None:
    """Take the delivery's next attempt, if it is due and nobody took it: one conditional
    UPDATE (on its attempt count), so of two workers exactly one wins."""
    delivery = (WebhookDelivery.objects.select_related("subscription")
                .filter(pk=delivery_id, status=Delivery.PENDING, next_attempt_at__lte=now).first())
    if delivery is None:
        return None
    won = WebhookDelivery.objects.filter(
        pk=delivery.pk, status=Delivery.PENDING, attempts=delivery.attempts,
        next_attempt_at__lte=now).update(attempts=delivery.attempts + 1,
                                         next_attempt_at=now + CLAIM_LEASE)
    if not won:
        return None
    delivery.attempts += 1
    return delivery


def _still_public(delivery: WebhookDelivery) -> bool:
    """The item may have been archived or narrowed since the event: then nothing is sent."""

    model = {WebhookEvent.PAPER_PUBLISHED: Paper,
             WebhookEvent.MEETING_CONVENED: Meeting}.get(delivery.event)
    if model is None:
        return delivery.event == PING
    item = model.objects.filter(pk=delivery.payload.get("data", {}).get("id")).first()
    return item is not None and can_view(item, ANONYMOUS)


def _finish(delivery: WebhookDelivery, status: str, now: datetime.datetime,
            code: int | None = None, error: str = "") -> WebhookDelivery:
    delivery.status, delivery.last_status_code, delivery.last_error = status, code, error[:300]
    if status == Delivery.DELIVERED:
        delivery.delivered_at = now
    elif status == Delivery.PENDING:
        delivery.next_attempt_at = now + BACKOFF[delivery.attempts - 1]
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=delivery.status, last_status_code=code, last_error=delivery.last_error,
        delivered_at=delivery.delivered_at, next_attempt_at=delivery.next_attempt_at)
    if status == Delivery.PENDING:
        _queue([delivery])
    return delivery


def attempt_delivery(delivery_id: int, now: datetime.datetime | None = None,
                     send: Callable[[urllib.request.Request], int] = post
                     ) -> WebhookDelivery | None:
    """One attempt, if due and not taken by another worker (else None): POST the signed
    payload; a 2xx is delivered, anything else is retried after BACKOFF, then failed."""
    now = now or timezone.now()
    delivery = claim_delivery(delivery_id, now)
    if delivery is None:
        return None
    subscription = delivery.subscription
    refusal = None
    if not subscription.active or subscription.archived_at is not None:
        refusal = "the subscription was archived"
    elif not _still_public(delivery):
        refusal = "the item is no longer public"
    elif target_refusal(subscription.target_url):
        refusal = "the address is not allowed"
    if refusal:
        return _finish(delivery, Delivery.FAILED, now, error=refusal)
    body = json.dumps(delivery.payload, separators=(",", ":")).encode()
    timestamp = str(int(now.timestamp()))
    request = urllib.request.Request(subscription.target_url, data=body, method="POST", headers={
        "Content-Type": "application/json",
        "User-Agent": "Talanoa-Webhooks/1",
        "X-Talanoa-Event": delivery.event,
        "X-Talanoa-Delivery": str(delivery.pk),
        "X-Talanoa-Timestamp": timestamp,
        "X-Talanoa-Signature": signature(subscription.secret, timestamp, body),
    })
    code, error = None, _resolution_refusal(subscription.target_url) or ""
    if not error:
        try:
            code = send(request)
        except urllib.error.HTTPError as answer:
            code, error = answer.code, f"HTTP {answer.code}"
        except (urllib.error.URLError, OSError, ValueError) as problem:
            error = str(getattr(problem, "reason", problem)) or type(problem).__name__
    if code is not None and 200 <= code < 300:
        return _finish(delivery, Delivery.DELIVERED, now, code)
    if delivery.attempts >= MAX_ATTEMPTS:
        return _finish(delivery, Delivery.FAILED, now, code, error)
    return _finish(delivery, Delivery.PENDING, now, code, error)


def requeue_stalled_deliveries(now: datetime.datetime | None = None) -> int:
    """Queue again every pending delivery long overdue (one of the daily round's jobs, see
    api.apps). Queueing one twice is harmless: the attempt is claimed before it is made."""
    now = now or timezone.now()
    stalled = list(WebhookDelivery.objects.filter(
        status=Delivery.PENDING, next_attempt_at__lte=now - STALLED_AFTER).only(
        "pk", "next_attempt_at"))
    _queue(stalled)
    return len(stalled)
# --- end webhooks ---
