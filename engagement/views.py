"""Pages of the work programme: small function views that ask the access policy first, then
call operations."""

from __future__ import annotations

import datetime
import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import F, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from engagement import operations
from engagement.forms import (
    EngagementProcessForm,
    ExternalBodyForm,
    ForumEventForm,
    ForumParticipationForm,
    GroupPositionForm,
)
from engagement.models import EngagementProcess, ExternalBody, ForumParticipation, GroupPosition
from meetings.models import Meeting
from members.models import WorkingGroup
from papers.models import Paper
from talanoa.access import (
    Viewer,
    can_view,
    get_item_for_user,
    require_editor,
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
from talanoa.lib.paging import decode_cursor, encode_cursor

logger = logging.getLogger(__name__)


FORUM_PAGE = 30


def _body_for(request: HttpRequest, slug: str) -> ExternalBody:
    """A body is public; an archived one is for editors only (so they can restore it)."""
    body = get_object_or_404(ExternalBody.objects.select_related("organisation"), slug=slug)
    if body.archived_at is not None and not viewer_for(request).is_editor:
        raise Http404
    return body


def _process_for(request: HttpRequest, pk: int) -> EngagementProcess:
    process = get_object_or_404(EngagementProcess.objects.select_related("body"), pk=pk)
    if process.archived_at is not None and not viewer_for(request).is_editor:
        raise Http404
    return process


def _open_processes(today: datetime.date | None = None):
    """Open processes of live bodies, the nearest deadline first (those without one last)."""
    return (EngagementProcess.objects.current().filter(EngagementProcess.open_q(today),
                                                       body__archived_at__isnull=True)
            .select_related("body")
            .order_by(F("deadline").asc(nulls_last=True), "pk"))


def _positions_for(viewer: Viewer):
    return (visible(GroupPosition.objects.select_related("process__body"), viewer)
            .filter(archived_at__isnull=True))


def _editor_group_ids(viewer: Viewer) -> set[int]:
    if viewer.is_superuser:
        return set(WorkingGroup.objects.current().values_list("pk", flat=True))
    return set(viewer.editor_groups)


def _step(request: HttpRequest, record, archive) -> None:
    """Archive or restore from a POSTed `action`, refusing a step based on a stale page."""
    action = request.POST.get("action")
    if str(record.version) != request.POST.get("expected_version"):
        messages.error(request, _("Someone changed this record in the meantime: check it, then "
                                  "try again."))
    elif action not in ("archive", "restore"):
        messages.error(request, _("Unknown step."))
    else:
        archive(record, archived=action == "archive")
        messages.success(request, _("Done."))


@require_GET
def engagement(request: HttpRequest) -> HttpResponse:
    viewer = viewer_for(request)
    if fmt := export_format(request):  # the open processes, the page's list
        return export_response(request, "engagement-open-processes", [
            Column("id", lambda p: p.pk),
            Column(_("Title (English)"), lambda p: p.title_en),
            Column(_("Title (French)"), lambda p: p.title_fr),
            Column(_("Kind"), lambda p: p.get_kind_display()),
            Column(_("Body"), lambda p: p.body.acronym or p.body.name_en),
            Column(_("Opens"), lambda p: iso(p.opens_on)),
            Column(_("Deadline"), lambda p: iso(p.deadline)),
            Column(_("Status"), lambda p: p.get_status_display()),
            Column(_("Link"), lambda p: p.url),
            url_column(request),
        ], _open_processes(), fmt)
    return render(request, "engagement/engagement_index.html", {
        "viewer": viewer,
        "bodies": list(ExternalBody.objects.current()),
        # Editors find what was archived, to restore it.
        "archived_bodies": list(ExternalBody.objects.archived()) if viewer.is_editor else [],
        "processes": list(_open_processes()[:50]),
        "positions": list(_positions_for(viewer).order_by("-created_at", "-pk")[:20]),
        "forums": list(_forums_for(viewer).filter(meeting__ends_at__gte=timezone.now())
                       .order_by("meeting__starts_at", "pk")[:10])})


@require_GET
def engagement_body(request: HttpRequest, slug: str) -> HttpResponse:
    body = _body_for(request, slug)
    viewer = viewer_for(request)
    processes = body.processes.all() if viewer.is_editor else body.processes.current()
    processes = list(processes.order_by(
        F("deadline").desc(nulls_first=True), "-pk")[:200])
    return render(request, "engagement/engagement_body.html", {
        "body": body, "viewer": viewer, "processes": processes,
        "positions": list(_positions_for(viewer).filter(process__body=body)
                          .order_by("-created_at", "-pk")[:50]),
        "forums": list(_forums_for(viewer).filter(body=body)
                       .order_by("-meeting__starts_at", "-pk")[:50])})


@require_GET
def engagement_process(request: HttpRequest, pk: int) -> HttpResponse:
    process = _process_for(request, pk)
    viewer = viewer_for(request)
    positions = visible(process.positions.select_related("group").prefetch_related(
        "restricted_organisations", "restricted_people"), viewer)
    positions = list(positions.order_by("-created_at", "-pk"))
    # A position's paper is shown only to readers who may see the paper.
    paper_ids = {p.paper_id for p in positions if p.paper_id}
    papers = ({p.pk: p for p in visible(Paper.objects.filter(pk__in=paper_ids), viewer)
               .filter(archived_at__isnull=True)} if paper_ids else {})
    for position in positions:
        position.visible_paper = papers.get(position.paper_id)
        position.editable = viewer.edits(position.group_id)
    return render(request, "engagement/engagement_process.html", {
        "process": process, "viewer": viewer, "positions": positions,
        "areas": list(process.areas.all()),
        "can_add_position": bool(_editor_group_ids(viewer)) and process.archived_at is None})


@login_required
@require_http_methods(["GET", "POST"])
def engagement_body_new(request: HttpRequest) -> HttpResponse:
    require_editor(request)
    form = ExternalBodyForm(request.POST or None, instance=ExternalBody())
    if request.method == "POST" and form.is_valid():
        body = operations.save_external_body(form.save(commit=False), None)
        messages.success(request, _("Body added."))
        return redirect(body)
    return render(request, "engagement/engagement_body_form.html", {"form": form},
                  status=form_status(form))


@login_required
@require_http_methods(["GET", "POST"])
def engagement_body_edit(request: HttpRequest, slug: str) -> HttpResponse:
    require_editor(request)
    body = _body_for(request, slug)
    form = ExternalBodyForm(request.POST or None, instance=body)
    saved = save_form_versioned(request, form, lambda form: operations.save_external_body(
        form.save(commit=False), form.cleaned_data.get("expected_version")))
    if saved is not None:
        messages.success(request, _("Saved."))
        return redirect(saved)
    return render(request, "engagement/engagement_body_form.html",
                  {"form": form, "body": body, "conflict": form.conflict,
                   "conflict_rows": conflict_rows(form)}, status=form_status(form))


@require_POST
@login_required
def engagement_body_step(request: HttpRequest, slug: str) -> HttpResponse:
    require_editor(request)
    body = _body_for(request, slug)
    _step(request, body, operations.archive_external_body)
    return redirect(body)


@login_required
@require_http_methods(["GET", "POST"])
def engagement_process_new(request: HttpRequest) -> HttpResponse:
    require_editor(request)
    initial = {}
    if slug := request.GET.get("body"):
        initial["body"] = ExternalBody.objects.current().filter(slug=slug).first()
    form = EngagementProcessForm(request.POST or None, instance=EngagementProcess(),
                                 initial=initial)
    if request.method == "POST" and form.is_valid():
        process = operations.save_process(form.save(commit=False), None, form.save_m2m)
        messages.success(request, _("Process added."))
        return redirect(process)
    return render(request, "engagement/engagement_process_form.html", {"form": form},
                  status=form_status(form))


@login_required
@require_http_methods(["GET", "POST"])
def engagement_process_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require_editor(request)
    process = _process_for(request, pk)
    form = EngagementProcessForm(request.POST or None, instance=process)
    saved = save_form_versioned(request, form, lambda form: operations.save_process(
        form.save(commit=False), form.cleaned_data.get("expected_version"), form.save_m2m))
    if saved is not None:
        messages.success(request, _("Saved."))
        return redirect(saved)
    return render(request, "engagement/engagement_process_form.html",
                  {"form": form, "process": process, "conflict": form.conflict,
                   "conflict_rows": conflict_rows(form)}, status=form_status(form))


@require_POST
@login_required
def engagement_process_step(request: HttpRequest, pk: int) -> HttpResponse:
    require_editor(request)
    process = _process_for(request, pk)
    _step(request, process, operations.archive_process)
    return redirect(process)


@login_required
@require_http_methods(["GET", "POST"])
def engagement_position_new(request: HttpRequest, pk: int) -> HttpResponse:
    """A position of the group in the process: the editors of the group it belongs to."""
    viewer = require_editor(request)
    process = _process_for(request, pk)
    if process.archived_at is not None:
        raise Http404
    groups = _editor_group_ids(viewer)
    initial = {"group": next(iter(groups))} if len(groups) == 1 else {}
    form = GroupPositionForm(request.POST or None, instance=GroupPosition(process=process),
                             viewer=viewer, groups=groups, initial=initial)
    if request.method == "POST" and form.is_valid():
        position = operations.create_position(form.save(commit=False), request.user,
                                              form.save_m2m)
        messages.success(request, _("Position recorded."))
        return redirect(position)
    return render(request, "engagement/engagement_position_form.html",
                  {"form": form, "process": process}, status=form_status(form))


@login_required
@require_http_methods(["GET", "POST"])
def engagement_position_edit(request: HttpRequest, pk: int) -> HttpResponse:
    position = get_item_for_user(request, GroupPosition.objects.select_related(
        "process__body", "paper"), pk, write=True)
    viewer = viewer_for(request)
    form = GroupPositionForm(request.POST or None, instance=position, viewer=viewer,
                             groups=_editor_group_ids(viewer) | {position.group_id})
    saved = save_form_versioned(request, form, lambda form: operations.save_position(
        form.save(commit=False), form.cleaned_data.get("expected_version"), form.save_m2m))
    if saved is not None:
        messages.success(request, _("Saved."))
        return redirect(saved)
    return render(request, "engagement/engagement_position_form.html",
                  {"form": form, "process": position.process, "position": position,
                   "conflict": form.conflict, "conflict_rows": conflict_rows(form)},
                  status=form_status(form))


@require_POST
@login_required
def engagement_position_step(request: HttpRequest, pk: int) -> HttpResponse:
    position = get_item_for_user(request, GroupPosition.objects.select_related("process"), pk,
                                 write=True)
    _step(request, position, operations.archive_position)
    return redirect(position)


# Forum participation (S14) ---------------------------------------------------------------------

def _forums_for(viewer: Viewer):
    return (visible(ForumParticipation.objects.select_related("meeting", "body"), viewer)
            .filter(archived_at__isnull=True))


@require_GET
def forums(request: HttpRequest) -> HttpResponse:
    """Upcoming forums (soonest first) and past ones (newest first, by a cursor)."""
    viewer = viewer_for(request)
    if fmt := export_format(request):  # upcoming and past alike, newest first
        return export_response(request, "forums", [
            Column("id", lambda f: f.pk),
            Column(_("Title (English)"), lambda f: f.meeting.title_en),
            Column(_("Title (French)"), lambda f: f.meeting.title_fr),
            Column(_("Body"), lambda f: (f.body.acronym or f.body.name_en) if f.body else None),
            Column(_("Starts (UTC)"), lambda f: iso(f.meeting.starts_at)),
            Column(_("Ends (UTC)"), lambda f: iso(f.meeting.ends_at)),
            Column(_("City"), lambda f: f.meeting.city),
            Column(_("Country"), lambda f: f.meeting.country.iso3 if f.meeting.country
                   else None),
            Column(_("Level"), lambda f: f.get_level_display()),
            Column(_("Group"), lambda f: f.group.acronym or f.group.name_en),
            url_column(request),
        ], _forums_for(viewer).select_related("meeting__country", "group")
            .order_by("-meeting__starts_at", "-pk"), fmt)
    now = timezone.now()
    past = _forums_for(viewer).filter(meeting__ends_at__lt=now)
    before = decode_cursor(request.GET.get("before"))
    if before:
        moment, pk = before
        past = past.filter(Q(meeting__starts_at__lt=moment)
                           | Q(meeting__starts_at=moment, pk__lt=pk))
    rows = list(past.order_by("-meeting__starts_at", "-pk")[:FORUM_PAGE + 1])
    older = (encode_cursor(rows[FORUM_PAGE - 1].meeting.starts_at, rows[FORUM_PAGE - 1].pk)
             if len(rows) > FORUM_PAGE else None)
    return render(request, "engagement/engagement_forums.html", {
        "viewer": viewer, "paged": before is not None, "older": older,
        "upcoming": [] if before else list(
            _forums_for(viewer).filter(meeting__ends_at__gte=now)
            .order_by("meeting__starts_at", "pk")[:FORUM_PAGE]),
        "past": rows[:FORUM_PAGE], "can_add": bool(_editor_group_ids(viewer))})


@require_GET
def forum(request: HttpRequest, pk: int) -> HttpResponse:
    participation = get_item_for_user(request, ForumParticipation.objects.select_related(
        "group", "meeting__country", "body", "report_paper").prefetch_related(
        "restricted_organisations", "restricted_people"), pk)
    viewer = viewer_for(request)
    meeting = participation.meeting
    report = participation.report_paper
    return render(request, "engagement/engagement_forum.html", {
        "participation": participation, "meeting": meeting, "viewer": viewer,
        "editor": viewer.edits(participation.group_id),
        # The calendar entry follows the participation's level; a paper may be more restricted.
        "meeting_visible": can_view(meeting, viewer),
        "report": report if report is not None and can_view(report, viewer) else None,
        "delegates": list(participation.delegates.select_related("organisation"))
        if viewer.sees_members_level(participation.group_id) else [],
        "zone": timezone.get_current_timezone().key})


@login_required
@require_http_methods(["GET", "POST"])
def forum_new(request: HttpRequest) -> HttpResponse:
    viewer = require_editor(request)
    groups = _editor_group_ids(viewer)
    initial = {"group": next(iter(groups))} if len(groups) == 1 else {}
    if slug := request.GET.get("body"):
        initial["body"] = ExternalBody.objects.current().filter(slug=slug).first()
    form = ForumParticipationForm(request.POST or None, instance=ForumParticipation(),
                                  viewer=viewer, groups=groups, initial=initial)
    event = ForumEventForm(request.POST or None, instance=Meeting(), prefix="event",
                           initial={"time_zone": "Pacific/Fiji"})
    if request.method == "POST" and all([form.is_valid(), event.is_valid()]):
        meeting = event.save(commit=False)
        event.apply_times()
        participation = operations.create_forum_participation(
            form.save(commit=False), meeting, request.user, form.save_m2m)
        messages.success(request, _("Forum participation recorded: the forum is on the "
                                    "calendar."))
        return redirect(participation)
    return render(request, "engagement/engagement_forum_form.html", {"form": form, "event": event},
                  status=form_status(form, event))


@login_required
@require_http_methods(["GET", "POST"])
def forum_edit(request: HttpRequest, pk: int) -> HttpResponse:
    participation = get_item_for_user(request, ForumParticipation.objects.select_related(
        "meeting", "report_paper"), pk, write=True)
    viewer = viewer_for(request)
    form = ForumParticipationForm(request.POST or None, instance=participation, viewer=viewer,
                                  groups=_editor_group_ids(viewer) | {participation.group_id})
    saved = save_form_versioned(request, form, lambda form: operations.save_forum_participation(
        form.save(commit=False), form.cleaned_data.get("expected_version"), form.save_m2m))
    if saved is not None:
        messages.success(request, _("Saved."))
        return redirect(saved)
    return render(request, "engagement/engagement_forum_form.html",
                  {"form": form, "participation": participation, "conflict": form.conflict,
                   "conflict_rows": conflict_rows(form)}, status=form_status(form))


@require_POST
@login_required
def forum_step(request: HttpRequest, pk: int) -> HttpResponse:
    participation = get_item_for_user(request, ForumParticipation, pk, write=True)
    _step(request, participation, operations.archive_forum_participation)
    return redirect(participation)
