"""Decisions of governing bodies the group follows (G2), and the proposals pipeline that leads
to them through the Framework for Pacific Regionalism (G3).

- A `Sitting` is one meeting of a governing body (`members.Body`: Forum Leaders, Forum Economic
  Ministers, FOC, SSCR, CROP Executives, ICT Ministers, agencies' councils) with its outcome
  document (a communiqué: a file or a link). Sittings are public records.
- A `Decision` is one decision of a sitting (a communiqué paragraph), with the group's
  assessment of it (analysis, `DecisionOption`s, the advice given to CROP Executives and the
  paper that carried it), and its implementation: a status with history, a review date and
  follow-up actions (`tasks.Task` with ``decision`` set).
- A `Cycle` is one round of the regional prioritisation: a submission window, and the criteria
  (`Criterion`: the regionalism tests and the group's own) proposals answer and members score.
- A `Proposal` goes draft → submitted → (scored by member organisations) → decided by CROP
  Executives (forward / hold / reject) → submitted to the SSCR → SSCR outcome → Leaders'
  decision, which enters the register as a `Decision`.
- `DecisionPosition` and `ProposalPosition` are the group's positions (R4), one component with
  papers' (`members.consensus`).
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from members.consensus import PositionBase
from papers.models import OptionBase
from talanoa.lib.bilingual import localized
from talanoa.lib.markup import MarkdownField
from talanoa.lib.models import Archivable, Protected, Transition

# A window's dates are inclusive in every member's calendar: it opens when the date begins at
# UTC+14 (Kiribati, the first place to reach it) and closes when it ends at UTC-12 ("anywhere
# on earth"), so no one across the date line finds it shut a day early.
FIRST_ZONE = ZoneInfo("Etc/GMT-14")
LAST_ZONE = ZoneInfo("Etc/GMT+12")


class Sitting(Archivable):
    """One meeting of a governing body, with its outcome document."""

    body = models.ForeignKey("members.Body", on_delete=models.PROTECT, related_name="sittings",
                             verbose_name=_("body"))
    title_en = models.CharField(_("title (English)"), max_length=300,
                                help_text=_("e.g. 53rd Pacific Islands Forum Leaders Meeting"))
    title_fr = models.CharField(_("title (French)"), max_length=300, blank=True)
    starts_on = models.DateField(_("date"))
    ends_on = models.DateField(_("last day"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    outcome_url = models.URLField(_("outcome document (link)"), max_length=500, blank=True,
                                  help_text=_("The communiqué or record on the body's own site"))
    outcome_file = models.FileField(_("outcome document (file)"), blank=True, max_length=300,
                                    upload_to="decisions/sittings/%Y/")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts_on", "-pk"]
        verbose_name = _("sitting")
        verbose_name_plural = _("sittings")

    def __str__(self) -> str:
        return str(self.title)

    @property
    def title(self):
        return localized(self, "title")

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        # Its decisions carry its date (Decision.decided_on); a copy, not an edit: no history.
        self.decisions.exclude(decided_on=self.starts_on).update(decided_on=self.starts_on)

    def get_absolute_url(self) -> str:
        return reverse("decisions:sitting", args=[self.pk])


class Decision(Protected):
    """One decision of a governing body, as the group follows it."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        STALLED = "stalled", _("Stalled")

    OPEN_STATUSES = (Status.NOT_STARTED, Status.IN_PROGRESS, Status.STALLED)

    sitting = models.ForeignKey(Sitting, on_delete=models.PROTECT, related_name="decisions",
                                verbose_name=_("sitting"))
    # The sitting's date, copied so that the register can walk an index of its own table newest
    # first (ordering by a joined column sorts every visible row); kept by save() on both sides.
    decided_on = models.DateField(_("date"), editable=False)
    reference = models.CharField(_("reference"), max_length=100,
                                 help_text=_("Where it stands in the outcome document, e.g. "
                                             "“paragraph 42”"))
    title_en = models.CharField(_("title (English)"), max_length=300,
                                help_text=_("A short name for lists"))
    title_fr = models.CharField(_("title (French)"), max_length=300, blank=True)
    text_en = models.TextField(_("text (English)"), blank=True,
                               help_text=_("The decision as the body worded it"))
    text_fr = models.TextField(_("text (French)"), blank=True)
    concerns_ict = models.BooleanField(_("concerns ICT"), default=True)
    ict_reason = models.TextField(_("why it concerns ICT (or not)"), blank=True)
    analysis_en = MarkdownField(_("analysis (English)"), blank=True,
                                help_text=_("Markdown"))
    analysis_fr = MarkdownField(_("analysis (French)"), blank=True, help_text=_("Markdown"))
    advice_en = MarkdownField(_("advice to CROP Executives (English)"), blank=True,
                              help_text=_("Markdown"))
    advice_fr = MarkdownField(_("advice to CROP Executives (French)"), blank=True,
                              help_text=_("Markdown"))
    advice_paper = models.ForeignKey("papers.Paper", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="advised_decisions",
                                     verbose_name=_("advice paper"),
                                     help_text=_("The paper that carried the advice"))
    status = models.CharField(_("implementation"), max_length=12, choices=Status.choices,
                              default=Status.NOT_STARTED)
    review_on = models.DateField(_("next review"), null=True, blank=True)
    papers = models.ManyToManyField("papers.Paper", blank=True, related_name="decisions",
                                    verbose_name=_("papers it concerns"))
    meetings = models.ManyToManyField("meetings.Meeting", blank=True,
                                      related_name="decisions_followed",
                                      verbose_name=_("meetings"))
    # The indicators app (issue 7) does not exist yet: codes as published by the World Bank
    # (IT.NET.USER.ZS), linked to the catalogue once it exists.
    indicator_codes = models.CharField(_("indicators"), max_length=300, blank=True,
                                       help_text=_("Indicator codes, separated by spaces, "
                                                   "e.g. IT.NET.USER.ZS"))
    tags = models.ManyToManyField("papers.Tag", blank=True, related_name="decisions",
                                  verbose_name=_("tags"))
    proposal = models.OneToOneField("Proposal", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="leaders_decision",
                                    verbose_name=_("from the proposal"))
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-decided_on", "sitting", "reference", "pk"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        indexes = [models.Index(fields=["status", "review_on"],
                                name="decision_review_due"),
                   # The register walks live decisions newest first (cursor paging).
                   models.Index(fields=["-decided_on", "-id"], name="decision_live_newest",
                                condition=models.Q(archived_at__isnull=True))]

    def __str__(self) -> str:
        return str(self.title)

    @property
    def title(self):
        return localized(self, "title")

    @property
    def text(self):
        return localized(self, "text")

    @property
    def analysis(self):
        return localized(self, "analysis")

    @property
    def advice(self):
        return localized(self, "advice")

    @property
    def review_overdue(self) -> bool:
        return (self.status in self.OPEN_STATUSES and self.review_on is not None
                and self.review_on < timezone.localdate())

    @property
    def indicator_list(self) -> list[str]:
        return self.indicator_codes.split()

    def save(self, *args, **kwargs) -> None:
        self.decided_on = self.sitting.starts_on
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "decided_on"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("decisions:decision", args=[self.pk])


class DecisionTransition(Transition):
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="transitions",
                                 verbose_name=_("decision"))

    class Meta(Transition.Meta):
        verbose_name = _("implementation status change")
        verbose_name_plural = _("implementation status changes")


class DecisionOption(OptionBase):
    """An option for CROP engagement or implementation; at most one is recommended."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="options",
                                 verbose_name=_("decision"))
    history = HistoricalRecords()

    class Meta(OptionBase.Meta):
        pass


class DecisionPosition(PositionBase):
    """A member organisation's position on the group's assessment and advice."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="positions",
                                 verbose_name=_("decision"))
    history = HistoricalRecords()

    class Meta(PositionBase.Meta):
        constraints = [models.UniqueConstraint(fields=["decision", "organisation"],
                                               name="one_position_per_decision")]


# --- The proposals pipeline (G3) -------------------------------------------------------------

class Cycle(Archivable):
    """One round of regional prioritisation: a submission window and the criteria."""

    group = models.ForeignKey("members.WorkingGroup", on_delete=models.PROTECT,
                              related_name="cycles", verbose_name=_("group"))
    name_en = models.CharField(_("name (English)"), max_length=200,
                               help_text=_("e.g. 2027 regional priorities"))
    name_fr = models.CharField(_("name (French)"), max_length=200, blank=True)
    opens_on = models.DateField(_("submissions open"))
    closes_on = models.DateField(_("submissions close"))
    scoring_until = models.DateField(_("scoring until"), null=True, blank=True)
    notes_en = MarkdownField(_("guidance (English)"), blank=True, help_text=_("Markdown"))
    notes_fr = MarkdownField(_("guidance (French)"), blank=True, help_text=_("Markdown"))
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-opens_on", "-pk"]
        verbose_name = _("prioritisation cycle")
        verbose_name_plural = _("prioritisation cycles")
        constraints = [models.CheckConstraint(
            condition=models.Q(closes_on__gte=models.F("opens_on")),
            name="cycle_closes_after_it_opens")]

    def __str__(self) -> str:
        return str(self.name)

    @property
    def name(self):
        return localized(self, "name")

    @property
    def notes(self):
        return localized(self, "notes")

    @property
    def opens_at(self) -> datetime.datetime:
        return datetime.datetime.combine(self.opens_on, datetime.time(), FIRST_ZONE)

    @property
    def closes_at(self) -> datetime.datetime:
        return datetime.datetime.combine(self.closes_on + datetime.timedelta(days=1),
                                         datetime.time(), LAST_ZONE)

    def is_open(self, now: datetime.datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.opens_at <= now < self.closes_at

    def get_absolute_url(self) -> str:
        return reverse("decisions:cycle", args=[self.pk])


class Criterion(models.Model):
    """A question every proposal of a cycle answers and member organisations score (1–5)."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="criteria",
                              verbose_name=_("cycle"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title_en = models.CharField(_("criterion (English)"), max_length=200)
    title_fr = models.CharField(_("criterion (French)"), max_length=200, blank=True)
    question_en = models.TextField(_("question (English)"), blank=True)
    question_fr = models.TextField(_("question (French)"), blank=True)
    weight = models.PositiveSmallIntegerField(_("weight"), default=1,
                                              validators=[MinValueValidator(1),
                                                          MaxValueValidator(10)])
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")

    def __str__(self) -> str:
        return str(self.title)

    @property
    def title(self):
        return localized(self, "title")

    @property
    def question(self):
        return localized(self, "question")


class Proposal(Protected):
    """A regional initiative proposed for the Leaders' agenda through the FPR process."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted: members score it")
        FORWARDED = "forwarded", _("Forwarded by CROP Executives")
        HELD = "held", _("Held by CROP Executives")
        REJECTED = "rejected", _("Not forwarded")
        AT_SSCR = "at_sscr", _("Submitted to the SSCR")
        SSCR_DECIDED = "sscr_decided", _("SSCR outcome recorded")
        DECIDED = "decided", _("Leaders' decision registered")

    class SscrOutcome(models.TextChoices):
        RECOMMENDED = "recommended", _("Recommended to Leaders")
        NOT_RECOMMENDED = "not_recommended", _("Not recommended")
        DEFERRED = "deferred", _("Deferred")

    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="proposals",
                              verbose_name=_("cycle"))
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    title_fr = models.CharField(_("title (French)"), max_length=300, blank=True)
    lead_organisation = models.ForeignKey("members.Organisation", on_delete=models.PROTECT,
                                          related_name="led_proposals",
                                          verbose_name=_("lead organisation"))
    partners = models.ManyToManyField("members.Organisation", blank=True,
                                      related_name="partner_proposals",
                                      verbose_name=_("partner organisations"))
    problem = MarkdownField(_("the problem"), blank=True, help_text=_("Markdown"))
    initiative = MarkdownField(_("what the initiative would do"), blank=True,
                               help_text=_("Markdown"))
    public_good = MarkdownField(_("why it is a regional public good"), blank=True,
                                help_text=_("Markdown"))
    tags = models.ManyToManyField("papers.Tag", blank=True, related_name="proposals",
                                  verbose_name=_("tags"))
    status = models.CharField(_("stage"), max_length=14, choices=Status.choices,
                              default=Status.DRAFT)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True, editable=False)
    executives_reasons = models.TextField(_("CROP Executives' reasons"), blank=True,
                                          editable=False)
    sscr_submitted_on = models.DateField(_("submitted to the SSCR on"), null=True, blank=True,
                                         editable=False)
    sscr_reference = models.CharField(_("SSCR reference"), max_length=100, blank=True,
                                      editable=False)
    sscr_outcome = models.CharField(_("SSCR outcome"), max_length=16, blank=True,
                                    choices=SscrOutcome.choices, editable=False)
    sscr_note = models.TextField(_("SSCR outcome note"), blank=True, editable=False)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["cycle", "title_en", "pk"]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")

    def __str__(self) -> str:
        return str(self.title)

    @property
    def title(self):
        return localized(self, "title")

    # Stages where the authors may still change the text: a draft, and a proposal CROP
    # Executives held (revised, it goes back to the members for scoring).
    EDITABLE = (Status.DRAFT, Status.HELD)

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE

    def get_absolute_url(self) -> str:
        return reverse("decisions:proposal", args=[self.pk])


class ProposalTransition(Transition):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="transitions",
                                 verbose_name=_("proposal"))

    class Meta(Transition.Meta):
        verbose_name = _("proposal step")
        verbose_name_plural = _("proposal steps")

    @property
    def to_label(self) -> str:
        return (Proposal.Status(self.to_status).label if self.to_status in Proposal.Status.values
                else self.to_status)


class Answer(models.Model):
    """A proposal's answer to one criterion of its cycle (the regionalism tests)."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="answers",
                                 verbose_name=_("proposal"))
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="answers",
                                  verbose_name=_("criterion"))
    text = MarkdownField(_("answer"), blank=True, help_text=_("Markdown"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["criterion__order", "criterion"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [models.UniqueConstraint(fields=["proposal", "criterion"],
                                               name="one_answer_per_criterion")]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.text[:60]}"


class Score(models.Model):
    """A member organisation's score of a proposal on one criterion (1 weak – 5 strong)."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="scores",
                                 verbose_name=_("proposal"))
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="scores",
                                  verbose_name=_("criterion"))
    organisation = models.ForeignKey("members.Organisation", on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("organisation"))
    value = models.PositiveSmallIntegerField(_("score"), validators=[MinValueValidator(1),
                                                                     MaxValueValidator(5)])
    comment = models.TextField(_("comment"), blank=True)
    person = models.ForeignKey("members.Person", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+",
                               verbose_name=_("scored by"))
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["criterion__order", "organisation__name_en"]
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["proposal", "criterion", "organisation"],
                                    name="one_score_per_criterion_and_organisation"),
            models.CheckConstraint(condition=models.Q(value__gte=1, value__lte=5),
                                   name="score_from_one_to_five"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.criterion} = {self.value}"


class ProposalPosition(PositionBase):
    """A member organisation's position on forwarding the proposal."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="positions",
                                 verbose_name=_("proposal"))
    history = HistoricalRecords()

    class Meta(PositionBase.Meta):
        constraints = [models.UniqueConstraint(fields=["proposal", "organisation"],
                                               name="one_position_per_proposal")]
