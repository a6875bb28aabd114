"""Sittings: the public records of the governing bodies' meetings, with their outcome documents."""

from __future__ import annotations

import os

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from decisions import operations
from decisions.forms import (
    SittingForm,
)
from decisions.models import Sitting
from decisions.views.register import _decode, live_decisions
from talanoa.access import (
    require_editor,
    viewer_for,
)
from talanoa.lib.editing import conflict_rows, form_status, save_form_versioned
from talanoa.lib.exports import Column, export_format, export_response, iso, url_column
from talanoa.lib.files import download

# Sittings: public records of the bodies' meetings ----------------------------------------------

def _sitting_for(request: HttpRequest, pk: int) -> Sitting:
    """A sitting is public; an archived one is for editors only (so they can restore it)."""
    sitting = get_object_or_404(Sitting.objects.select_related("body"), pk=pk)
    if sitting.archived_at is not None and not viewer_for(request).is_editor:
        raise Http404
    return sitting


@require_GET
def sitting_list(request: HttpRequest) -> HttpResponse:
    viewer = viewer_for(request)
    sittings = Sitting.objects.current().select_related("body")
    body = request.GET.get("body", "")
    if body:
        sittings = sittings.filter(body__slug=body)
    if fmt := export_format(request):
        return export_response(request, "sittings", [
            Column("id", lambda s: s.pk),
            Column(_("Title (English)"), lambda s: s.title_en),
            Column(_("Title (French)"), lambda s: s.title_fr),
            Column(_("Body"), lambda s: str(s.body)),
            Column(_("Date"), lambda s: iso(s.starts_on)),
            Column(_("Last day"), lambda s: iso(s.ends_on)),
            Column(_("Place"), lambda s: s.place),
            Column(_("Outcome document (link)"), lambda s: s.outcome_url),
            url_column(request),
        ], sittings.order_by("-starts_on", "-pk"), fmt)
    page = _sitting_page(sittings, request.GET.get("before"))
    return render(request, "decisions/sitting_list.html",
                  {"page": page, "viewer": viewer, "body": body})


def _sitting_page(sittings: QuerySet, before: str | None) -> dict:
    """Newest first, 50 a page, by a (date, id) cursor."""
    size = 50
    if cursor := _decode(before):
        day, pk = cursor
        sittings = sittings.filter(Q(starts_on__lt=day) | Q(starts_on=day, pk__lt=pk))
    rows = list(sittings.order_by("-starts_on", "-pk")[:size + 1])
    items = rows[:size]
    return {"items": items, "paged": cursor is not None,
            "older": f"{items[-1].starts_on.isoformat()}.{items[-1].pk}"
            if len(rows) > size else None}


@require_GET
def sitting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    sitting = _sitting_for(request, pk)
    viewer = viewer_for(request)
    decisions = list(live_decisions(viewer).filter(sitting=sitting)
                     .order_by("reference", "pk")[:200])
    return render(request, "decisions/sitting_detail.html", {
        "sitting": sitting, "decisions": decisions, "viewer": viewer,
        "file_name": os.path.basename(sitting.outcome_file.name) if sitting.outcome_file
        else ""})


@login_required
@require_http_methods(["GET", "POST"])
def sitting_new(request: HttpRequest) -> HttpResponse:
    require_editor(request)
    form = SittingForm(request.POST or None, request.FILES or None, instance=Sitting())
    if request.method == "POST" and form.is_valid():
        sitting = operations.save_sitting(form.save(commit=False), None)
        messages.success(request, _("Sitting added."))
        return redirect(sitting)
    return render(request, "decisions/sitting_form.html", {"form": form},
                  status=400 if form.is_bound else 200)


@login_required
@require_http_methods(["GET", "POST"])
def sitting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require_editor(request)
    sitting = _sitting_for(request, pk)
    form = SittingForm(request.POST or None, request.FILES or None, instance=sitting)
    saved = save_form_versioned(request, form, lambda form: operations.save_sitting(
        form.save(commit=False), form.cleaned_data.get("expected_version")))
    if saved is not None:
        messages.success(request, _("Saved."))
        return redirect(saved)
    return render(request, "decisions/sitting_form.html",
                  {"form": form, "sitting": sitting, "conflict": form.conflict,
                   "conflict_rows": conflict_rows(form)},
                  status=form_status(form))


@require_POST
@login_required
def sitting_step(request: HttpRequest, pk: int) -> HttpResponse:
    require_editor(request)
    sitting = _sitting_for(request, pk)
    action = request.POST.get("action")
    if action not in ("archive", "restore"):
        messages.error(request, _("Unknown step."))
    else:
        operations.archive_sitting(sitting, archived=action == "archive")
        messages.success(request, _("Done."))
    return redirect(sitting)


@require_GET
def sitting_file(request: HttpRequest, pk: int) -> FileResponse:
    sitting = _sitting_for(request, pk)
    return download(sitting.outcome_file, public=sitting.archived_at is None)
