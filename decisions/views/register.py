"""The decision register (G2): decisions of governing bodies, filtered and paged, each with its
assessment, follow-up actions and the organisations' positions; and its public Atom feed."""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.syndication.views import Feed
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import linebreaks
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
    default_review,
)
from decisions.models import Decision
from meetings.models import Meeting
from members.consensus import consensus, record_from_post
from members.models import WorkingGroup
from papers.models import Paper
from talanoa.access import (
    ANONYMOUS,
    Viewer,
    get_item_for_user,
    require_editor,
    viewer_for,
    visible,
)
from talanoa.lib.editing import conflict_rows, form_status, save_form_versioned
from talanoa.lib.exports import Column, export_format, export_response, iso, url_column
from tasks.forms import TaskForm

# --- The decision register (G2) ---------------------------------------------------------------

PAGE_SIZE = 20


def live_decisions(viewer):
    # Sittings and bodies by prefetch, not a join: joined to those small tables, SQLite starts
    # from them and sorts every visible decision instead of walking decision_live_newest.
    return (visible(Decision.objects.prefetch_related("sitting__body"), viewer)
            .filter(archived_at__isnull=True))


def _filtered(decisions: QuerySet, filters: dict) -> QuerySet:
    if body := filters.get("body"):
        decisions = decisions.filter(sitting__body=body)
    if status := filters.get("status"):
        decisions = decisions.filter(status=status)
    if ict := filters.get("ict"):
        decisions = decisions.filter(concerns_ict=ict == "yes")
    if year := filters.get("year"):
        decisions = decisions.filter(decided_on__year=year)
    return decisions


def _cursor(decision: Decision) -> str:
    return f"{decision.decided_on.isoformat()}.{decision.pk}"


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
        rows = list(decisions.filter(Q(decided_on__gt=day) | Q(decided_on=day, pk__gt=pk))
                    .order_by("decided_on", "pk")[:PAGE_SIZE + 1])
        more_newer, more_older = len(rows) > PAGE_SIZE, True
        items = rows[:PAGE_SIZE][::-1]
    else:
        if older_cursor:
            day, pk = older_cursor
            decisions = decisions.filter(Q(decided_on__lt=day) | Q(decided_on=day, pk__lt=pk))
        rows = list(decisions.order_by("-decided_on", "-pk")[:PAGE_SIZE + 1])
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
    decisions = _filtered(live_decisions(viewer), filters)
    if fmt := export_format(request):
        return export_response(request, "decisions", _decision_columns(request),
                               decisions.prefetch_related("group")
                               .order_by("-decided_on", "-pk"), fmt)
    page = _page(decisions, request.GET.get("before"), request.GET.get("after"))
    query = urlencode({key: request.GET[key] for key in ("body", "status", "ict", "year")
                       if request.GET.get(key) and key in filters})
    return render(request, "decisions/decision_list.html", {
        "form": form, "page": page, "query": query, "viewer": viewer,
        "paged": bool(request.GET.get("before") or request.GET.get("after")),
        "can_register": bool(_editor_groups(viewer))})


def _decision_columns(request: HttpRequest) -> list[Column]:
    """The register as a download (talanoa.lib.exports)."""
    return [
        Column("id", lambda d: d.pk),
        Column(_("Reference"), lambda d: d.reference),
        Column(_("Title (English)"), lambda d: d.title_en),
        Column(_("Title (French)"), lambda d: d.title_fr),
        Column(_("Body"), lambda d: str(d.sitting.body)),
        Column(_("Sitting"), lambda d: str(d.sitting.title)),
        Column(_("Date"), lambda d: iso(d.decided_on)),
        Column(_("Concerns ICT"), lambda d: _("yes") if d.concerns_ict else _("no")),
        Column(_("Implementation"), lambda d: d.get_status_display()),
        Column(_("Next review"), lambda d: iso(d.review_on)),
        Column(_("Level"), lambda d: d.get_level_display()),
        Column(_("Group"), lambda d: d.group.acronym or d.group.name_en),
        url_column(request),
    ]


def _editor_groups(viewer: Viewer) -> set[int]:
    """Groups the viewer may register decisions or open cycles in: those they are chair or
    secretariat of."""
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
    options = DecisionOptionFormSet(request.POST or None, instance=decision, prefix="options")

    def save(form):
        with transaction.atomic():
            saved = operations.save_decision(form.save(commit=False),
                                             form.cleaned_data.get("expected_version"), options)
            form.save_m2m()
        return saved

    if (saved := save_form_versioned(request, form, save, formsets=[options])) is not None:
        messages.success(request, _("Saved."))
        return redirect(saved)
    return render(request, "decisions/decision_form.html",
                  {"form": form, "options": options, "decision": decision,
                   "conflict": form.conflict, "conflict_rows": conflict_rows(form)},
                  status=form_status(form, options))


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
    form = TaskForm(request.POST or None)
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
    return record_from_post(request, decision, DecisionPositionForm,
                            operations.record_position, refused=[operations.StepRefused])


class DecisionsFeed(Feed):
    """Public decisions, newest registered first, as Atom (built for the anonymous reader only,
    so nothing above the public level can reach it)."""

    feed_type = Atom1Feed
    title = gettext_lazy("Talanoa: decisions")
    subtitle = gettext_lazy("Decisions of governing bodies the working groups follow")

    def link(self) -> str:
        return reverse("decisions:decisions")

    def items(self):
        return live_decisions(ANONYMOUS).order_by("-created_at", "-pk")[:50]

    def item_title(self, item: Decision) -> str:
        return f"{item.sitting.body.name}: {item.title}"

    def item_description(self, item: Decision) -> str:
        # Atom's summary is HTML a feed reader renders: the text as the page shows it, escaped.
        return linebreaks(str(item.text), autoescape=True)

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
