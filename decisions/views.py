"""Pages of the decision register (G2) and of the proposals pipeline (G3)."""

from __future__ import annotations

import datetime
import logging
import os
from decimal import Decimal
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
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from decisions import operations, ranking
from decisions.forms import (
    CriterionFormSet,
    CycleForm,
    DecisionFilterForm,
    DecisionForm,
    DecisionOptionFormSet,
    DecisionPositionForm,
    DecisionStatusForm,
    ExecutivesForm,
    LeadersForm,
    ProposalForm,
    ReopenForm,
    ScoreForm,
    SittingForm,
    SscrOutcomeForm,
    SscrSubmitForm,
    SubmitProposalForm,
    default_review,
)
from decisions.models import Cycle, Decision, Proposal, Score, Sitting
from meetings.models import Meeting
from members.consensus import consensus, record_from_post
from members.models import WorkingGroup
from papers.forms import PositionForm
from papers.models import Paper
from talanoa.access import (
    ANONYMOUS,
    Viewer,
    can_author,
    can_view,
    get_item_for_user,
    require_editor,
    require_group_editor,
    require_member,
    viewer_for,
    visible,
)
from talanoa.lib.editing import conflict_rows, form_status, save_form_versioned
from talanoa.lib.exports import Column, export_format, export_response, iso, url_column
from talanoa.lib.files import download
from tasks.forms import TaskForm

logger = logging.getLogger(__name__)

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

def _cycle_for(request: HttpRequest, pk: int) -> Cycle:
    """A cycle is a public call for proposals; an archived one is its group's editors' only."""
    cycle = get_object_or_404(Cycle.objects.select_related("group"), pk=pk)
    if cycle.is_archived and not viewer_for(request).edits(cycle.group_id):
        raise Http404
    return cycle


def visible_leaders_decision(proposal: Proposal, viewer: Viewer) -> Decision | None:
    """The decision the proposal led to, if the reader may see it (it may have been narrowed
    or archived since)."""
    decision = (getattr(proposal, "leaders_decision", None)
                if proposal.status == Proposal.Status.DECIDED else None)
    return decision if decision is not None and can_view(decision, viewer) else None


@require_GET
def cycles(request: HttpRequest) -> HttpResponse:
    viewer = viewer_for(request)
    listed = Cycle.objects.select_related("group")
    if not viewer.is_superuser:
        listed = listed.filter(archived_at__isnull=True) | listed.filter(
            group_id__in=viewer.editor_groups)
    if fmt := export_format(request):
        return export_response(request, "proposal-cycles", [
            Column("id", lambda c: c.pk),
            Column(_("Name (English)"), lambda c: c.name_en),
            Column(_("Name (French)"), lambda c: c.name_fr),
            Column(_("Group"), lambda c: c.group.acronym or c.group.name_en),
            Column(_("Submissions open"), lambda c: iso(c.opens_on)),
            Column(_("Submissions close"), lambda c: iso(c.closes_on)),
            Column(_("Scoring until"), lambda c: iso(c.scoring_until)),
            Column(_("Archived"), lambda c: _("yes") if c.is_archived else _("no")),
            url_column(request),
        ], listed, fmt)
    listed = list(listed[:100])
    now = timezone.now()
    return render(request, "decisions/proposals/cycles.html", {
        "cycles": listed, "open": [c for c in listed if c.is_open(now)],
        "can_create": viewer.is_editor})


@login_required
@require_http_methods(["GET", "POST"])
def cycle_new(request: HttpRequest) -> HttpResponse:
    viewer = require_editor(request)
    groups = _editor_groups(viewer)
    form = CycleForm(request.POST or None, groups=groups, instance=Cycle(),
                     initial={"group": next(iter(groups))} if len(groups) == 1 else {})
    if request.method == "POST" and form.is_valid():
        cycle = operations.create_cycle(form.save(commit=False), request.user)
        messages.success(request, _("Cycle created with the default criteria: adjust them "
                                    "and their weights below."))
        return redirect("decisions:cycle_edit", pk=cycle.pk)
    return render(request, "decisions/proposals/cycle_form.html", {"form": form},
                  status=400 if form.is_bound else 200)


@login_required
@require_http_methods(["GET", "POST"])
def cycle_edit(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = _cycle_for(request, pk)
    viewer = require_group_editor(request, cycle.group)
    form = CycleForm(request.POST or None, instance=cycle, groups=_editor_groups(viewer))
    criteria = CriterionFormSet(request.POST or None, instance=cycle, prefix="criteria")
    saved = save_form_versioned(request, form, lambda form: operations.save_cycle(
        form.save(commit=False), form.cleaned_data.get("expected_version"), criteria),
        formsets=[criteria])
    if saved is not None:
        messages.success(request, _("Saved."))
        return redirect(cycle)
    return render(request, "decisions/proposals/cycle_form.html",
                  {"form": form, "criteria": criteria, "cycle": cycle,
                   "conflict": form.conflict, "conflict_rows": conflict_rows(form)},
                  status=form_status(form, criteria))


@require_GET
def cycle_detail(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = _cycle_for(request, pk)
    viewer = viewer_for(request)
    proposals = (visible(Proposal.objects.select_related("lead_organisation"), viewer)
                 .filter(cycle=cycle, archived_at__isnull=True))
    if fmt := export_format(request):
        return export_response(request, f"proposals-cycle-{cycle.pk}", [
            Column("id", lambda p: p.pk),
            Column(_("Title (English)"), lambda p: p.title_en),
            Column(_("Title (French)"), lambda p: p.title_fr),
            Column(_("Lead organisation"), lambda p: p.lead_organisation.short),
            Column(_("Stage"), lambda p: p.get_status_display()),
            Column(_("Submitted"), lambda p: iso(p.submitted_at)),
            Column(_("Level"), lambda p: p.get_level_display()),
            url_column(request),
        ], proposals, fmt)
    proposals = list(proposals)
    return render(request, "decisions/proposals/cycle_detail.html", {
        "cycle": cycle, "proposals": proposals, "criteria": list(cycle.criteria.all()),
        "is_open": cycle.is_open(), "not_yet": timezone.now() < cycle.opens_at,
        "editor": viewer.edits(cycle.group_id),
        "member": viewer.sees_members_level(cycle.group_id)})


@login_required
@require_GET
def cycle_ranking(request: HttpRequest, pk: int) -> HttpResponse:
    """The cycle's submitted proposals ranked by their weighted mean score (decisions.ranking),
    in a constant number of queries however many proposals, criteria and scores."""
    cycle = _cycle_for(request, pk)
    viewer = require_member(request, cycle.group)
    criteria = list(cycle.criteria.all())
    proposals = {p.pk: p for p in visible(
        Proposal.objects.select_related("lead_organisation")
        .prefetch_related("restricted_organisations"), viewer)
        .filter(cycle=cycle, archived_at__isnull=True).exclude(status=Proposal.Status.DRAFT)}
    members = set(operations.group_member_organisation_ids(cycle.group_id))
    expected = {pk: len(members & {o.pk for o in p.restricted_organisations.all()})
                if p.level == Proposal.Level.RESTRICTED else len(members)
                for pk, p in proposals.items()}
    scores = (Score.objects.filter(proposal_id__in=list(proposals))
              .values_list("proposal_id", "criterion_id", "organisation_id", "value"))
    ranked = ranking.rank(proposals, [(c.pk, c.weight) for c in criteria], scores, expected)
    rows = [(r, proposals[r.proposal_id], list(zip(criteria, r.criteria, strict=True)))
            for r in ranked]
    if fmt := export_format(request):
        def mean(value: float | None) -> Decimal | None:
            return None if value is None else Decimal(f"{value:.4f}")

        return export_response(request, f"ranking-cycle-{cycle.pk}", [
            Column(_("Rank"), lambda row: row[0].rank),
            Column(_("Tied"), lambda row: _("yes") if row[0].tied else _("no")),
            Column(_("Title (English)"), lambda row: row[1].title_en),
            Column(_("Title (French)"), lambda row: row[1].title_fr),
            Column(_("Lead organisation"), lambda row: row[1].lead_organisation.short),
            Column(_("Stage"), lambda row: row[1].get_status_display()),
            Column(_("Score"), lambda row: mean(row[0].score)),
            Column(_("Organisations scored"), lambda row: row[0].organisations_scored),
            Column(_("Organisations expected"), lambda row: row[0].organisations_expected),
            Column(_("Organisations disagree"),
                   lambda row: _("yes") if row[0].disagree else _("no")),
            *[Column(f"{criterion.title_en or criterion.title_fr} (×{criterion.weight})",
                     lambda row, n=n: mean(row[0].criteria[n].mean))
              for n, criterion in enumerate(criteria)],
            Column("URL", lambda row: request.build_absolute_uri(row[1].get_absolute_url())),
        ], rows, fmt, restricted=lambda row: True)
    return render(request, "decisions/proposals/ranking.html", {
        "cycle": cycle, "criteria": criteria, "rows": rows,
        "spread": ranking.DISAGREEMENT_SPREAD})


def _lead_choices(viewer: Viewer, group_id: int) -> list[int] | None:
    """An editor may draft for any organisation; a representative for those they represent."""
    if viewer.edits(group_id):
        return None
    return list(viewer.org_ids)


@login_required
@require_http_methods(["GET", "POST"])
def proposal_new(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = _cycle_for(request, pk)
    viewer = require_member(request, cycle.group)
    lead_choices = _lead_choices(viewer, cycle.group_id)
    criteria = list(cycle.criteria.all())
    form = ProposalForm(request.POST or None, criteria=criteria, lead_choices=lead_choices,
                        instance=Proposal(cycle=cycle, group=cycle.group),
                        initial={"lead_organisation": lead_choices[0]} if lead_choices else {})
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            proposal = form.save(commit=False)
            operations.create_proposal(proposal, request.user, form.answers())
            form.save_m2m()
        messages.success(request, _("Draft saved."))
        return redirect(proposal)
    return render(request, "decisions/proposals/proposal_form.html",
                  {"form": form, "cycle": cycle}, status=400 if form.is_bound else 200)


def _authored_proposal(request: HttpRequest, pk: int) -> Proposal:
    """The proposal, if the request may change its text: the lead organisation's
    representatives and the group's editors, while it is a draft or held."""
    proposal = get_item_for_user(request, Proposal.objects.select_related("cycle", "group"), pk)
    if not can_author(proposal, viewer_for(request)):
        raise PermissionDenied
    if not proposal.is_editable:
        messages.error(request, _("The proposal was submitted: its text can no longer change."))
        raise PermissionDenied
    return proposal


@login_required
@require_http_methods(["GET", "POST"])
def proposal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _authored_proposal(request, pk)
    viewer = viewer_for(request)
    lead_choices = _lead_choices(viewer, proposal.group_id)
    if lead_choices is not None:
        lead_choices.append(proposal.lead_organisation_id)
    form = ProposalForm(request.POST or None, instance=proposal, lead_choices=lead_choices,
                        criteria=list(proposal.cycle.criteria.all()),
                        answers={a.criterion_id: a.text for a in proposal.answers.all()})

    def save(form):
        with transaction.atomic():
            saved = operations.save_proposal(form.save(commit=False),
                                             form.cleaned_data.get("expected_version"),
                                             form.answers())
            form.save_m2m()
        return saved

    try:
        saved = save_form_versioned(request, form, save)
    except operations.ProposalRefused as exc:
        messages.error(request, _(str(exc)))
        return redirect(proposal)
    if saved is not None:
        messages.success(request, _("Saved."))
        return redirect(proposal)
    return render(request, "decisions/proposals/proposal_form.html",
                  {"form": form, "cycle": proposal.cycle, "proposal": proposal,
                   "conflict": form.conflict, "conflict_rows": conflict_rows(form)},
                  status=form_status(form))


@require_GET
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_item_for_user(request, Proposal.objects.select_related(
        "cycle", "group", "lead_organisation").prefetch_related(
        "partners", "tags", "restricted_organisations", "restricted_people"), pk)
    viewer = viewer_for(request)
    editor = viewer.edits(proposal.group_id)
    author = can_author(proposal, viewer)
    criteria = list(proposal.cycle.criteria.all())
    answers = {a.criterion_id: a for a in proposal.answers.all()}
    member = viewer.sees_members_level(proposal.group_id)
    scores = list(proposal.scores.select_related("organisation")) if member else []
    [ranked] = ranking.rank([proposal.pk], [(c.pk, c.weight) for c in criteria],
                            [(s.proposal_id, s.criterion_id, s.organisation_id, s.value)
                             for s in scores])
    by_criterion: dict[int, list] = {}
    for score in scores:
        by_criterion.setdefault(score.criterion_id, []).append(score)
    standing = consensus(proposal, proposal.positions.all())
    deciding = proposal.status in (Proposal.Status.SUBMITTED, Proposal.Status.HELD)
    speaks_for = operations.speaks_for(proposal, viewer.person_id) if deciding else []
    scoring = proposal.status == Proposal.Status.SUBMITTED and bool(speaks_for)
    mine = {(s.organisation_id, s.criterion_id): s for s in scores}
    score_initial = {}
    if scoring:
        for c in criteria:
            if (own := mine.get((speaks_for[0].pk, c.pk))) is not None:
                score_initial[f"value_{c.pk}"] = own.value
                score_initial[f"comment_{c.pk}"] = own.comment
    context = {
        "proposal": proposal, "editor": editor, "author": author, "member": member,
        "rows": [(c, answers.get(c.pk), stats, by_criterion.get(c.pk, []))
                 for c, stats in zip(criteria, ranked.criteria, strict=True)],
        "ranked": ranked, "consensus": standing,
        "waiting_for": _waiting_for(proposal),
        "transitions": list(proposal.transitions.select_related("by__person")) if member
        else [],
        "window_refusal": operations.window_refusal(proposal.cycle),
        "score_form": ScoreForm(organisations=speaks_for, criteria=criteria,
                                initial={"organisation": speaks_for[0].pk, **score_initial})
        if scoring else None,
        "position_form": PositionForm(organisations=speaks_for,
                                      initial={"organisation": speaks_for[0].pk})
        if speaks_for else None,
        "decision": visible_leaders_decision(proposal, viewer),
    }
    if author and proposal.status == Proposal.Status.DRAFT:
        context["submit_form"] = SubmitProposalForm()
    if editor:
        context.update({"executives_form": ExecutivesForm(), "reopen_form": ReopenForm(),
                        "sscr_form": SscrSubmitForm(), "outcome_form": SscrOutcomeForm(),
                        "leaders_form": LeadersForm()
                        if proposal.status == Proposal.Status.SSCR_DECIDED else None})
    return render(request, "decisions/proposals/proposal_detail.html", context)


def _waiting_for(proposal: Proposal) -> str:
    """Who must act next, in words, for the proposal's page."""
    status, S = proposal.status, Proposal.Status
    if status == S.DRAFT:
        return _("the lead organisation (%(lead)s) to finish and submit the draft") % {
            "lead": proposal.lead_organisation.short}
    if status == S.SUBMITTED:
        outstanding = operations.unscored_organisations(proposal)
        if outstanding:
            names = ", ".join(o.short for o in outstanding[:12])
            if len(outstanding) > 12:
                names += " " + _("and %(count)s more") % {"count": len(outstanding) - 12}
            return _("scores from %(names)s; then CROP Executives' decision") % {"names": names}
        return _("CROP Executives to forward, hold or reject the proposal")
    if status == S.HELD:
        return _("CROP Executives to decide again (or the secretariat to reopen scoring)")
    if status == S.FORWARDED:
        return _("the secretariat to submit the proposal to the SSCR")
    if status == S.AT_SSCR:
        return _("the SSCR's outcome")
    if status == S.SSCR_DECIDED:
        if proposal.sscr_outcome == Proposal.SscrOutcome.RECOMMENDED:
            return _("the Forum Leaders' decision")
        if proposal.sscr_outcome == Proposal.SscrOutcome.DEFERRED:
            return _("a later SSCR meeting")
    return ""


@require_POST
@login_required
def proposal_score(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_item_for_user(request, Proposal.objects.select_related("cycle"), pk)
    organisations = operations.speaks_for(proposal, viewer_for(request).person_id)
    if not organisations:
        raise PermissionDenied
    form = ScoreForm(request.POST, organisations=organisations,
                     criteria=list(proposal.cycle.criteria.all()))
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(f"{proposal.get_absolute_url()}#scores")
    try:
        operations.record_scores(proposal, form.cleaned_data["organisation"], form.values(),
                                 request.user.person)
    except operations.ProposalRefused as exc:
        messages.error(request, _(str(exc)))
    else:
        messages.success(request, _("Scores recorded."))
    return redirect(f"{proposal.get_absolute_url()}#scores")


@require_POST
@login_required
def proposal_position(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_item_for_user(request, Proposal, pk)
    return record_from_post(request, proposal, PositionForm,
                            operations.record_proposal_position,
                            refused=[operations.ProposalRefused])


PROPOSAL_STEP_FORMS = {"submit": SubmitProposalForm, "executives": ExecutivesForm,
                       "reopen": ReopenForm, "sscr": SscrSubmitForm,
                       "sscr_outcome": SscrOutcomeForm, "leaders": LeadersForm}


@require_POST
@login_required
def proposal_step(request: HttpRequest, pk: int) -> HttpResponse:
    """One step of the pipeline: submission by the authors, the rest by the chair and
    secretariat. Every step carries the version its page showed (a stale one is refused)."""
    proposal = get_item_for_user(request, Proposal.objects.select_related("cycle"), pk)
    viewer = viewer_for(request)
    action = request.POST.get("action", "")
    editor = viewer.edits(proposal.group_id)
    if not (editor or (action == "submit" and can_author(proposal, viewer))):
        raise PermissionDenied
    form_class = PROPOSAL_STEP_FORMS.get(action)
    if form_class is None:
        messages.error(request, _("Unknown step."))
        return redirect(proposal)
    form = form_class(request.POST)
    expected = request.POST.get("expected_version", "")
    if not form.is_valid() or not expected.isdigit():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        if not expected.isdigit():
            messages.error(request, _("Reload the page, then try again."))
        return redirect(proposal)
    data, user, version = form.cleaned_data, request.user, int(expected)
    try:
        if action == "submit":
            # Only the secretariat may submit late; an author's reason is not one.
            late = data["late_reason"] if editor else ""
            operations.submit_proposal(proposal, user, version, late_reason=late)
        elif action == "executives":
            operations.record_executives_decision(proposal, data["decision"], data["reasons"],
                                                  user, version)
        elif action == "reopen":
            operations.reopen_scoring(proposal, user, data["reason"], version)
        elif action == "sscr":
            operations.submit_to_sscr(proposal, data["on"], data["reference"], user, version)
        elif action == "sscr_outcome":
            operations.record_sscr_outcome(proposal, data["outcome"], data["note"], user,
                                           version)
        elif action == "leaders":
            with transaction.atomic():
                sitting = data["sitting"] or operations.create_leaders_sitting(
                    data["new_title"], data["new_starts_on"], data["new_place"])
                operations.record_leaders_decision(proposal, sitting, data["reference"],
                                                   data["text_en"], data["text_fr"], user,
                                                   version)
    except operations.ProposalRefused as exc:
        messages.error(request, _(str(exc)))
    else:
        messages.success(request, _("Done."))
    return redirect(proposal)
