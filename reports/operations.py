"""Named state changes of reports. A report's lifecycle is its paper's (papers.operations):
this module creates that paper, keeps it in step with the report, attaches the compiled files
when member review opens, and runs compilations (`run_report`, in the background worker)."""

from __future__ import annotations

import datetime
import logging
import time
from collections.abc import Callable

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext_noop

from members.models import Membership
from papers import operations as papers_operations
from papers.models import Paper, PaperKind
from papers.operations import StepRefused
from reports import defaults
from reports.document import Document
from reports.models import (
    ChecklistItem,
    ChecklistTick,
    ObjectiveAssessment,
    Report,
    ReportFile,
    ReportRun,
)
from talanoa.lib.editing import save_versioned
from talanoa.lib.reasons import with_reason

log = logging.getLogger(__name__)

LANGUAGES = ("en", "fr")
FORMATS = ("html", "pdf", "docx")
REPORT_CREATED = gettext_noop("Report created")
REPORT_ARCHIVED = gettext_noop("Report archived")

def _builder(report: Report):
    from reports import annual, ict

    return annual if report.kind == Report.Kind.ANNUAL else ict


def is_editable(report: Report) -> bool:
    """The text and the assessment change until the group clears the report, as a paper's."""
    return report.paper is None or report.paper.status in Paper.EDITABLE


def _lead_organisation(report: Report, by):
    person = getattr(by, "person", None)
    if person is not None and person.organisation_id:
        return person.organisation

    membership = (Membership.objects.active().filter(group=report.group, kind="member")
                  .select_related("organisation").order_by("pk").first())
    return membership.organisation if membership else None


def _paper_text(report: Report) -> dict[str, str]:
    from django.conf import settings

    address = settings.SITE_URL + report.get_absolute_url()
    return {"title_en": report.title_en, "title_fr": report.title_fr,
            "summary_en": f"{report.get_kind_display()}: {address}",
            "summary_fr": f"{report.title_fr or report.title_en}: {address}"}


@transaction.atomic
def create_report(report: Report, by) -> Report:
    """Store a new report with its paper (kind "report", a draft), so it goes through member
    review, clearance and submission like any paper."""
    defaults.ensure_defaults(report.group)
    report.created_by = by
    with_reason(report, REPORT_CREATED).save()
    kind, _created = PaperKind.objects.get_or_create(
        slug="report", defaults={"name_en": "Report", "name_fr": "Rapport"})
    lead = _lead_organisation(report, by)
    if lead is None:
        raise StepRefused(gettext_noop("The group has no member organisation to lead it."))
    paper = Paper(group=report.group, level=report.level, kind=kind, lead_organisation=lead,
                  **_paper_text(report))
    papers_operations.create_paper(paper, by)
    paper.restricted_organisations.set(report.restricted_organisations.all())
    paper.restricted_people.set(report.restricted_people.all())
    report.paper = paper
    report.save(update_fields=["paper"])
    return report


@transaction.atomic
def save_report(report: Report, expected_version: int | None) -> Report:
    """Save an edit (conflicts as any versioned edit); the paper follows its title and level."""
    if not is_editable(report):
        raise StepRefused(gettext_noop("The report was cleared: its text can no longer change."))
    save_versioned(report, expected_version)
    if report.paper_id:
        Paper.objects.filter(pk=report.paper_id).update(level=report.level,
                                                        **_paper_text(report))
    return report


@transaction.atomic
def save_assessment(assessment: ObjectiveAssessment,
                    expected_version: int | None) -> ObjectiveAssessment:
    if not is_editable(assessment.report):
        raise StepRefused(gettext_noop("The report was cleared: its text can no longer change."))
    if assessment.pk is None:
        # Two editors opening the same new assessment: the second save is a conflict.
        current = ObjectiveAssessment.objects.filter(report=assessment.report,
                                                     objective=assessment.objective).first()
        if current is not None:
            assessment.pk = current.pk
    return save_versioned(assessment, expected_version)


@transaction.atomic
def tick(report: Report, item: ChecklistItem, done: bool, note: str, by) -> ChecklistTick:
    record, _created = ChecklistTick.objects.select_for_update().get_or_create(
        report=report, item=item)
    record.done, record.note, record.by, record.at = done, note, by, timezone.now()
    record.save()
    return record


def latest_run(report: Report, done_only: bool = False) -> ReportRun | None:
    runs = report.runs.all()
    if done_only:
        runs = runs.filter(status=ReportRun.Status.DONE)
    return runs.order_by("-requested_at", "-pk").first()


@transaction.atomic
def queue_run(report: Report, by) -> ReportRun:
    """Queue a compilation; while one is waiting or running, that one is the answer (a double
    click compiles once)."""
    Report.objects.select_for_update().filter(pk=report.pk).first()
    pending = report.runs.filter(status__in=[ReportRun.Status.QUEUED,
                                             ReportRun.Status.RUNNING]).first()
    if pending is not None:
        return pending
    run = ReportRun.objects.create(report=report, requested_by=by)
    from reports import tasks

    transaction.on_commit(lambda: tasks.compile_report.enqueue(run.pk))
    return run


def _progress(run: ReportRun) -> Callable[[str], None]:
    def advance(label: str) -> None:
        # An update of two columns, not a save: the page polling the run reads it at once.
        ReportRun.objects.filter(pk=run.pk).update(steps_done=F("steps_done") + 1,
                                                   step=label[:200])
    return advance


def render(report: Report, data: dict, language: str) -> Document:
    with translation.override(language):
        return _builder(report).document(report, data, language)


def _render(document: Document, fmt: str) -> bytes:
    from reports import export

    content = {"html": export.render_html, "pdf": export.render_pdf,
               "docx": export.render_docx}[fmt](document)
    return content.encode("utf-8") if isinstance(content, str) else content


def _render_jobs(documents: dict[str, Document], jobs: list[tuple[str, str]],
                 advance: Callable[[str], None] | None = None) -> list[tuple[str, str, bytes]]:
    done = []
    for language, fmt in jobs:
        if advance is not None:
            advance(f"{language}.{fmt}")
        done.append((language, fmt, _render(documents[language], fmt)))
    return done


def render_files(documents: dict[str, Document], advance: Callable[[str], None]
                 ) -> list[tuple[str, str, bytes]]:
    """Every language in every format. PDF layout is most of a compilation's cost, so with
    REPORT_RENDER_PROCESSES > 1 (default: two, one per core of a small server) half of the
    files are rendered by a forked child while this process renders the other half. The child
    only lays out documents it was handed, never touches the database (it leaves with
    os._exit, so nothing inherited is closed behind the parent's back), and sends its files
    back through a pipe."""
    import os
    import pickle

    from django.conf import settings

    jobs = [(language, fmt) for fmt in ("pdf", "docx", "html") for language in documents]
    processes = getattr(settings, "REPORT_RENDER_PROCESSES", 2)
    if processes < 2 or len(documents) < 2 or not hasattr(os, "fork"):
        return _render_jobs(documents, jobs, advance)
    from reports import export

    export.warm_up()
    mine, theirs = jobs[0::2], jobs[1::2]  # en.pdf, en.docx, en.html | fr.pdf, fr.docx, fr.html
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(reader)
        try:
            payload = pickle.dumps(("ok", _render_jobs(documents, theirs)))
        except BaseException as exc:  # sent to the parent, which records it on the run
            payload = pickle.dumps(("error", f"{type(exc).__name__}: {exc}"))
        try:
            with os.fdopen(writer, "wb") as pipe:
                pipe.write(payload)
        finally:
            os._exit(0)
    os.close(writer)
    try:
        files = _render_jobs(documents, mine, advance)
    finally:
        with os.fdopen(reader, "rb") as pipe:
            received = pipe.read()
        os.waitpid(pid, 0)
    status, result = pickle.loads(received) if received else ("error", "renderer died")
    if status != "ok":
        raise RuntimeError(result)
    for language, fmt, _content in result:
        advance(f"{language}.{fmt}")
    return files + result


def run_report(run_id: int) -> ReportRun | None:
    """Compile the report and render it in both languages and three formats. Runs in the
    worker; a failure is recorded on the run (and logged), never half-stored."""

    claimed = ReportRun.objects.filter(pk=run_id, status=ReportRun.Status.QUEUED).update(
        status=ReportRun.Status.RUNNING, started_at=timezone.now())
    if not claimed:
        return None  # run by another worker already, or gone
    run = ReportRun.objects.select_related("report__group", "report__paper").get(pk=run_id)
    report = run.report
    builder = _builder(report)
    ReportRun.objects.filter(pk=run.pk).update(
        steps_total=builder.step_count(report) + len(LANGUAGES) * len(FORMATS))
    advance = _progress(run)
    started = time.monotonic()
    try:
        with translation.override("en"):
            data = (builder.compile_annual(report, advance) if report.kind == Report.Kind.ANNUAL
                    else builder.compile_ict(report, advance))
        data["compiled_seconds"] = round(time.monotonic() - started, 2)
        documents = {language: render(report, data, language) for language in LANGUAGES}
        files = render_files(documents, advance)
    except Exception as exc:  # recorded for the secretariat, and logged with its traceback
        log.exception("report run %s failed", run_id)
        ReportRun.objects.filter(pk=run.pk).update(
            status=ReportRun.Status.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000],
            finished_at=timezone.now())
        return ReportRun.objects.get(pk=run.pk)
    with transaction.atomic():
        stem = f"{report.get_kind_display()}-{report.period_end.year}-{run.pk}"
        for language, fmt, content in files:
            ReportFile.objects.create(run=run, language=language, format=fmt, size=len(content),
                                      file=ContentFile(content, name=f"{stem}-{language}.{fmt}"))
        data["seconds"] = round(time.monotonic() - started, 2)
        ReportRun.objects.filter(pk=run.pk).update(
            status=ReportRun.Status.DONE, data=data, finished_at=timezone.now(),
            step="", steps_done=F("steps_total"))
    return ReportRun.objects.get(pk=run.pk)


@transaction.atomic
def open_review(report: Report, by, until: datetime.date) -> Paper:
    """Member review of the report as compiled: its latest PDFs (English and French) become the
    paper's files, then the paper's review opens (papers.operations.open_review)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    run = latest_run(report, done_only=True)
    if run is None:
        raise StepRefused(gettext_noop("Compile the report before member review."))
    paper = Paper.objects.select_for_update().get(pk=report.paper_id)
    if paper.status != Paper.Status.DRAFT:
        raise StepRefused(gettext_noop("The report is already past its draft."))
    for record in run.files.filter(format="pdf").order_by("language"):
        with record.file.open("rb") as stored:
            upload = SimpleUploadedFile(record.file.name.rsplit("/", 1)[-1], stored.read(),
                                        content_type="application/pdf")
        title = f"{report.title_en} ({record.language.upper()}, #{run.pk})"
        papers_operations.add_file(paper, upload, title, "pdf", by)
    return papers_operations.open_review(paper, by, until)


@transaction.atomic
def archive_report(report: Report, archived: bool = True) -> Report:
    report.archived_at = timezone.now() if archived else None
    with_reason(report, REPORT_ARCHIVED if archived else gettext_noop("Report restored"))
    report.save(update_fields=["archived_at", "updated_at"])
    return report


@transaction.atomic
def save_settings(group, levels, steps, items, objectives, measures: dict[str, list[str]]) -> None:
    """Save the group's scale, flow, checklist and measures (valid formsets and form) at once.
    A rating or checklist point already used by a report is kept: removing it is refused."""
    from django.db.models import ProtectedError

    from reports.models import ObjectiveMeasure

    try:
        for formset in (levels, steps):
            for record in formset.save(commit=False):
                record.group = group
                record.save()
            for record in formset.deleted_objects:
                record.delete()
        items.save()
    except ProtectedError as exc:
        raise StepRefused(gettext_noop(
            "A rating or checklist point in use by a report cannot be removed.")) from exc
    for objective in objectives:
        wanted = measures.get(objective.code, [])
        ObjectiveMeasure.objects.filter(objective=objective).exclude(measure__in=wanted).delete()
        have = set(ObjectiveMeasure.objects.filter(objective=objective)
                   .values_list("measure", flat=True))
        ObjectiveMeasure.objects.bulk_create(
            ObjectiveMeasure(objective=objective, measure=key, order=n)
            for n, key in enumerate(wanted) if key not in have)
