"""Reports (G6, S11): the annual assessment of the group's work against its terms of reference,
and the regular report of ICT development.

A report is a group's item (`Protected`: level and audience as any paper). Its lifecycle is the
papers lifecycle: each report has a `papers.Paper` of kind "report" (`Report.paper`), reviewed,
cleared and submitted like any paper; the report page shows where it stands and links there.

What a report says is compiled from the record by a `ReportRun` in the background worker: the
figures, the names of the records behind them, and the narrative as it stood then, frozen as
JSON (`ReportRun.data`), then rendered in English and French as HTML, PDF and DOCX
(`ReportFile`). A later run never changes an earlier one's files.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from talanoa.lib.bilingual import localized
from talanoa.lib.markup import DOCUMENT_MAX_CHARS, MarkdownField
from talanoa.lib.models import Protected


class RatingLevel(models.Model):
    """One step of a group's self-assessment scale (configurable; a default ships)."""

    group = models.ForeignKey("members.WorkingGroup", on_delete=models.CASCADE,
                              related_name="rating_levels", verbose_name=_("group"))
    slug = models.SlugField(_("short name"), max_length=30)
    label_en = models.CharField(_("label (English)"), max_length=80)
    label_fr = models.CharField(_("label (French)"), max_length=80, blank=True)
    description_en = models.CharField(_("description (English)"), max_length=300, blank=True)
    description_fr = models.CharField(_("description (French)"), max_length=300, blank=True)
    # Higher is better; the heat map and the report's summary order levels by it.
    score = models.SmallIntegerField(_("score"), default=0)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["group", "order", "pk"]
        verbose_name = _("rating level")
        verbose_name_plural = _("rating levels")
        constraints = [models.UniqueConstraint(fields=["group", "slug"], name="rating_slug")]

    def __str__(self) -> str:  # in the reader's language: forms list levels by it
        return str(self.label)

    @property
    def label(self):
        return localized(self, "label")


class FlowStep(models.Model):
    """One step of a group's assessment flow (default: plan → implement → monitor → evaluate →
    report → improve), with its checklist."""

    group = models.ForeignKey("members.WorkingGroup", on_delete=models.CASCADE,
                              related_name="assessment_steps", verbose_name=_("group"))
    name_en = models.CharField(_("name (English)"), max_length=80)
    name_fr = models.CharField(_("name (French)"), max_length=80, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["group", "order", "pk"]
        verbose_name = _("step of the assessment flow")
        verbose_name_plural = _("steps of the assessment flow")

    def __str__(self) -> str:  # in the reader's language: forms list steps by it
        return str(self.name)

    @property
    def name(self):
        return localized(self, "name")


class ChecklistItem(models.Model):
    """One point to check at a step. `automatic` names a check (`reports.checks`) that
    Talanoa answers from the record (`automatic`); without one, a person ticks it."""

    step = models.ForeignKey(FlowStep, on_delete=models.CASCADE, related_name="items",
                             verbose_name=_("step"))
    text_en = models.CharField(_("text (English)"), max_length=300)
    text_fr = models.CharField(_("text (French)"), max_length=300, blank=True)
    automatic = models.CharField(_("automatic check"), max_length=40, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["step", "order", "pk"]
        verbose_name = _("checklist point")
        verbose_name_plural = _("checklist points")

    def __str__(self) -> str:
        return str(self.text)

    @property
    def text(self):
        return localized(self, "text")


class ObjectiveMeasure(models.Model):
    """Which recorded activity counts for an objective: a measure of `reports.measures` (papers
    submitted, decisions assessed, …) attributed to one objective. Configurable per group;
    the ICT group's defaults ship (`reports.measures.DEFAULT_MEASURES`)."""

    objective = models.ForeignKey("members.Objective", on_delete=models.CASCADE,
                                  related_name="measures", verbose_name=_("objective"))
    measure = models.CharField(_("measure"), max_length=40)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["objective", "order", "pk"]
        verbose_name = _("measure of an objective")
        verbose_name_plural = _("measures of objectives")
        constraints = [models.UniqueConstraint(fields=["objective", "measure"],
                                               name="objective_measure")]

    def __str__(self) -> str:
        return f"{self.objective_id}: {self.measure}"


class Report(Protected):
    class Kind(models.TextChoices):
        ANNUAL = "annual", _("Annual assessment report")
        ICT = "ict", _("ICT development report")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    title_en = models.CharField(_("title (English)"), max_length=300)
    title_fr = models.CharField(_("title (French)"), max_length=300, blank=True)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    # The introduction (annual) or the narrative (ICT development), in both languages.
    summary_en = MarkdownField(_("summary (English)"), blank=True, help_text=_("Markdown"))
    summary_fr = MarkdownField(_("summary (French)"), blank=True, help_text=_("Markdown"))
    narrative_en = MarkdownField(_("narrative (English)"), blank=True,
                                 help_text=_("Markdown"), max_chars=DOCUMENT_MAX_CHARS)
    narrative_fr = MarkdownField(_("narrative (French)"), blank=True,
                                 help_text=_("Markdown"), max_chars=DOCUMENT_MAX_CHARS)
    # The papers lifecycle: draft → member review → cleared → submitted → outcome.
    paper = models.OneToOneField("papers.Paper", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="report",
                                 verbose_name=_("paper"))
    history = HistoricalRecords(m2m_fields=["restricted_organisations", "restricted_people"])

    class Meta:
        ordering = ["-period_end", "-pk"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")

    def __str__(self) -> str:
        return self.title_en

    def get_absolute_url(self) -> str:
        return reverse("reports:report", args=[self.pk])

    @property
    def title(self):
        return localized(self, "title")

    @property
    def summary(self):
        return localized(self, "summary")

    @property
    def narrative(self):
        return localized(self, "narrative")


class ObjectiveAssessment(models.Model):
    """The group's own assessment of one objective in one report: rating, outputs and outcomes,
    lessons, recommendations (what a person writes; the figures are compiled)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="assessments",
                               verbose_name=_("report"))
    objective = models.ForeignKey("members.Objective", on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("objective"))
    rating = models.ForeignKey(RatingLevel, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+", verbose_name=_("rating"))
    outcomes_en = MarkdownField(_("outputs and outcomes (English)"), blank=True)
    outcomes_fr = MarkdownField(_("outputs and outcomes (French)"), blank=True)
    lessons_en = MarkdownField(_("lessons (English)"), blank=True)
    lessons_fr = MarkdownField(_("lessons (French)"), blank=True)
    recommendations_en = MarkdownField(_("recommendations (English)"), blank=True)
    recommendations_fr = MarkdownField(_("recommendations (French)"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["report", "objective__order"]
        verbose_name = _("assessment of an objective")
        verbose_name_plural = _("assessments of objectives")
        constraints = [models.UniqueConstraint(fields=["report", "objective"],
                                               name="assessment_once")]

    def __str__(self) -> str:
        return f"{self.report_id}: {self.objective_id}"


class ChecklistTick(models.Model):
    """A person's answer to a checklist point that Talanoa cannot check itself."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="ticks",
                               verbose_name=_("report"))
    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("checklist point"))
    done = models.BooleanField(_("done"), default=False)
    note = models.CharField(_("note"), max_length=500, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                           on_delete=models.SET_NULL, related_name="+", verbose_name=_("by"))
    at = models.DateTimeField(_("when"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("checklist answer")
        verbose_name_plural = _("checklist answers")
        constraints = [models.UniqueConstraint(fields=["report", "item"], name="tick_once")]

    def __str__(self) -> str:
        return f"{self.report_id}: {self.item_id} {'✓' if self.done else '—'}"


class ReportRun(models.Model):
    """One compilation of a report, in the background worker, with its progress."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Compiling")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="runs",
                               verbose_name=_("report"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.QUEUED)
    steps_done = models.PositiveIntegerField(_("steps done"), default=0)
    steps_total = models.PositiveIntegerField(_("steps in all"), default=0)
    step = models.CharField(_("current step"), max_length=200, blank=True)
    data = models.JSONField(_("compiled data"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+",
                                     verbose_name=_("requested by"))
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("compilation of a report")
        verbose_name_plural = _("compilations of reports")

    def __str__(self) -> str:
        return f"{self.report_id} #{self.pk}"

    @property
    def percent(self) -> int:
        return 100 * self.steps_done // self.steps_total if self.steps_total else 0


class ReportFile(models.Model):
    """One rendering of a run: a language and a format."""

    class Format(models.TextChoices):
        HTML = "html", "HTML"
        PDF = "pdf", "PDF"
        DOCX = "docx", "Word (DOCX)"

    run = models.ForeignKey(ReportRun, on_delete=models.CASCADE, related_name="files",
                            verbose_name=_("compilation"))
    language = models.CharField(_("language"), max_length=5)
    format = models.CharField(_("format"), max_length=5, choices=Format.choices)
    file = models.FileField(_("file"), upload_to="reports/%Y/")
    size = models.PositiveIntegerField(_("size"), default=0)

    class Meta:
        ordering = ["run", "language", "format"]
        verbose_name = _("report file")
        verbose_name_plural = _("report files")
        constraints = [models.UniqueConstraint(fields=["run", "language", "format"],
                                               name="report_file_once")]

    def __str__(self) -> str:
        return f"{self.run_id} {self.language}.{self.format}"
