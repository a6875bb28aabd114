"""Pages of the work programme: small function views that ask the access policy first, then
call operations."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import (
    Case,
    Count,
    IntegerField,
    Q,
    Subquery,
    Value,
    When,
)
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from directory import operations
from directory.forms import (
    EngagementLogForm,
    FocalPointForm,
    JoinRequestStepForm,
    OrganisationProfileForm,
    TakePartForm,
)
from directory.models import EngagementLogEntry, FocalPoint, JoinRequest, OrganisationProfile
from members.models import (
    Membership,
    Organisation,
    Representative,
)
from members.shortcuts import default_group
from papers.models import Tag
from talanoa.access import (
    require_group_editor,
    viewer_for,
    visible,
)
from talanoa.lib.editing import conflict_rows, form_status, save_form_versioned
from talanoa.lib.exports import (
    Column,
    export_format,
    export_response,
    iso,
    url_column,
)
from talanoa.ratelimit import rate_limited

logger = logging.getLogger(__name__)


LOG_ON_PAGE = 20
JOIN_REQUESTS_ON_PAGE = 50


def organisation_directory_context(request: HttpRequest, organisation) -> dict:
    """What the work programme adds to an organisation's page in the members directory: its ICT
    areas (public), its focal points (the group's members), its engagement log (per level).
    A constant number of queries."""
    viewer = viewer_for(request)
    group = default_group()
    areas = [row.tag for row in OrganisationProfile.areas.through.objects
             .filter(organisationprofile__organisation=organisation)
             .select_related("tag").order_by("tag__order", "tag__code")]
    sees_members = viewer.sees_members_level(group.pk)
    focal_points = (list(FocalPoint.objects.current().filter(organisation=organisation)
                         .select_related("person", "area")) if sees_members else [])
    log = []
    if viewer.is_authenticated:
        log = list(visible(EngagementLogEntry.objects.filter(organisation=organisation),
                           viewer).select_related("by").order_by("-date", "-pk")[:LOG_ON_PAGE])
    return {"areas": areas, "focal_points": focal_points, "log": log,
            "log_is_full": len(log) == LOG_ON_PAGE, "sees_members": sees_members,
            "can_edit": viewer.edits(group.pk), "group": group}


def directory_area_filter(request: HttpRequest) -> tuple[list, Tag | None]:
    """The ICT areas the directory can be filtered by, and the one asked for (`?area=code`)."""
    areas = list(Tag.objects.filter(kind=Tag.Kind.AREA).order_by("order", "code"))
    code = request.GET.get("area")
    return areas, next((area for area in areas if area.code == code), None)


def _organisation(slug: str) -> Organisation:
    return get_object_or_404(Organisation.objects.current(), slug=slug)


def _editors_only(request: HttpRequest, group) -> None:
    """The group's chair and secretariat; anyone else is told nothing exists (404)."""
    if not viewer_for(request).edits(group.pk):
        raise Http404


@login_required
@require_http_methods(["GET", "POST"])
def organisation_profile_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """The organisation's ICT areas, set by the group's editors."""
    organisation = _organisation(slug)
    require_group_editor(request, default_group())
    profile = (OrganisationProfile.objects.filter(organisation=organisation).first()
               or OrganisationProfile(organisation=organisation))
    form = OrganisationProfileForm(request.POST or None, instance=profile)
    saved = save_form_versioned(request, form, operations.save_organisation_profile)
    if saved is not None:
        messages.success(request, _("Saved."))
        return redirect(organisation)
    return render(request, "talanoa/record_form.html", {
        "form": form, "conflict_rows": conflict_rows(form),
        "heading": _("ICT areas of %(organisation)s") % {"organisation": organisation.short},
        "cancel_url": organisation.get_absolute_url()}, status=form_status(form))


@login_required
@require_http_methods(["GET", "POST"])
def focal_point_new(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _organisation(slug)
    require_group_editor(request, default_group())
    form = FocalPointForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        operations.add_focal_point(organisation, form)
        messages.success(request, _("Saved."))
        return redirect(organisation)
    return render(request, "talanoa/record_form.html", {
        "form": form, "cancel_url": organisation.get_absolute_url(),
        "heading": _("New focal point of %(organisation)s") % {
            "organisation": organisation.short}}, status=400 if form.errors else 200)


@require_POST
@login_required
def focal_point_archive(request: HttpRequest, pk: int) -> HttpResponse:
    focal_point = get_object_or_404(FocalPoint.objects.select_related("organisation"), pk=pk)
    require_group_editor(request, default_group())
    operations.archive_focal_point(focal_point)
    messages.success(request, _("The focal point is archived."))
    return redirect(focal_point.organisation)


@login_required
@require_http_methods(["GET", "POST"])
def engagement_log_new(request: HttpRequest, slug: str) -> HttpResponse:
    """A note of a contact with the organisation, in the group's engagement log."""
    organisation = _organisation(slug)
    group = default_group()
    require_group_editor(request, group)
    form = EngagementLogForm(request.POST or None, organisation=organisation, group=group)
    if request.method == "POST" and form.is_valid():
        operations.add_engagement_log_entry(organisation, group, form, request.user)
        messages.success(request, _("Saved."))
        return redirect(f"{organisation.get_absolute_url()}#engagement")
    return render(request, "talanoa/record_form.html", {
        "form": form, "cancel_url": organisation.get_absolute_url(),
        "heading": _("Engagement with %(organisation)s") % {
            "organisation": organisation.short}}, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@rate_limited("take-part", "TAKE_PART_RATE")
def take_part(request: HttpRequest) -> HttpResponse:
    """The public request to join the group (S1): no account needed; the email is confirmed
    by a signed link before the secretariat sees anything."""
    group = default_group()
    form = TakePartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        join_request = operations.submit_join_request(group, form, (get_language() or "en")[:2])
        return render(request, "directory/directory_take_part_sent.html",
                      {"join_request": join_request, "group": group})
    return render(request, "directory/directory_take_part.html", {"form": form, "group": group},
                  status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@rate_limited("take-part-confirm", "PUBLIC_FORM_RATE")
def take_part_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The emailed link: opening it shows a button (mail scanners open links); the POST
    confirms."""
    join_request = operations.find_join_request(token)
    if join_request is None:
        return render(request, "directory/directory_take_part_invalid.html", status=404)
    confirmed = join_request.status != JoinRequest.Status.AWAITING_EMAIL
    if request.method == "POST" and not confirmed:
        join_request = operations.confirm_join_request(join_request)
        confirmed = True
    return render(request, "directory/directory_take_part_confirm.html",
                  {"join_request": join_request, "confirmed": confirmed,
                   "group": join_request.group})


@login_required
@require_GET
def join_requests(request: HttpRequest) -> HttpResponse:
    """Requests to take part, for the secretariat: received ones first, newest first."""
    group = default_group()
    _editors_only(request, group)
    status = request.GET.get("status")
    status = status if status in JoinRequest.Status.values else JoinRequest.Status.RECEIVED
    mine = JoinRequest.objects.filter(group=group)
    rows = mine.filter(status=status).select_related("country").order_by("-submitted_at", "-pk")
    if fmt := export_format(request):
        return export_response(request, f"join-requests-{status}", [
            Column("id", lambda r: r.pk),
            Column(_("Organisation"), lambda r: r.organisation_name),
            Column(_("Acronym"), lambda r: r.acronym),
            Column(_("Country"), lambda r: r.country.iso3 if r.country else None),
            Column(_("Standing requested"), lambda r: r.get_standing_display()),
            Column(_("Contact"), lambda r: r.contact_name),
            Column(_("Submitted"), lambda r: iso(r.submitted_at)),
            Column(_("Status"), lambda r: r.get_status_display()),
            url_column(request),
        ], rows, fmt, restricted=lambda row: True)
    counts = dict(mine.order_by().values_list("status").annotate(n=Count("pk")))
    rows = list(rows[:JOIN_REQUESTS_ON_PAGE])
    tabs = [(value, label, counts.get(value, 0)) for value, label in JoinRequest.Status.choices]
    return render(request, "directory/directory_join_requests.html", {
        "rows": rows, "status": status, "tabs": tabs,
        "is_full": len(rows) == JOIN_REQUESTS_ON_PAGE})


def _join_request_for_editor(request: HttpRequest, pk: int) -> JoinRequest:
    join_request = get_object_or_404(
        JoinRequest.objects.select_related("group", "country", "organisation", "person"), pk=pk)
    _editors_only(request, join_request.group)
    return join_request


@login_required
@require_GET
def join_request(request: HttpRequest, pk: int) -> HttpResponse:
    join_request = _join_request_for_editor(request, pk)
    suggestions = (list(operations.suggested_organisations(join_request))
                   if join_request.status == JoinRequest.Status.RECEIVED else [])
    labels = dict(JoinRequest.Status.choices)
    return render(request, "directory/directory_join_request.html", {
        "join_request": join_request, "suggestions": suggestions,
        "areas": list(join_request.areas.order_by("order", "code")),
        "steps": [(step, labels.get(step.to_status, step.to_status)) for step in
                  join_request.transitions.select_related("by").order_by("at", "pk")]})


@require_POST
@login_required
def join_request_step(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve as observer or consultative participant (R3), or decline with a reason."""
    join_request = _join_request_for_editor(request, pk)
    form = JoinRequestStepForm(request.POST, join_request=join_request)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(join_request)
    action = form.cleaned_data["action"]
    try:
        if action == "decline":
            operations.decline_join_request(join_request, form.cleaned_data["reason"],
                                            request.user)
            messages.success(request, _("Declined: the applicant is told why by email."))
        else:
            kind = action.removeprefix("approve_")
            operations.approve_join_request(join_request, kind, request.user,
                                            form.cleaned_data.get("existing"))
            messages.success(request, _("Approved: the applicant is told by email, and the "
                                        "contact is invited to an account."))
    except ValueError as exc:
        messages.error(request, str(exc))
    return redirect(join_request)


@require_GET
def directory(request: HttpRequest) -> HttpResponse:
    """The group's organisations by kind; `?kind=` pages through one kind alphabetically."""
    group = default_group()
    kind = request.GET.get("kind")
    kind = kind if kind in Membership.Kind.values else None
    active = Membership.objects.active().filter(group=group)

    areas, area = directory_area_filter(request)
    if area is not None:  # organisations working in one ICT area (directory.OrganisationProfile)
        active = active.filter(organisation__work_profile__areas=area)
    if fmt := export_format(request):
        return _directory_export(request, active.filter(kind=kind) if kind else active, fmt)
    counts = dict(active.order_by().values_list("kind").annotate(n=Count("pk")))
    memberships = (active.select_related("organisation")
                   .only("kind", "organisation__slug", "organisation__name_en",
                         "organisation__name_fr", "organisation__acronym", "organisation__kind"))
    next_cursor = None
    if kind:
        memberships = memberships.filter(kind=kind).order_by("organisation__name_en", "pk")
        after = _directory_cursor(request.GET.get("after"))
        if after is not None:
            name = Membership.objects.filter(pk=after).values("organisation__name_en")[:1]
            memberships = memberships.filter(
                Q(organisation__name_en__gt=Subquery(name))
                | Q(organisation__name_en=Subquery(name), pk__gt=after))
        memberships = list(memberships[:DIRECTORY_SECTION_SIZE + 1])
        if len(memberships) > DIRECTORY_SECTION_SIZE:
            memberships = memberships[:DIRECTORY_SECTION_SIZE]
            next_cursor = memberships[-1].pk
    else:
        # One small query per kind: each reads only its first rows (a top-N sort, no window).
        ordered = memberships.order_by("organisation__name_en", "pk")
        memberships = [membership for value in Membership.Kind.values if counts.get(value)
                       for membership in ordered.filter(kind=value)[:DIRECTORY_SECTION_SIZE]]
    # Hundreds of rows: resolve the URL pattern and the kind labels once, not once per row.
    url_of = reverse("directory:organisation", args=["slug"]).removesuffix("slug/")
    kind_labels = dict(Organisation.Kind.choices)
    by_kind: dict[str, list] = {value: [] for value in Membership.Kind.values}
    for membership in memberships:
        organisation = membership.organisation
        by_kind[membership.kind].append({
            "url": f"{url_of}{organisation.slug}/", "name": organisation.name,
            "acronym": organisation.acronym, "kind": kind_labels.get(organisation.kind, "")})
    sections = [
        DirectorySection(value, label, by_kind[value], counts.get(value, 0))
        for value, label in Membership.Kind.choices if kind in (None, value)]
    return render(request, "directory/directory.html", {
        "group": group, "sections": sections, "kind": kind, "next_cursor": next_cursor,
        "areas": areas, "area": area})


def _directory_export(request: HttpRequest, memberships, fmt: str) -> HttpResponse:
    """The directory as a download (talanoa.lib.exports): the organisations the page lists
    (the same kind and area filters), members first, then observers, then consultative."""
    rank = Case(*[When(kind=value, then=Value(n))
                  for n, value in enumerate(Membership.Kind.values)], output_field=IntegerField())
    return export_response(request, "directory", [
        Column(_("Name (English)"), lambda m: m.organisation.name_en),
        Column(_("Name (French)"), lambda m: m.organisation.name_fr),
        Column(_("Acronym"), lambda m: m.organisation.acronym),
        Column(_("Kind of organisation"), lambda m: m.organisation.get_kind_display()),
        Column(_("Standing"), lambda m: m.get_kind_display()),
        Column(_("Since"), lambda m: iso(m.start)),
        Column(_("Country"), lambda m: m.organisation.country.iso3
               if m.organisation.country else None),
        Column(_("Website"), lambda m: m.organisation.website),
        Column("URL", lambda m: request.build_absolute_uri(m.organisation.get_absolute_url())),
    ], memberships.select_related("organisation__country")
        .order_by(rank, "organisation__name_en", "pk"), fmt)


def _directory_cursor(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


@require_GET
def organisation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = viewer_for(request)
    organisation = get_object_or_404(Organisation.objects.current().select_related("country"),
                                     slug=slug)
    memberships = Membership.objects.active().filter(organisation=organisation).select_related(
        "group")
    representatives = (Representative.objects.current().filter(
        organisation=organisation, group_id__in=viewer.member_groups | viewer.editor_groups)
        .select_related("person", "group") if viewer.is_authenticated else [])

    return render(request, "directory/organisation.html", {
        "organisation": organisation, "memberships": memberships,
        "representatives": representatives, "can_edit": viewer.is_editor,
        "directory": organisation_directory_context(request, organisation)})


DIRECTORY_SECTION_SIZE = 50


@dataclass
class DirectorySection:
    kind: str
    label: str
    rows: list
    count: int

    @property
    def is_partial(self) -> bool:
        return len(self.rows) < self.count
