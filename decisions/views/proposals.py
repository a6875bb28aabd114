"""The regional priority proposals pipeline (G3): calls for proposals (cycles), proposals, scores
and ranking, positions, and each step to the CROP Executives."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from decisions import operations, ranking
from decisions.forms import (
    CriterionFormSet,
    CycleForm,
    ExecutivesForm,
    LeadersForm,
    ProposalForm,
    ReopenForm,
    ScoreForm,
    SscrOutcomeForm,
    SscrSubmitForm,
    SubmitProposalForm,
)
from decisions.models import Cycle, Decision, Proposal, Score
from decisions.views.register import _editor_groups
from members.consensus import consensus, record_from_post
from papers.forms import PositionForm
from talanoa.access import (
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
