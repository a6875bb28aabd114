"""Pages of reports: the list, a report with its compiled document and progress, its editing,
the self-assessment of each objective, the checklist, and the group's report settings."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Prefetch
from django.forms import modelformset_factory
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from members.models import Objective, WorkingGroup
from reports import coverage as heat_map
from reports import operations
from reports.forms import (
    AssessmentForm,
    ChecklistItemForm,
    FlowStepForm,
    MeasuresForm,
    NewReportForm,
    RatingLevelForm,
    ReportForm,
    ReviewForm,
    TickForm,
)
from reports.models import (
    ChecklistItem,
    FlowStep,
    ObjectiveAssessment,
    ObjectiveMeasure,
    RatingLevel,
    Report,
    ReportFile,
    ReportRun,
)
from talanoa.access import (
    audience,
    get_item_for_user,
    require_editor,
    require_group_editor,
    viewer_for,
    visible,
)
from talanoa.lib.editing import conflict_rows, form_status, save_form_versioned
from talanoa.lib.exports import Column, export_format, export_response, iso, url_column
from talanoa.lib.files import download

# While a compilation runs, its page reloads itself every few seconds (no JavaScript).
REFRESH_SECONDS = 3


def _report_for(request: HttpRequest, pk: int) -> Report:
    return get_item_for_user(request, Report.objects.select_related("group", "paper"), pk)


def _editable_report(request: HttpRequest, pk: int) -> Report:
    report = _report_for(request, pk)
    require_group_editor(request, report.group)
    return report


def _objectives(report: Report) -> list[Objective]:
    return list(Objective.objects.filter(group=report.group)
                .exclude(kind=Objective.Kind.GOVERNANCE).order_by("order"))


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    viewer = viewer_for(request)
    reports = (visible(Report.objects.current(), viewer)
               .select_related("group", "paper").order_by("-period_end", "-pk"))
    if fmt := export_format(request):
        return export_response(request, "reports", [
            Column("id", lambda r: r.pk),
            Column(_("Title (English)"), lambda r: r.title_en),
            Column(_("Title (French)"), lambda r: r.title_fr),
            Column(_("Kind"), lambda r: r.get_kind_display()),
            Column(_("From"), lambda r: iso(r.period_start)),
            Column(_("To"), lambda r: iso(r.period_end)),
            Column(_("Status"), lambda r: r.paper.get_status_display() if r.paper else None),
            Column(_("Level"), lambda r: r.get_level_display()),
            Column(_("Group"), lambda r: r.group.acronym or r.group.name_en),
            url_column(request),
        ], reports, fmt)
    reports = list(reports[:200])
    groups = list(WorkingGroup.objects.filter(pk__in=viewer.editor_groups)) \
        if viewer.editor_groups else []
    return render(request, "reports/index.html", {
        "reports": reports, "editor_groups": groups, "today": timezone.localdate(),
        "coverage_group": groups[0] if groups else WorkingGroup.objects.filter(
            slug="ict").first(),
    })


@login_required
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    viewer = require_editor(request)
    start, end = NewReportForm.default_period()
    form = NewReportForm(request.POST or None, groups=viewer.editor_groups,
                         instance=Report(period_start=start, period_end=end),
                         initial={"period_start": start, "period_end": end,
                                  "kind": request.GET.get("kind", Report.Kind.ANNUAL)})
    if request.method == "POST" and form.is_valid():
        report = form.save(commit=False)
        report.kind, report.group = form.cleaned_data["kind"], form.cleaned_data["group"]
        if not report.title_en and not report.title_fr:
            report.title_en = f"{Report.Kind(report.kind).label} {report.period_end.year}"
            with _french():
                report.title_fr = f"{Report.Kind(report.kind).label} {report.period_end.year}"
        try:
            operations.create_report(report, request.user)
        except operations.StepRefused as refusal:
            transaction.set_rollback(True)
            messages.error(request, _(str(refusal)))
        else:
            messages.success(request, _("Report created. Compile it to see what the record "
                                        "says."))
            return redirect(report)
    return render(request, "reports/report_form.html", {"form": form},
                  status=400 if form.is_bound else 200)


def _french():
    from django.utils import translation

    return translation.override("fr")


def _downloads(run: ReportRun | None) -> list[ReportFile]:
    return list(run.files.all()) if run is not None and run.status == run.Status.DONE else []


@require_GET
def report(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report_for(request, pk)
    viewer = viewer_for(request)
    editor = viewer.edits(report.group_id)
    runs = list(report.runs.order_by("-requested_at", "-pk")[:10])
    current = runs[0] if runs else None
    done = next((r for r in runs if r.status == ReportRun.Status.DONE), None)
    body = None
    if done is not None:
        from reports import export

        body, _part = export.render_part(operations.render(report, done.data, get_language()),
                                         request.GET.get("part"))
    context = {
        "report": report, "editor": editor, "audience": audience(report),
        "current": current, "done": done, "runs": runs, "body": body,
        "downloads": _downloads(done),
        "refresh": REFRESH_SECONDS if current is not None and current.status in (
            ReportRun.Status.QUEUED, ReportRun.Status.RUNNING) else None,
        "editable": operations.is_editable(report),
    }
    if editor:
        context.update(_editor_context(report, done))
    return render(request, "reports/report_detail.html", context)


def _editor_context(report: Report, done: ReportRun | None) -> dict:
    assessments = {a.objective_id: a for a in report.assessments.select_related("rating")}
    objectives = _objectives(report) if report.kind == Report.Kind.ANNUAL else []
    ticks = {t.item_id: t for t in report.ticks.all()}
    steps = list(FlowStep.objects.filter(group=report.group).prefetch_related(
        Prefetch("items", queryset=ChecklistItem.objects.order_by("order", "pk"))))
    flow = [(step, [(item, ticks.get(item.pk)) for item in step.items.all()])
            for step in steps] if report.kind == Report.Kind.ANNUAL else []
    return {
        "objectives": [(o, assessments.get(o.pk)) for o in objectives],
        "flow": flow,
        "review_form": ReviewForm() if report.paper and report.paper.status == "draft"
        and done is not None else None,
    }


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    report = _editable_report(request, pk)
    if not operations.is_editable(report):
        messages.error(request, _("The report was cleared: its text can no longer change."))
        return redirect(report)
    form = ReportForm(request.POST or None, instance=report,
                      initial={"expected_version": report.version})
    saved = save_form_versioned(request, form, lambda form: operations.save_report(
        form.save(commit=False), form.cleaned_data.get("expected_version")))
    if saved is not None:
        messages.success(request, _("Saved. Compile the report again to include the change."))
        return redirect(saved)
    return render(request, "reports/report_form.html",
                  {"form": form, "report": report, "conflict": form.conflict,
                   "conflict_rows": conflict_rows(form)}, status=form_status(form))


@login_required
@require_http_methods(["GET", "POST"])
def assess(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    report = _editable_report(request, pk)
    if report.kind != Report.Kind.ANNUAL:
        raise Http404
    objective = get_object_or_404(Objective.objects.exclude(kind=Objective.Kind.GOVERNANCE),
                                  group=report.group, code=code)
    if not operations.is_editable(report):
        messages.error(request, _("The report was cleared: its text can no longer change."))
        return redirect(report)
    assessment = (ObjectiveAssessment.objects.filter(report=report, objective=objective).first()
                  or ObjectiveAssessment(report=report, objective=objective))
    form = AssessmentForm(request.POST or None, instance=assessment,
                          initial={"expected_version": assessment.version
                                   if assessment.pk else None})
    saved = save_form_versioned(request, form, lambda form: operations.save_assessment(
        form.save(commit=False), form.cleaned_data.get("expected_version")))
    if saved is not None:
        messages.success(request, _("Saved. Compile the report again to include the change."))
        return redirect(f"{report.get_absolute_url()}#assess-{objective.code}")
    done = operations.latest_run(report, done_only=True)
    figures = next((o for o in (done.data.get("objectives", []) if done else [])
                    if o.get("code") == objective.code), None)
    return render(request, "reports/assess_form.html", {
        "form": form, "report": report, "objective": objective, "figures": figures,
        "conflict": form.conflict, "conflict_rows": conflict_rows(form),
    }, status=form_status(form))


@require_POST
@login_required
def checklist(request: HttpRequest, pk: int) -> HttpResponse:
    report = _editable_report(request, pk)
    form = TickForm(request.POST, report=report)
    if not form.is_valid():
        messages.error(request, _("That checklist point cannot be ticked by hand."))
        return redirect(report)
    operations.tick(report, form.cleaned_data["item"], form.cleaned_data["done"],
                    form.cleaned_data["note"], request.user)
    messages.success(request, _("Checklist saved. Compile the report again to include it."))
    return redirect(f"{report.get_absolute_url()}#flow")


@require_POST
@login_required
def compile_report(request: HttpRequest, pk: int) -> HttpResponse:
    report = _editable_report(request, pk)
    if report.is_archived:
        raise PermissionDenied
    run = operations.queue_run(report, request.user)
    if run.requested_by_id == request.user.pk and run.status == ReportRun.Status.QUEUED:
        messages.success(request, _("Compiling: this page shows the progress."))
    return redirect(report)


@require_POST
@login_required
def to_review(request: HttpRequest, pk: int) -> HttpResponse:
    report = _editable_report(request, pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("until", [])) or _("Give a date."))
        return redirect(report)
    try:
        paper = operations.open_review(report, request.user, form.cleaned_data["until"])
    except operations.StepRefused as refusal:
        messages.error(request, _(str(refusal)))
        return redirect(report)
    messages.success(request, _("Member review is open: positions and comments are recorded "
                                "on the report's paper."))
    return redirect(paper)


@require_POST
@login_required
def archive(request: HttpRequest, pk: int) -> HttpResponse:
    report = _editable_report(request, pk)
    restore = request.POST.get("action") == "restore"
    operations.archive_report(report, archived=not restore)
    messages.success(request, _("Report restored.") if restore else _("Report archived."))
    return redirect(report)


@require_GET
def run_file(request: HttpRequest, pk: int, run_pk: int, language: str, fmt: str):
    report = _report_for(request, pk)
    record = get_object_or_404(ReportFile, run__report=report, run_id=run_pk,
                               run__status=ReportRun.Status.DONE, language=language, format=fmt)
    stem = f"{report.title_en or report.title_fr}"[:80]
    response = download(record.file, f"{stem} ({language.upper()}).{fmt}", of=report)
    return response


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest, slug: str) -> HttpResponse:
    group = get_object_or_404(WorkingGroup, slug=slug)
    require_group_editor(request, group)
    from reports import defaults, measures

    defaults.ensure_defaults(group)
    measures.ensure_default_measures(group)
    data = request.POST or None
    levels = modelformset_factory(RatingLevel, form=RatingLevelForm, extra=1, can_delete=True)(
        data, queryset=RatingLevel.objects.filter(group=group), prefix="levels")
    steps = modelformset_factory(FlowStep, form=FlowStepForm, extra=1, can_delete=True)(
        data, queryset=FlowStep.objects.filter(group=group), prefix="steps")
    items = modelformset_factory(ChecklistItem, form=ChecklistItemForm, extra=2,
                                 can_delete=True)(
        data, queryset=ChecklistItem.objects.filter(step__group=group)
        .select_related("step"), prefix="items", form_kwargs={"group": group})
    objectives = list(Objective.objects.filter(group=group)
                      .exclude(kind=Objective.Kind.GOVERNANCE).order_by("order"))
    chosen: dict[int, list[str]] = {}
    for row in ObjectiveMeasure.objects.filter(objective__group=group):
        chosen.setdefault(row.objective_id, []).append(row.measure)
    measures_form = MeasuresForm(data, objectives=objectives, chosen=chosen, prefix="measures")
    forms = (levels, steps, items, measures_form)
    if request.method == "POST" and all([f.is_valid() for f in forms]):
        try:
            operations.save_settings(group, levels, steps, items, objectives,
                                     measures_form.cleaned_data)
        except operations.StepRefused as refusal:
            messages.error(request, _(str(refusal)))
        else:
            messages.success(request, _("Report settings saved."))
            return redirect("reports:settings", slug=group.slug)
    return render(request, "reports/settings.html", {
        "group": group, "levels": levels, "steps": steps, "items": items,
        "measures_form": measures_form,
    }, status=400 if request.method == "POST" else 200)


def _todo(*args, **kwargs):
    raise Http404


# --- coverage (heat map) ---
# Years the heat map answers (outside them: 404, so no crawler walks the centuries).
COVERAGE_YEARS = range(2000, 2101)


def _coverage_year(year: int) -> int:
    if year not in COVERAGE_YEARS:
        raise Http404
    return year


@require_GET
def coverage(request: HttpRequest, slug: str, year: int) -> HttpResponse:
    """Objectives × quarters of a year, each cell the activity this reader may see."""
    group, viewer = get_object_or_404(WorkingGroup, slug=slug), viewer_for(request)
    year = _coverage_year(year)
    return render(request, "reports/coverage.html", {
        "group": group, "year": year, "rows": heat_map.coverage(group, year, viewer),
        "quarters": heat_map.QUARTERS, "previous": year - 1 if year - 1 in COVERAGE_YEARS
        else None, "next": year + 1 if year + 1 in COVERAGE_YEARS else None,
        "classes": heat_map.legend()})


@require_GET
def coverage_cell(request: HttpRequest, slug: str, year: int, code: str,
                  quarter: int) -> HttpResponse:
    """The records behind one cell, as far as this reader may see them."""
    group, viewer = get_object_or_404(WorkingGroup, slug=slug), viewer_for(request)
    year = _coverage_year(year)
    objective = get_object_or_404(heat_map.report_objectives(group), code=code)
    if quarter not in heat_map.QUARTERS:
        raise Http404
    first, last = heat_map.quarter_span(year, quarter)
    return render(request, "reports/coverage_cell.html", {
        "group": group, "year": year, "quarter": quarter, "objective": objective,
        "first": first, "last": last,
        "groups": heat_map.cell(group, year, objective, quarter, viewer)})
# --- end coverage ---
