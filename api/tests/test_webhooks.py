"""Webhooks: a partner's receiver (a real HTTP server on 127.0.0.1) gets signed POSTs when a
public paper is published or a public meeting convened; failures are retried on the schedule,
then given up; a delivery is sent once however many workers run it; only a group's editors
manage subscriptions."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from api import operations, tasks
from api.models import WebhookDelivery, WebhookSubscription
from meetings import operations as meeting_operations
from meetings.models import Meeting
from members.models import Organisation
from papers import operations as paper_operations
from papers.models import Paper, PaperKind
from talanoa.tests.queries import count_queries

pytestmark = pytest.mark.django_db
MINUTE = datetime.timedelta(minutes=1)


class Receiver:
    """A partner's endpoint: records every request, answers with `status`."""

    def __init__(self) -> None:
        self.requests: list[tuple[dict[str, str], bytes]] = []
        self.status = 204
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.requests.append((dict(self.headers.items()), body))
                self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(settings):
    settings.WEBHOOK_LOCAL_HOSTS = ["127.0.0.1"]
    found = Receiver()
    yield found
    found.close()


@pytest.fixture
def subscribe(group, people):
    def make(url: str, events=("paper.published", "meeting.convened")):
        return operations.create_subscription(group, url, list(events), people["secretariat"])

    return make


def _publish(group, people, capture, level: str = "public") -> Paper:
    paper = Paper(group=group, level=level, kind=PaperKind.objects.get(slug="policy-brief"),
                  title_en=f"[{level}] Broadband prices", summary_en="Why prices stay high.",
                  lead_organisation=Organisation.objects.get(slug="spc"))
    paper_operations.create_paper(paper, people["secretariat"])
    Paper.objects.filter(pk=paper.pk).update(status=Paper.Status.CLEARED)
    paper.refresh_from_db()
    with capture(execute=True):
        paper_operations.publish_paper(paper, people["secretariat"])
    return paper


def _convene(group, people, capture, level: str) -> Meeting:
    start = timezone.now() + datetime.timedelta(days=40)
    meeting = Meeting(group=group, level=level, title_en=f"[{level}] Webhook meeting",
                      starts_at=start, ends_at=start + datetime.timedelta(hours=3),
                      time_zone="Pacific/Fiji", city="Suva")
    with capture(execute=True):
        meeting_operations.convene_meeting(meeting, people["chair"], invitees=[])
    return meeting


def _verifies(secret: str, headers: dict[str, str], body: bytes) -> bool:
    """What a partner does (docs/guide-partner-systems.md, "Webhooks")."""
    signed = headers["X-Talanoa-Timestamp"].encode() + b"." + body
    expected = "sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, headers["X-Talanoa-Signature"])


def test_a_published_public_paper_is_posted_signed_to_the_subscriber(
        receiver, subscribe, group, people, run_worker, django_capture_on_commit_callbacks):
    subscription, secret = subscribe(receiver.url)
    paper = _publish(group, people, django_capture_on_commit_callbacks)
    run_worker()
    assert len(receiver.requests) == 1
    headers, body = receiver.requests[0]
    delivery = WebhookDelivery.objects.get(subscription=subscription)
    assert headers["X-Talanoa-Event"] == "paper.published"
    assert headers["X-Talanoa-Delivery"] == str(delivery.pk)
    assert headers["Content-Type"] == "application/json"
    assert _verifies(secret, headers, body)
    assert not _verifies(secret, headers, body.replace(b"Broadband", b"Narrowband"))
    assert not _verifies("whsec_another", headers, body)
    payload = json.loads(body)
    assert payload["event"] == "paper.published" and payload["id"]
    assert datetime.datetime.fromisoformat(payload["occurred_at"]) == Paper.objects.get(
        pk=paper.pk).published_at
    assert payload["data"]["id"] == paper.pk
    assert payload["data"]["title_en"] == "[public] Broadband prices"
    assert payload["data"]["url"].endswith(f"/papers/{paper.pk}/")
    assert payload["data"]["api_url"].endswith(f"/api/papers/{paper.pk}")
    assert "body_en" not in payload["data"]
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (
        "delivered", 1, 204)
    assert delivery.delivered_at is not None


def test_a_public_meeting_convened_is_posted_and_a_members_level_one_is_not(
        receiver, subscribe, group, people, run_worker, django_capture_on_commit_callbacks):
    __, secret = subscribe(receiver.url, events=["meeting.convened"])
    papers_only, __ = subscribe(receiver.url, events=["paper.published"])
    _convene(group, people, django_capture_on_commit_callbacks, "members")
    public = _convene(group, people, django_capture_on_commit_callbacks, "public")
    run_worker()
    assert len(receiver.requests) == 1
    headers, body = receiver.requests[0]
    assert _verifies(secret, headers, body)
    payload = json.loads(body)
    assert payload["event"] == "meeting.convened"
    assert payload["data"]["id"] == public.pk
    assert payload["data"]["api_url"].endswith(f"/api/meetings/{public.pk}")
    assert b"[members]" not in body
    assert not papers_only.deliveries.exists()
    assert WebhookDelivery.objects.count() == 1


def test_a_members_level_paper_publishes_nothing(
        receiver, subscribe, group, people, run_worker, django_capture_on_commit_callbacks):
    subscribe(receiver.url)
    paper = _publish(group, people, django_capture_on_commit_callbacks)
    members = Paper.objects.get(pk=paper.pk)
    members.level = Paper.Level.MEMBERS
    members.save()
    # Whatever calls the hook, a paper anonymous readers cannot see makes no delivery …
    assert operations.paper_published(members) == []
    # … and the one queued while it was public is withheld at send time.
    run_worker()
    assert receiver.requests == []
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.last_error) == ("failed", "the item is no longer public")


def test_a_failing_receiver_is_retried_on_schedule_then_fails(
        receiver, subscribe, group, people, run_worker, django_capture_on_commit_callbacks):
    receiver.status = 500
    subscribe(receiver.url)
    _publish(group, people, django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get()
    at = delivery.next_attempt_at
    # The worker makes the first attempt now, and queues the next for a minute later.
    with django_capture_on_commit_callbacks(execute=True):
        run_worker()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("pending", 1, 500)
    assert delivery.next_attempt_at > timezone.now()
    queued = DBTaskResult.objects.filter(task_path=tasks.deliver_webhook.module_path,
                                         status="READY")
    assert [t.run_after for t in queued] == [delivery.next_attempt_at]
    run_worker()  # not due yet: nothing sent
    assert len(receiver.requests) == 1
    # The later attempts, each at its time (and not a second before).
    at = delivery.next_attempt_at
    for number, wait in enumerate((*operations.BACKOFF[1:], None), start=2):
        assert operations.attempt_delivery(delivery.pk, now=at - datetime.timedelta(
            seconds=1)) is None
        delivery = operations.attempt_delivery(delivery.pk, now=at)
        assert delivery.attempts == number
        if wait is None:
            break
        assert (delivery.status, delivery.next_attempt_at) == ("pending", at + wait)
        at = delivery.next_attempt_at
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (
        "failed", operations.MAX_ATTEMPTS, 500)
    assert len(receiver.requests) == operations.MAX_ATTEMPTS == 6
    assert {h["X-Talanoa-Delivery"] for h, __ in receiver.requests} == {str(delivery.pk)}
    assert operations.attempt_delivery(delivery.pk, now=at + datetime.timedelta(days=9)) is None
    assert len(receiver.requests) == 6


def test_a_receiver_that_is_down_is_retried(subscribe, settings, group, people,
                                            django_capture_on_commit_callbacks):
    settings.WEBHOOK_LOCAL_HOSTS = ["127.0.0.1"]
    closed = Receiver()
    url = closed.url
    closed.close()
    subscribe(url)
    _publish(group, people, django_capture_on_commit_callbacks)
    delivery = operations.attempt_delivery(WebhookDelivery.objects.get().pk,
                                           now=timezone.now() + MINUTE)
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("pending", 1, None)
    assert delivery.last_error


def test_two_workers_do_not_deliver_twice(
        receiver, subscribe, group, people, run_worker, django_capture_on_commit_callbacks):
    subscribe(receiver.url)
    _publish(group, people, django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get()
    # The same delivery queued twice (a second worker, a task run again): one POST.
    tasks.deliver_webhook.enqueue(delivery.pk)
    run_worker()
    assert len(receiver.requests) == 1
    assert WebhookDelivery.objects.get().attempts == 1
    # The claim itself: of two workers that read the delivery as due, one wins.
    receiver.status = 500
    now = timezone.now() + datetime.timedelta(hours=1)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(status="pending", next_attempt_at=now)
    first = operations.claim_delivery(delivery.pk, now)
    assert first is not None and first.attempts == 2
    assert operations.claim_delivery(delivery.pk, now) is None
    # A worker that died mid-attempt: its claim lapses, and the attempt can be made again.
    assert operations.claim_delivery(delivery.pk, now + operations.CLAIM_LEASE) is not None


def test_an_address_that_resolves_to_a_private_one_is_not_called(subscribe, group, people,
                                                                 settings):
    settings.WEBHOOK_LOCAL_HOSTS = []
    settings.DEBUG = False
    subscription, __ = subscribe("https://localhost:9/hook")  # a name, so allowed on the form
    delivery = operations.send_ping(subscription)

    def never(request):
        raise AssertionError("must not be called")

    delivery = operations.attempt_delivery(delivery.pk, send=never)
    assert delivery.status == "pending" and "non-public" in delivery.last_error


@pytest.mark.parametrize(("url", "allowed"), [
    ("https://partner.example.org/hook", True),
    ("http://partner.example.org/hook", False),
    ("ftp://partner.example.org/hook", False),
    ("file:///etc/passwd", False),
    ("https://user:pw@partner.example.org/hook", False),
    ("https://10.0.0.5/hook", False),
    ("https://169.254.169.254/latest", False),
    ("https://[::1]/hook", False),
    ("http://127.0.0.1:8123/hook", False),
])
def test_only_public_https_addresses_are_accepted(settings, url, allowed):
    settings.WEBHOOK_LOCAL_HOSTS = []
    settings.DEBUG = False
    assert (operations.target_refusal(url) is None) is allowed


def test_a_local_host_is_allowed_over_http_only_when_the_settings_say_so(settings):
    settings.DEBUG = False
    settings.WEBHOOK_LOCAL_HOSTS = ["127.0.0.1"]
    assert operations.target_refusal("http://127.0.0.1:8123/hook") is None
    assert operations.target_refusal("http://partner.example.org/hook") is not None


def test_the_secretariat_subscribes_pings_and_archives(
        client_for, receiver, group, people, run_worker, django_capture_on_commit_callbacks):
    client = client_for("secretariat")
    url = reverse("webhooks:group", args=[group.slug])
    refused = client.post(url, {"target_url": "http://partner.example.org/hook",
                                "events": ["paper.published"]})
    assert refused.status_code == 400 and not WebhookSubscription.objects.exists()
    response = client.post(url, {"target_url": receiver.url,
                                 "events": ["paper.published", "meeting.convened"]})
    assert response.status_code == 201
    subscription = WebhookSubscription.objects.get()
    assert subscription.secret.startswith("whsec_")
    assert subscription.secret in response.content.decode()
    assert subscription.created_by == people["secretariat"]
    assert subscription.events == ["paper.published", "meeting.convened"]
    page = client.get(url).content.decode()
    assert receiver.url in page and subscription.secret not in page  # shown once
    assert group.slug in client.get(reverse("webhooks:index")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("webhooks:ping", args=[subscription.pk])).status_code == 302
    run_worker()
    headers, body = receiver.requests[0]
    assert headers["X-Talanoa-Event"] == "ping" and _verifies(subscription.secret, headers, body)
    assert "delivered" in client.get(url).content.decode()
    assert client.post(reverse("webhooks:archive", args=[subscription.pk])).status_code == 302
    subscription.refresh_from_db()
    assert subscription.archived_at is not None and not subscription.active
    assert client.post(reverse("webhooks:ping", args=[subscription.pk])).status_code == 404
    _publish(group, people, django_capture_on_commit_callbacks)
    assert not WebhookDelivery.objects.filter(event="paper.published").exists()


@pytest.mark.parametrize(("standing", "codes"), [
    ("anonymous", {302}), ("outsider", {404}), ("observer", {403}), ("member", {403})])
def test_others_cannot_see_or_change_subscriptions(client_for, subscribe, group, standing,
                                                   codes):
    subscription, __ = subscribe("https://partner.example.org/hook")
    client = client_for(standing)
    assert client.get(reverse("webhooks:group", args=[group.slug])).status_code in codes
    assert client.get(reverse("webhooks:index")).status_code in codes | {404}
    for name in ("webhooks:ping", "webhooks:archive"):
        assert client.post(reverse(name, args=[subscription.pk])).status_code in codes
    assert client.post(reverse("webhooks:group", args=[group.slug]), {
        "target_url": "https://evil.example.org/", "events": ["paper.published"]}
    ).status_code in codes
    subscription.refresh_from_db()
    assert subscription.archived_at is None and not subscription.deliveries.exists()
    assert WebhookSubscription.objects.count() == 1


def test_the_page_queries_stay_constant_as_deliveries_grow(client_for, subscribe, group):
    subscription, __ = subscribe("https://partner.example.org/hook")
    client = client_for("secretariat")
    url = reverse("webhooks:group", args=[group.slug])
    operations.send_ping(subscription)
    before = count_queries(client, url)
    for n in range(5):
        operations.send_ping(subscribe(f"https://partner{n}.example.org/hook")[0])
    assert count_queries(client, url) == before


def test_a_delivery_whose_task_was_lost_is_queued_again_by_the_daily_round(
        receiver, subscribe, run_worker, django_capture_on_commit_callbacks):
    from talanoa.daily import DAILY_JOBS

    assert operations.requeue_stalled_deliveries in DAILY_JOBS
    subscription, secret = subscribe(receiver.url)
    lost = operations.send_ping(subscription)  # queued on commit: never, in this test
    WebhookDelivery.objects.filter(pk=lost.pk).update(
        next_attempt_at=timezone.now() - datetime.timedelta(hours=1))
    recent = operations.send_ping(subscription)
    assert not DBTaskResult.objects.filter(task_path=tasks.deliver_webhook.module_path).exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert operations.requeue_stalled_deliveries() == 1
    run_worker()
    assert [h["X-Talanoa-Delivery"] for h, __ in receiver.requests] == [str(lost.pk)]
    assert _verifies(secret, *receiver.requests[0])
    assert WebhookDelivery.objects.get(pk=recent.pk).status == "pending"
