"""The group's work programme (S1, S2, S3, S6, S7, S8, S9, S12, S14).

- `Task`: something an organisation (and a person in it) agreed to do, from a meeting, a
  decision's follow-up, or any other item of the group; the register of the whole group's tasks.
"""

from __future__ import annotations

import datetime

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from talanoa.lib.bilingual import BilingualNameMixin, localized
from talanoa.lib.markup import MarkdownField
from talanoa.lib.models import Archivable, Protected

# The tables keep the names they were made with when these models were part of the `work` app
# (db_table, the history's table_name): databases made before the split keep their rows.

class ExternalBody(BilingualNameMixin, Archivable):
    """A body outside CROP whose processes the group follows (S7) or whose forums it attends
    (S14): ITU, APT, ICANN, IETF, W3C, IGF, APNIC, PITA… A public record. When the body is also
    one of the group's organisations (ITU, PITA), `organisation` links the two."""

    class Kind(models.TextChoices):
        STANDARDS = "standards", _("Standards body")
        UN_AGENCY = "un_agency", _("UN agency")
        REGIONAL = "regional", _("Regional organisation")
        INTERNET_GOVERNANCE = "internet_governance", _("Internet governance")
        INDUSTRY = "industry", _("Industry association")

    slug = models.SlugField(_("short name (in web addresses)"), max_length=40, unique=True)
    acronym = models.CharField(_("acronym"), max_length=20, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_fr = models.CharField(_("name (French)"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    website = models.URLField(_("website"), blank=True)
    description_en = MarkdownField(_("description (English)"), blank=True,
                                   help_text=_("Markdown"))
    description_fr = MarkdownField(_("description (French)"), blank=True,
                                   help_text=_("Markdown"))
    organisation = models.ForeignKey("members.Organisation", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="external_bodies",
                                     verbose_name=_("organisation in the directory"),
                                     help_text=_("When the body is also one of the groups' "
                                                 "organisations"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords(table_name="work_historicalexternalbody")

    class Meta:
        db_table = "work_externalbody"
        ordering = ["order", "name_en"]
        verbose_name = _("external body")
        verbose_name_plural = _("external bodies")

    def __str__(self) -> str:
        return self.acronym or str(self.name)

    def get_absolute_url(self) -> str:
        return reverse("engagement:engagement_body", args=[self.slug])

    @property
    def description(self):
        return localized(self, "description")


class EngagementProcess(Archivable):
    """One process or consultation of an external body (a study group question, a public
    comment period, a policy development process), with its deadline. A public record, edited
    by any group's editors; the group's positions on it are `GroupPosition`s."""

    class Kind(models.TextChoices):
        PROCESS = "process", _("Process")
        CONSULTATION = "consultation", _("Consultation")
        STUDY_GROUP = "study_group", _("Study group")
        POLICY_DEVELOPMENT = "policy_development", _("Policy development")
        CONFERENCE = "conference", _("Conference preparation")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", pgettext_lazy("request or process", "Closed")

    body = models.ForeignKey(ExternalBody, on_delete=models.PROTECT, related_name="processes",
                             verbose_name=_("body"))
    title_en = models.CharField(_("title (English)"), max_length=300)
    title_fr = models.CharField(_("title (French)"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices,
                            default=Kind.CONSULTATION)
    url = models.URLField(_("link"), max_length=500, blank=True,
                          help_text=_("The process's page on the body's own site"))
    opens_on = models.DateField(_("opens"), null=True, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    # Empty: open until the deadline has passed, closed after it.
    status_set = models.CharField(_("status"), max_length=8, choices=Status.choices,
                                  blank=True,
                                  help_text=_("Leave empty to follow the deadline: open until "
                                              "it has passed, closed after it"))
    areas = models.ManyToManyField("papers.Tag", blank=True, related_name="engagement_processes",
                                   limit_choices_to={"kind": "area"},
                                   verbose_name=_("ICT areas"))
    description_en = MarkdownField(_("description (English)"), blank=True,
                                   help_text=_("Markdown"))
    description_fr = MarkdownField(_("description (French)"), blank=True,
                                   help_text=_("Markdown"))
    history = HistoricalRecords(
        excluded_fields=["updated_at"], table_name="work_historicalengagementprocess")

    class Meta:
        db_table = "work_engagementprocess"
        ordering = ["deadline", "pk"]
        verbose_name = _("process or consultation")
        verbose_name_plural = _("processes and consultations")
        indexes = [models.Index(fields=["deadline", "id"], name="engagement_live_deadline",
                                condition=models.Q(archived_at__isnull=True))]

    def __str__(self) -> str:
        return str(self.title)

    def get_absolute_url(self) -> str:
        return reverse("engagement:engagement_process", args=[self.pk])

    @property
    def title(self):
        return localized(self, "title")

    @property
    def description(self):
        return localized(self, "description")

    @property
    def status(self) -> str:
        if self.status_set:
            return self.status_set
        if self.deadline is not None and self.deadline < timezone.localdate():
            return self.Status.CLOSED
        return self.Status.OPEN

    def get_status_display(self) -> str:
        return self.Status(self.status).label

    @classmethod
    def open_q(cls, today: datetime.date | None = None) -> models.Q:
        """The processes open on `today`: set open, or following a deadline not yet passed."""
        today = today or timezone.localdate()
        return models.Q(status_set=cls.Status.OPEN) | models.Q(status_set="") & (
            models.Q(deadline__isnull=True) | models.Q(deadline__gte=today))


class GroupPosition(Protected):
    """A position the group took in an external process (a submission, a contribution, a
    statement), at its own dissemination level: members-only until it is published."""

    process = models.ForeignKey(EngagementProcess, on_delete=models.PROTECT,
                                related_name="positions", verbose_name=_("process"))
    title_en = models.CharField(_("title (English)"), max_length=300,
                                help_text=_("A short name for lists"))
    title_fr = models.CharField(_("title (French)"), max_length=300, blank=True)
    text_en = MarkdownField(_("position (English)"), blank=True, help_text=_("Markdown"))
    text_fr = MarkdownField(_("position (French)"), blank=True, help_text=_("Markdown"))
    paper = models.ForeignKey("papers.Paper", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="engagement_positions", verbose_name=_("paper"),
                              help_text=_("The paper that carried the position"))
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    outcome = MarkdownField(_("outcome and notes"), blank=True, help_text=_("Markdown"))
    history = HistoricalRecords(
        excluded_fields=["updated_at"], table_name="work_historicalgroupposition")

    class Meta:
        db_table = "work_groupposition"
        ordering = ["-created_at", "-pk"]
        verbose_name = _("position of the group")
        verbose_name_plural = _("positions of the group")
        indexes = [models.Index(fields=["-created_at", "-id"], name="groupposition_live_newest",
                                condition=models.Q(archived_at__isnull=True))]

    def __str__(self) -> str:
        return str(self.title)

    def get_absolute_url(self) -> str:
        return f"{self.process.get_absolute_url()}#position-{self.pk}"

    @property
    def title(self):
        return localized(self, "title")

    @property
    def text(self):
        return localized(self, "text")


class ForumParticipation(Protected):
    """The group at an external forum (S14): the event, on the calendar as a meeting of kind
    "External forum" at this item's level; the delegates, the Pacific position and the report
    back (a paper)."""

    meeting = models.OneToOneField("meetings.Meeting", on_delete=models.PROTECT,
                                   related_name="forum_participation",
                                   verbose_name=_("event"))
    body = models.ForeignKey(ExternalBody, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="forums", verbose_name=_("body"),
                             help_text=_("The body that holds the forum, if any"))
    delegates = models.ManyToManyField("members.Person", blank=True,
                                       related_name="forum_delegations",
                                       verbose_name=_("delegates"))
    position_en = MarkdownField(_("Pacific position (English)"), blank=True,
                                help_text=_("Markdown"))
    position_fr = MarkdownField(_("Pacific position (French)"), blank=True,
                                help_text=_("Markdown"))
    report_paper = models.ForeignKey("papers.Paper", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="forum_reports",
                                     verbose_name=_("report back"),
                                     help_text=_("The paper reporting back, after the forum"))
    history = HistoricalRecords(
        excluded_fields=["updated_at"], table_name="work_historicalforumparticipation")

    class Meta:
        db_table = "work_forumparticipation"
        ordering = ["-created_at", "-pk"]
        verbose_name = _("forum participation")
        verbose_name_plural = _("forum participations")

    def __str__(self) -> str:
        return str(self.meeting.title)

    def get_absolute_url(self) -> str:
        return reverse("engagement:forum", args=[self.pk])

    @property
    def title(self):
        return self.meeting.title

    @property
    def position(self):
        return localized(self, "position")


class EngagementDeadlineAlert(models.Model):
    """The secretariat was told of a process's deadline (once per deadline: a moved deadline
    is told again)."""

    process = models.ForeignKey(EngagementProcess, on_delete=models.CASCADE,
                                related_name="deadline_alerts", verbose_name=_("process"))
    deadline = models.DateField(_("deadline"))
    sent_at = models.DateTimeField(_("sent on"), default=timezone.now)
    recipients = models.PositiveIntegerField(_("recipients"), default=0)

    class Meta:
        db_table = "work_engagementdeadlinealert"
        verbose_name = _("deadline alert")
        verbose_name_plural = _("deadline alerts")
        constraints = [models.UniqueConstraint(fields=["process", "deadline"],
                                               name="one_alert_per_deadline")]

    def __str__(self) -> str:
        return f"{self.process} ({self.deadline})"
