"""Pages of the decision register (G2) and of the proposals pipeline (G3)."""

from __future__ import annotations

import datetime
import logging
import os
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.syndication.views import Feed
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from decisions import operations
from decisions.forms import (
    DecisionFilterForm,
    DecisionForm,
    DecisionOptionFormSet,
    DecisionPositionForm,
    DecisionStatusForm,
    SittingForm,
    default_review,
)
from decisions.models import Decision, Sitting
from meetings.forms import ActionItemForm
from meetings.models import Meeting
from members.models import WorkingGroup
from papers.models import Paper
from talanoa.access import (
    ANONYMOUS,
    get_item_for_user,
    require_editor,
    viewer_for,
    visible,
)
from talanoa.lib.consensus import consensus
from talanoa.lib.editing import EditConflict, conflict_rows, form_status

logger = logging.getLogger(__name__)

# --- The decision register (G2) ---------------------------------------------------------------

PAGE_SIZE = 20


def _live_decisions(viewer):
    return (visible(Decision.objects.select_related("sitting__body", "group"), viewer)
            .filter(archived_at__isnull=True))


def _filtered(decisions: QuerySet, filters: dict) -> QuerySet:
    if body := filters.get("body"):
        decisions = decisions.filter(sitting__body=body)
    if status := filters.get("status"):
        decisions = decisions.filter(status=status)
    if ict := filters.get("ict"):
        decisions = decisions.filter(concerns_ict=ict == "yes")
    if year := filters.get("year"):
        decisions = decisions.filter(sitting__starts_on__year=year)
    return decisions


def _cursor(decision: Decision) -> str:
    return f"{decision.sitting.starts_on.isoformat()}.{decision.pk}"


def _decode(value: str | None) -> tuple[datetime.date, int] | None:
    """The (sitting date, id) a cursor names, or None for a missing or malformed one."""
    day, _sep, pk = (value or "").partition(".")
    try:
        return datetime.date.fromisoformat(day), int(pk)
    except ValueError:
        return None


def _page(decisions: QuerySet, before: str | None, after: str | None) -> dict:
    """One page, newest sitting first, by a (sitting date, id) cursor: the same cost at any
    depth (see talanoa.lib.paging, whose cursor is a moment, not a day)."""
    newer_cursor = _decode(after)
    older_cursor = None if newer_cursor else _decode(before)
    if newer_cursor:
        day, pk = newer_cursor
        rows = list(decisions.filter(Q(sitting__starts_on__gt=day)
                                     | Q(sitting__starts_on=day, pk__gt=pk))
                    .order_by("sitting__starts_on", "pk")[:PAGE_SIZE + 1])
        more_newer, more_older = len(rows) > PAGE_SIZE, True
        items = rows[:PAGE_SIZE][::-1]
    else:
        if older_cursor:
            day, pk = older_cursor
            decisions = decisions.filter(Q(sitting__starts_on__lt=day)
                                         | Q(sitting__starts_on=day, pk__lt=pk))
        rows = list(decisions.order_by("-sitting__starts_on", "-pk")[:PAGE_SIZE + 1])
        items = rows[:PAGE_SIZE]
        more_newer, more_older = older_cursor is not None, len(rows) > PAGE_SIZE
    return {"items": items,
            "newer": _cursor(items[0]) if items and more_newer else None,
            "older": _cursor(items[-1]) if items and more_older else None}


@require_GET
def decision_list(request: HttpRequest) -> HttpResponse:
    viewer = viewer_for(request)
    form = DecisionFilterForm(request.GET or None)
    filters = form.filters()
    page = _page(_filtered(_live_decisions(viewer), filters), request.GET.get("before"),
                 request.GET.get("after"))
    query = urlencode({key: request.GET[key] for key in ("body", "status", "ict", "year")
                       if request.GET.get(key) and key in filters})
    return render(request, "decisions/decision_list.html", {
        "form": form, "page": page, "query": query, "viewer": viewer,
        "paged": bool(request.GET.get("before") or request.GET.get("after")),
        "can_register": bool(_editor_groups(viewer))})


def _editor_groups(viewer) -> set[int]:
    """Groups the viewer may register decisions in: those they are chair or secretariat of."""
    if viewer.is_superuser:
        return set(WorkingGroup.objects.current().values_list("pk", flat=True))
    return set(viewer.editor_groups)


@require_GET
def decision_detail(request: HttpRequest, pk: int) -> HttpResponse:
    decision = get_item_for_user(request, Decision.objects.select_related(
        "group", "sitting__body").prefetch_related(
        "restricted_organisations", "restricted_people", "options", "tags"), pk)
    viewer = viewer_for(request)
    editor = viewer.edits(decision.group_id)
    # Linked papers and meetings are shown only as far as the reader may see them: a public
    # decision may well be advised by a paper for members.
    linked_ids = set(decision.papers.values_list("pk", flat=True))
    paper_ids = linked_ids | ({decision.advice_paper_id} if decision.advice_paper_id else set())
    papers = {p.pk: p for p in visible(Paper.objects.filter(pk__in=paper_ids), viewer)
              .filter(archived_at__isnull=True)} if paper_ids else {}
    meetings = list(visible(Meeting.objects.filter(decisions_followed=decision), viewer)
                    .filter(archived_at__isnull=True).order_by("-starts_at"))
    speaks_for = operations.speaks_for(decision, viewer.person_id) \
        if decision.archived_at is None else []
    standing = consensus(decision, decision.positions.all())
    mine = {p.organisation_id: p for p in standing.positions}
    transitions = list(decision.transitions.select_related("by"))
    for transition in transitions:
        transition.to_label = Decision.Status(transition.to_status).label
    context = {
        "decision": decision, "editor": editor, "viewer": viewer,
        "advice_paper": papers.get(decision.advice_paper_id),
        "papers": [papers[p] for p in sorted(papers) if p in linked_ids],
        "meetings": meetings,
        "actions": list(decision.actions.select_related("owner_organisation", "owner_person")
                        .order_by(F("due_on").asc(nulls_last=True), "pk")),
        "shows_names": viewer.sees_members_level(decision.group_id),
        "consensus": standing, "transitions": transitions,
        "position_form": DecisionPositionForm(organisations=speaks_for, initial={
            "organisation": speaks_for[0].pk,
            "stance": mine[speaks_for[0].pk].stance if speaks_for[0].pk in mine else None})
        if speaks_for else None,
    }
    if editor:
        context["status_form"] = DecisionStatusForm(decision=decision)
    return render(request, "decisions/decision_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def decision_new(request: HttpRequest) -> HttpResponse:
    viewer = require_editor(request)
    groups = _editor_groups(viewer)
    # The level starts at the model's default (members): making the group's assessment public
    # is a choice the editor makes.
    initial = {"review_on": default_review()}
    if len(groups) == 1:
        initial["group"] = next(iter(groups))
    if sitting := request.GET.get("sitting"):
        initial["sitting"] = sitting if sitting.isdigit() else None
    form = DecisionForm(request.POST or None, viewer=viewer, groups=groups, initial=initial,
                        instance=Decision())
    options = DecisionOptionFormSet(request.POST or None, instance=form.instance,
                                    prefix="options")
    if request.method == "POST" and form.is_valid() and options.is_valid():
        with transaction.atomic():
            decision = form.save(commit=False)
            operations.create_decision(decision, request.user)
            form.save_m2m()
            options.instance = decision
            options.save()
        operations.reindex(decision)
        messages.success(request, _("Decision registered."))
        return redirect(decision)
    return render(request, "decisions/decision_form.html", {"form": form, "options": options},
                  status=400 if form.is_bound else 200)


@login_required
@require_http_methods(["GET", "POST"])
def decision_edit(request: HttpRequest, pk: int) -> HttpResponse:
    decision = get_item_for_user(request, Decision.objects.select_related("advice_paper"), pk,
                                 write=True)
    viewer = viewer_for(request)
    form = DecisionForm(request.POST or None, instance=decision, viewer=viewer,
                        groups=_editor_groups(viewer) | {decision.group_id})
    form.conflict = None
    options = DecisionOptionFormSet(request.POST or None, instance=decision, prefix="options")
    if request.method == "POST" and form.is_valid() and options.is_valid():
        try:
            with transaction.atomic():
                saved = operations.save_decision(form.save(commit=False),
                                                 form.cleaned_data.get("expected_version"),
                                                 options)
                form.save_m2m()
        except EditConflict as exc:
            form.conflict = exc.current
            messages.error(request, _("Someone else saved this decision while you were editing "
                                      "it. Nothing of yours was saved yet: compare the two "
                                      "versions below, then save again."))
            form.data = form.data.copy()
            form.data["expected_version"] = exc.current.version
        else:
            messages.success(request, _("Saved."))
            return redirect(saved)
    return render(request, "decisions/decision_form.html",
                  {"form": form, "options": options, "decision": decision,
                   "conflict": form.conflict, "conflict_rows": conflict_rows(form)},
                  status=form_status(form) if form.conflict or form.is_bound else 200)


@require_POST
@login_required
def decision_step(request: HttpRequest, pk: int) -> HttpResponse:
    """The implementation status, the next review, archive and restore: the group's editors."""
    decision = get_item_for_user(request, Decision, pk, write=True)
    action = request.POST.get("action", "")
    if str(decision.version) != request.POST.get("expected_version"):
        messages.error(request, _("Someone changed this decision in the meantime: check it, then "
                                  "try again."))
        return redirect(decision)
    try:
        if action == "status":
            form = DecisionStatusForm(request.POST, decision=decision)
            if not form.is_valid():
                for errors in form.errors.values():
                    for error in errors:
                        messages.error(request, error)
                return redirect(f"{decision.get_absolute_url()}#implementation")
            operations.change_status(decision, form.cleaned_data["status"], request.user,
                                     form.cleaned_data["reason"],
                                     form.cleaned_data["review_on"])
        elif action == "archive":
            operations.archive_decision(decision)
        elif action == "restore":
            operations.restore_decision(decision)
        else:
            messages.error(request, _("Unknown step."))
            return redirect(decision)
    except operations.StepRefused as exc:
        messages.error(request, _(str(exc)))
    except operations.InvalidTransition:
        messages.error(request, _("The decision already has this status: nothing was changed."))
    else:  # each step saves the decision, and the save re-indexes it for search
        messages.success(request, _("Done."))
    return redirect(decision)


@login_required
@require_http_methods(["GET", "POST"])
def action_new(request: HttpRequest, pk: int) -> HttpResponse:
    """A follow-up action of the decision, for an organisation (and a person in it)."""
    decision = get_item_for_user(request, Decision, pk, write=True)
    form = ActionItemForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            operations.add_follow_up(decision, data["title"], data["owner_organisation"],
                                     request.user, owner_person=data["owner_person"],
                                     due_on=data["due_on"], description=data["description"])
        except operations.StepRefused as exc:
            error = _(str(exc))
        else:
            messages.success(request, _("Follow-up action added."))
            return redirect(f"{decision.get_absolute_url()}#actions")
    return render(request, "decisions/action_form.html",
                  {"decision": decision, "form": form, "error": error},
                  status=400 if error else form_status(form))


@require_POST
@login_required
def decision_position(request: HttpRequest, pk: int) -> HttpResponse:
    decision = get_item_for_user(request, Decision, pk)
    viewer = viewer_for(request)
    organisations = operations.speaks_for(decision, viewer.person_id)
    if not organisations:
        raise PermissionDenied
    form = DecisionPositionForm(request.POST, organisations=organisations)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(f"{decision.get_absolute_url()}#positions")
    try:
        operations.record_position(decision, form.cleaned_data["organisation"],
                                   form.cleaned_data["stance"], form.cleaned_data["note"],
                                   request.user.person)
    except operations.StepRefused as exc:
        messages.error(request, _(str(exc)))
    else:
        messages.success(request, _("Position recorded."))
    return redirect(f"{decision.get_absolute_url()}#positions")


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
    decisions = list(_live_decisions(viewer).filter(sitting=sitting)
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
    form.conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            saved = operations.save_sitting(form.save(commit=False),
                                            form.cleaned_data.get("expected_version"))
        except EditConflict as exc:
            form.conflict = exc.current
            messages.error(request, _("Someone else saved this sitting while you were editing "
                                      "it. Nothing of yours was saved yet: compare the two "
                                      "versions below, then save again."))
            form.data = form.data.copy()
            form.data["expected_version"] = exc.current.version
        else:
            messages.success(request, _("Saved."))
            return redirect(saved)
    return render(request, "decisions/sitting_form.html",
                  {"form": form, "sitting": sitting, "conflict": form.conflict,
                   "conflict_rows": conflict_rows(form)},
                  status=form_status(form) if form.conflict or form.is_bound else 200)


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
    if not sitting.outcome_file:
        raise Http404
    try:
        stored = sitting.outcome_file.open("rb")
    except FileNotFoundError:
        logger.error("Outcome document of sitting %s missing from storage: %s", sitting.pk,
                     sitting.outcome_file.name)
        raise Http404 from None
    response = FileResponse(stored, as_attachment=True,
                            filename=os.path.basename(sitting.outcome_file.name))
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = ("public, max-age=3600" if sitting.archived_at is None
                                 else "private, no-store")
    return response


class DecisionsFeed(Feed):
    """Public decisions, newest registered first, as Atom (built for the anonymous reader only,
    so nothing above the public level can reach it)."""

    feed_type = Atom1Feed
    title = gettext_lazy("Talanoa: decisions")
    subtitle = gettext_lazy("Decisions of governing bodies the working groups follow")

    def link(self) -> str:
        return reverse("decisions:decisions")

    def items(self):
        return _live_decisions(ANONYMOUS).order_by("-created_at", "-pk")[:50]

    def item_title(self, item: Decision) -> str:
        return f"{item.sitting.body.name}: {item.title}"

    def item_description(self, item: Decision) -> str:
        return str(item.text)

    def item_link(self, item: Decision) -> str:
        return item.get_absolute_url()

    def item_pubdate(self, item: Decision):
        return item.created_at

    def item_updateddate(self, item: Decision):
        return item.updated_at

    def item_author_name(self, item: Decision) -> str:
        return str(item.sitting.body.name)

    def item_categories(self, item: Decision):
        return [str(item.get_status_display())]


decisions_feed = require_GET(DecisionsFeed())


# --- The proposals pipeline (G3) --------------------------------------------------------------
