"""Pages of the work programme: small function views that ask the access policy first, then
call operations."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, Value, When
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from advisory import operations
from members.models import Country, Organisation, WorkingGroup
from papers.models import Paper
from talanoa.access import (
    get_item_for_user,
    grant_item,
    require_editor,
    require_member,
    viewer_for,
    visible,
)
from talanoa.lib.editing import conflict_rows, form_status, save_form_versioned
from talanoa.lib.exports import (
    Column,
    export_format,
    export_response,
    iso,
    short,
    url_column,
)
from talanoa.lib.files import download
from talanoa.ratelimit import by_user, rate_limited

logger = logging.getLogger(__name__)


# Restricted by default: every page asks the policy for the request first (404 to anyone it does
# not name), and a ministry contact without an account reads their own request only, through a
# signed link that grants it to their browser session (talanoa.access.grant_item).

ADVISORY_LIST_LIMIT = 100
_URGENCY_RANK = Case(When(urgency="urgent", then=Value(0)), When(urgency="soon", then=Value(1)),
                     default=Value(2), output_field=IntegerField())


def _advisory_groups(viewer) -> set[int]:
    if viewer.is_superuser:
        return set(WorkingGroup.objects.current().values_list("pk", flat=True))
    return set(viewer.member_groups) | set(viewer.editor_groups)


def _can_respond(advisory, viewer) -> bool:
    return (viewer.edits(advisory.group_id)
            or (viewer.person_id is not None and viewer.person_id == advisory.assigned_person_id)
            or (advisory.assigned_organisation_id is not None
                and advisory.assigned_organisation_id in viewer.org_ids))


def _can_withdraw(advisory, viewer) -> bool:
    return viewer.edits(advisory.group_id) or (
        viewer.person_id is not None and viewer.person_id == advisory.requester_person_id)


@login_required
@require_GET
def advisory_list(request: HttpRequest) -> HttpResponse:
    """The requests the viewer may see (the secretariat's worklist): urgent and oldest first."""
    from advisory.forms import AdvisoryFilterForm
    from advisory.models import AdvisoryRequest

    viewer = viewer_for(request)
    form = AdvisoryFilterForm(request.GET or None)
    filters = form.filters()
    requests = visible(AdvisoryRequest.objects.filter(archived_at__isnull=True)
                       .select_related("country", "organisation", "assigned_organisation"),
                       viewer)
    status = filters.get("status")
    if status == "open":
        requests = requests.filter(status__in=AdvisoryRequest.OPEN_STATUSES)
    elif status in AdvisoryRequest.Status.values:
        requests = requests.filter(status=status)
    if urgency := filters.get("urgency"):
        requests = requests.filter(urgency=urgency)
    if country := filters.get("country"):
        requests = requests.filter(country=country)
    requests = requests.order_by(_URGENCY_RANK, "received_at", "pk")
    if fmt := export_format(request):
        return _advisory_export(request, requests, fmt)
    rows = list(requests[:ADVISORY_LIST_LIMIT + 1])
    groups = _advisory_groups(viewer)
    return render(request, "advisory/advisory_list.html", {
        "form": form, "requests": rows[:ADVISORY_LIST_LIMIT],
        "more": len(rows) > ADVISORY_LIST_LIMIT, "viewer": viewer,
        "can_file": bool(groups), "can_invite": viewer.is_editor,
        "figures_group": _figures_group(viewer)})


def _advisory_export(request: HttpRequest, requests, fmt: str) -> HttpResponse:
    return export_response(request, "advisory-requests", [
        Column("id", lambda r: r.pk),
        Column(_("Topic (English)"), lambda r: r.title_en),
        Column(_("Topic (French)"), lambda r: r.title_fr),
        Column(_("Status"), lambda r: r.get_status_display()),
        Column(_("Urgency"), lambda r: r.get_urgency_display()),
        Column(_("Country"), lambda r: r.country.iso3 if r.country else None),
        Column(_("From"), lambda r: r.requester_label),
        Column(_("Assigned to"), lambda r: short(r.assigned_organisation)),
        Column(_("Wanted by"), lambda r: iso(r.wanted_by)),
        Column(_("Received"), lambda r: iso(r.received_at)),
        Column(_("First response"), lambda r: iso(r.first_response_at)),
        Column(_("Closed"), lambda r: iso(r.closed_at)),
        Column(_("Level"), lambda r: r.get_level_display()),
        url_column(request),
    ], requests, fmt)


def _figures_group(viewer):
    """The group whose figures the list links to: the default group, if the viewer counts."""
    from django.conf import settings


    group = WorkingGroup.objects.filter(slug=settings.DEFAULT_GROUP_SLUG).first()
    return group if group is not None and viewer.sees_members_level(group.pk) else None


def _advisory_context(request: HttpRequest, advisory, **forms_given) -> dict:
    from advisory.forms import AssignForm, NoteForm, RespondForm, TriageForm
    from advisory.models import AdvisoryRequest

    viewer = viewer_for(request)
    editor = viewer.edits(advisory.group_id)
    transitions = list(advisory.transitions.select_related("by"))
    # The secretariat's notes at triage and assignment are for the people the request names;
    # why it was declined, withdrawn or closed is for the requester too (a session's reader).
    for transition in transitions:
        transition.shown_reason = transition.reason if (
            viewer.is_authenticated or transition.to_status in AdvisoryRequest.ENDED_STATUSES
        ) else ""
    responses = list(advisory.responses.select_related("by_organisation"))
    # Linked papers: only those the reader may see (a ministry contact sees public ones).
    papers = list(visible(Paper.objects.filter(advisory_requests=advisory), viewer)
                  .filter(archived_at__isnull=True).order_by("pk"))
    context = {"advisory": advisory, "viewer": viewer, "editor": editor,
               "transitions": transitions, "responses": responses, "papers": papers,
               "named_view": viewer.is_authenticated}
    if advisory.archived_at is None:
        status = advisory.status
        if editor and status == "received":
            context["triage_form"] = forms_given.get("triage") or TriageForm(
                initial={"urgency": advisory.urgency}, prefix="triage")
        if editor and status in ("triaged", "assigned"):
            context["assign_form"] = forms_given.get("assign") or AssignForm(
                group=advisory.group, prefix="assign", initial={
                    "organisation": advisory.assigned_organisation_id,
                    "person": advisory.assigned_person_id})
        if _can_respond(advisory, viewer) and status in ("triaged", "assigned", "answered"):
            context["respond_form"] = forms_given.get("respond") or RespondForm(viewer=viewer,
                                                                                prefix="respond")
        if editor and status == "answered":
            context["close_form"] = forms_given.get("close") or NoteForm(prefix="close")
        if editor and status in ("received", "triaged", "assigned"):
            context["decline_form"] = forms_given.get("decline") or NoteForm(
                required=True, prefix="decline")
        if _can_withdraw(advisory, viewer) and status in ("received", "triaged", "assigned"):
            context["withdraw_form"] = forms_given.get("withdraw") or NoteForm(prefix="withdraw")
    return context


def _advisory_item(request: HttpRequest, pk: int, write: bool = False):
    from advisory.models import AdvisoryRequest

    return get_item_for_user(request, AdvisoryRequest.objects.select_related(
        "group", "country", "organisation", "requester_person", "assigned_organisation",
        "assigned_person").prefetch_related("restricted_organisations", "restricted_people"),
        pk, write=write)


@require_GET
def advisory_detail(request: HttpRequest, pk: int) -> HttpResponse:
    advisory = _advisory_item(request, pk)
    return render(request, "advisory/advisory_detail.html", _advisory_context(request, advisory))


@login_required
@require_http_methods(["GET", "POST"])
def advisory_new(request: HttpRequest) -> HttpResponse:
    """A representative of an organisation of the group files a request."""
    from advisory import operations
    from advisory.forms import MemberAdvisoryForm
    from advisory.models import AdvisoryRequest

    viewer = viewer_for(request)
    groups = _advisory_groups(viewer)
    if not groups or viewer.person_id is None:
        raise Http404
    organisations = (set(Organisation.objects.current().values_list("pk", flat=True))
                     if viewer.is_editor else set(viewer.org_ids))
    person = request.user.person
    initial = {"organisation": person.organisation_id
               if person.organisation_id in organisations else None}
    form = MemberAdvisoryForm(request.POST or None, groups=groups, organisations=organisations,
                              initial=initial, instance=AdvisoryRequest())
    if request.method == "POST" and form.is_valid():
        advisory = form.save(commit=False)
        advisory.requester_person = person
        advisory.requester_name = person.name
        advisory.requester_email = person.email or request.user.email
        advisory.language = person.language
        advisory.channel = AdvisoryRequest.Channel.MEMBER
        operations.file_request(advisory, request.user)
        messages.success(request, _("Your request is received. The secretariat will triage "
                                    "it."))
        return redirect(advisory)
    return render(request, "advisory/advisory_form.html",
                  {"form": form, "heading": _("Request advice")},
                  status=400 if form.is_bound else 200)


@login_required
@require_http_methods(["GET", "POST"])
def advisory_edit(request: HttpRequest, pk: int) -> HttpResponse:
    from advisory.forms import AdvisoryEditForm

    advisory = _advisory_item(request, pk, write=True)
    viewer = viewer_for(request)
    form = AdvisoryEditForm(request.POST or None, instance=advisory, viewer=viewer)

    def save(form):
        return operations.save_advisory(form.save(commit=False),
                                        form.cleaned_data.get("expected_version"),
                                        papers=form.cleaned_data["paper_addresses"])

    if (saved := save_form_versioned(request, form, save)) is not None:
        messages.success(request, _("Saved."))
        return redirect(saved)
    return render(request, "talanoa/record_form.html", {
        "form": form, "heading": _("Edit the advisory request"),
        "conflict_rows": conflict_rows(form), "cancel_url": advisory.get_absolute_url(),
        "history_url": reverse("history:object", args=["advisory.advisoryrequest", advisory.pk])},
        status=form_status(form))


@require_POST
@login_required
def advisory_step(request: HttpRequest, pk: int) -> HttpResponse:
    """Triage, assign, respond, close, decline, withdraw, archive and restore. A form with
    errors comes back on the request's page (400); a stale page changes nothing."""
    from advisory.forms import AssignForm, NoteForm, RespondForm, TriageForm

    advisory = _advisory_item(request, pk)
    viewer = viewer_for(request)
    action = request.POST.get("action", "")
    editor = viewer.edits(advisory.group_id)
    allowed = {"triage": editor, "assign": editor, "close": editor, "decline": editor,
               "archive": editor, "restore": editor,
               "respond": _can_respond(advisory, viewer),
               "withdraw": _can_withdraw(advisory, viewer)}
    if not allowed.get(action, False):
        if action in allowed:
            raise PermissionDenied
        messages.error(request, _("Unknown step."))
        return redirect(advisory)
    try:
        expected = int(request.POST.get("expected_version", ""))
    except ValueError:
        expected = -1
    if expected != advisory.version:
        messages.error(request, _("Someone changed this request in the meantime: check it, "
                                  "then try again."))
        return redirect(advisory)
    # Each step's form has its own prefix: several are on the page at once.
    forms_map = {"triage": lambda: TriageForm(request.POST, prefix="triage"),
                 "assign": lambda: AssignForm(request.POST, group=advisory.group,
                                              prefix="assign"),
                 "respond": lambda: RespondForm(request.POST, request.FILES, viewer=viewer,
                                                prefix="respond"),
                 "close": lambda: NoteForm(request.POST, prefix="close"),
                 "decline": lambda: NoteForm(request.POST, required=True, prefix="decline"),
                 "withdraw": lambda: NoteForm(request.POST, prefix="withdraw")}
    try:
        if action in ("archive", "restore"):
            operations.archive_advisory(advisory, action == "archive")
            messages.success(request, _("Done."))
            return redirect(advisory)
        form = forms_map[action]()
        if not form.is_valid():
            return render(request, "advisory/advisory_detail.html",
                          _advisory_context(request, advisory, **{action: form}), status=400)
        data = form.cleaned_data
        if action == "triage":
            operations.triage(advisory, request.user, expected, data["urgency"], data["note"])
        elif action == "assign":
            operations.assign(advisory, request.user, expected, data["organisation"],
                              data["person"], data["note"])
        elif action == "respond":
            org = advisory.assigned_organisation if (
                advisory.assigned_organisation_id in viewer.org_ids or (
                    advisory.assigned_person_id and
                    advisory.assigned_person_id == viewer.person_id)) else None
            operations.respond(advisory, request.user, expected, data["text"], data["file"],
                               data["paper_addresses"], organisation=org)
        elif action == "close":
            operations.close(advisory, request.user, expected, data["note"])
        elif action == "decline":
            operations.decline(advisory, request.user, expected, data["note"])
        else:
            operations.withdraw(advisory, request.user, expected, data["note"])
    except operations.AdvisoryRefused as exc:
        messages.error(request, _(str(exc)))
    else:
        messages.success(request, _("Done."))
    return redirect(advisory)


@require_GET
def advisory_response_file(request: HttpRequest, pk: int, response_pk: int) -> FileResponse:
    from advisory.models import AdvisoryResponse

    advisory = _advisory_item(request, pk)
    record = get_object_or_404(AdvisoryResponse, pk=response_pk, advisory=advisory)
    if not record.file:
        raise Http404
    response = download(record.file, record.file_name, of=advisory)
    return response


@login_required
@require_http_methods(["GET", "POST"])
@rate_limited("invitations", "INVITATION_RATE", key=by_user)
def advisory_invite(request: HttpRequest) -> HttpResponse:
    """The secretariat invites a ministry's contact to file a request (a signed link)."""
    from advisory import operations
    from advisory.forms import AdvisoryInviteForm

    viewer = require_editor(request)
    groups = (set(WorkingGroup.objects.current().values_list("pk", flat=True))
              if viewer.is_superuser else set(viewer.editor_groups))
    form = AdvisoryInviteForm(request.POST or None, groups=groups)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        operations.invite_ministry(data["email"], data["name"], data["ministry"],
                                   data["country"], data["group"], request.user,
                                   language=data["language"], message=data["message"])
        messages.success(request, _("Invitation sent to %(email)s.") % {"email": data["email"]})
        return redirect("advisory:advisory_list")
    return render(request, "advisory/advisory_form.html",
                  {"form": form, "heading": _("Invite a ministry to request advice"),
                   "button": _("Send the invitation")},
                  status=400 if form.is_bound else 200)


def _bad_link(request: HttpRequest, expired: bool) -> HttpResponse:
    return render(request, "advisory/advisory_link_invalid.html", {"expired": expired},
                  status=410 if expired else 400)


@require_http_methods(["GET", "POST"])
@rate_limited("advisory-ministry", "PUBLIC_FORM_RATE")
def advisory_ministry(request: HttpRequest, token: str) -> HttpResponse:
    """An invited ministry's contact files a request; the signed link proves their address."""
    from django.core import signing

    from advisory import operations
    from advisory.forms import MinistryAdvisoryForm
    from advisory.models import AdvisoryRequest

    try:
        data = operations.read_intake_token(token)
    except signing.SignatureExpired:
        return _bad_link(request, expired=True)
    except signing.BadSignature:
        return _bad_link(request, expired=False)
    group = WorkingGroup.objects.current().filter(pk=data.get("g")).first()
    country = Country.objects.filter(pk=data.get("c")).first()
    if group is None or country is None:
        return _bad_link(request, expired=False)
    form = MinistryAdvisoryForm(request.POST or None, instance=AdvisoryRequest(), initial={
        "requester_name": data.get("n", ""), "ministry": data.get("m", "")})
    if request.method == "POST" and form.is_valid():
        advisory = form.save(commit=False)
        advisory.group, advisory.country = group, country
        advisory.requester_email = data["e"]
        advisory.language = data.get("l") if data.get("l") in ("en", "fr") else "en"
        advisory.channel = AdvisoryRequest.Channel.MINISTRY
        operations.file_request(advisory, request.user)
        grant_item(request, advisory)
        messages.success(request, _("Your request is received. We have sent you an email with "
                                    "a link to follow it."))
        return redirect(advisory)
    return render(request, "advisory/advisory_ministry.html",
                  {"form": form, "email": data["e"], "country": country, "group": group},
                  status=400 if form.is_bound else 200)


@require_GET
def advisory_read(request: HttpRequest, token: str) -> HttpResponse:
    """The requester's signed link: this browser session may read this one request."""
    from django.core import signing

    from advisory.models import AdvisoryRequest

    try:
        data = operations.read_read_token(token)
    except signing.SignatureExpired:
        return _bad_link(request, expired=True)
    except signing.BadSignature:
        return _bad_link(request, expired=False)
    advisory = AdvisoryRequest.objects.filter(pk=data.get("r"), archived_at__isnull=True,
                                              requester_email=data.get("e")).first()
    if advisory is None:
        raise Http404
    grant_item(request, advisory)
    return advisory_detail(request, advisory.pk)


@login_required
@require_GET
def advisory_figures(request: HttpRequest) -> HttpResponse:
    """Per quarter: received, answered, closed, time to first response and to close. Counts
    only: no request is named, so the group's members may read it."""
    from django.conf import settings

    from advisory.models import AdvisoryRequest
    from advisory.operations import quarterly_figures

    group = get_object_or_404(WorkingGroup, slug=request.GET.get("group")
                              or settings.DEFAULT_GROUP_SLUG)
    require_member(request, group)
    rows = list(AdvisoryRequest.objects.filter(group=group, archived_at__isnull=True)
                .values_list("received_at", "first_response_at", "closed_at"))
    return render(request, "advisory/advisory_figures.html", {
        "group": group, "quarters": quarterly_figures(rows),
        "open_now": sum(1 for _r, _f, closed in rows if closed is None)})
