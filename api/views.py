"""A person's API tokens, on their own settings: create (the secret is shown once), revoke.
The secretariat's webhook subscriptions (at /webhooks/, outside the JSON API's prefix)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from api import operations
from api.forms import TokenForm, WebhookSubscriptionForm
from api.models import ApiToken, WebhookDelivery, WebhookEvent, WebhookSubscription
from members.models import WorkingGroup
from talanoa.access import require_editor, require_group_editor, viewer_for


def _require_person(request: HttpRequest):
    viewer = viewer_for(request)
    if viewer.person_id is None:
        raise Http404
    return viewer


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    _require_person(request)
    mine = ApiToken.objects.filter(user=request.user)
    form = TokenForm(request.POST or None, active=mine.filter(revoked_at__isnull=True).count())
    secret = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            __, secret = operations.create_token(request.user, form.cleaned_data["name"])
            form = TokenForm(active=0)
            status = 201
        else:
            status = 400
    return render(request, "api/tokens.html", {"form": form, "tokens": mine, "secret": secret},
                  status=status)


@require_POST
@login_required
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    _require_person(request)
    token = ApiToken.objects.filter(pk=pk, user=request.user).first()
    if token is None:
        raise Http404
    if operations.revoke_token(token):
        messages.success(request, _("Token “%(name)s” revoked: it no longer works.")
                         % {"name": token.name})
    return redirect("tokens:tokens")


# --- webhooks: the secretariat's subscriptions for partner systems ---
RECENT_DELIVERIES = 30


@never_cache
@login_required
def webhooks_index(request: HttpRequest) -> HttpResponse:
    """The groups whose webhooks the viewer manages (a group's chair and secretariat)."""
    viewer = require_editor(request)
    groups = WorkingGroup.objects.order_by("name_en")
    if not viewer.is_superuser:
        groups = groups.filter(pk__in=viewer.editor_groups)
    groups = groups.annotate(subscriptions=Count(
        "webhook_subscriptions", filter=Q(webhook_subscriptions__archived_at__isnull=True)))
    return render(request, "api/webhooks_index.html", {"groups": groups})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def webhooks_group(request: HttpRequest, slug: str) -> HttpResponse:
    group = get_object_or_404(WorkingGroup, slug=slug)
    require_group_editor(request, group)
    form = WebhookSubscriptionForm(request.POST or None)
    secret, status = None, 200
    if request.method == "POST":
        if form.is_valid():
            __, secret = operations.create_subscription(
                group, form.cleaned_data["target_url"], form.cleaned_data["events"],
                request.user)
            form, status = WebhookSubscriptionForm(), 201
        else:
            status = 400
    subscriptions = WebhookSubscription.objects.filter(group=group)
    deliveries = (WebhookDelivery.objects.filter(subscription__group=group)
                  .select_related("subscription")[:RECENT_DELIVERIES])
    return render(request, "api/webhooks.html", {
        "group": group, "form": form, "secret": secret, "subscriptions": subscriptions,
        "deliveries": deliveries, "event_labels": dict(WebhookEvent.choices)}, status=status)


def _subscription_for_editor(request: HttpRequest, pk: int) -> WebhookSubscription:
    subscription = get_object_or_404(WebhookSubscription.objects.select_related("group"), pk=pk)
    require_group_editor(request, subscription.group)
    return subscription


@require_POST
@login_required
def webhook_ping(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = _subscription_for_editor(request, pk)
    if subscription.archived_at is not None:
        raise Http404
    operations.send_ping(subscription)
    messages.success(request, _("A test event was queued: its result appears under "
                                "“Recent deliveries” once sent."))
    return redirect("webhooks:group", slug=subscription.group.slug)


@require_POST
@login_required
def webhook_archive(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = _subscription_for_editor(request, pk)
    if operations.archive_subscription(subscription):
        messages.success(request, _("Subscription archived: nothing more is sent to %(url)s.")
                         % {"url": subscription.target_url})
    return redirect("webhooks:group", slug=subscription.group.slug)
# --- end webhooks ---
