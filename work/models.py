"""The group's work programme (S1, S2, S3, S6, S7, S8, S9, S12, S14).

- `Task`: something an organisation (and a person in it) agreed to do, from a meeting, a
  decision's follow-up, or any other item of the group; the register of the whole group's tasks.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from meetings.models import Transition

# --- Work plan ------------------------------------------------------------------------------


# --- Tasks ------------------------------------------------------------------------------------


class Task(models.Model):
    """Something someone agreed to do (an action item of a meeting, a decision's follow-up…)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    OPEN_STATUSES = (Status.OPEN, Status.IN_PROGRESS)

    group = models.ForeignKey("members.WorkingGroup", on_delete=models.PROTECT,
                              related_name="tasks", verbose_name=_("group"))
    # What the task is about, if anything: at most one item, whose readers see the task. A task
    # about nothing in particular is for the group's members.
    meeting = models.ForeignKey("meetings.Meeting", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="actions",
                                verbose_name=_("meeting"))
    decision = models.ForeignKey("decisions.Decision", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="actions",
                                 verbose_name=_("decision"))
    paper = models.ForeignKey("papers.Paper", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="tasks", verbose_name=_("paper"))
    proposal = models.ForeignKey("decisions.Proposal", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="tasks",
                                 verbose_name=_("proposal"))
    title = models.CharField(_("task"), max_length=300)
    description = models.TextField(_("details"), blank=True)
    owner_organisation = models.ForeignKey("members.Organisation", on_delete=models.PROTECT,
                                           related_name="+", verbose_name=_("owner organisation"))
    owner_person = models.ForeignKey("members.Person", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("owner"))
    due_on = models.DateField(_("due"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices,
                              default=Status.OPEN)
    created_at = models.DateTimeField(_("date created"), default=timezone.now)
    history = HistoricalRecords()

    LINKS = ("meeting", "decision", "paper", "proposal")

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        indexes = [models.Index(fields=["owner_person", "status", "due_on"],
                                name="task_person_status_due"),
                   models.Index(fields=["owner_organisation", "status", "due_on"],
                                name="task_org_status_due"),
                   models.Index(fields=["group", "status", "due_on"],
                                name="task_group_status_due")]
        constraints = [models.CheckConstraint(
            condition=~(models.Q(meeting__isnull=False, decision__isnull=False)
                        | models.Q(meeting__isnull=False, paper__isnull=False)
                        | models.Q(meeting__isnull=False, proposal__isnull=False)
                        | models.Q(decision__isnull=False, paper__isnull=False)
                        | models.Q(decision__isnull=False, proposal__isnull=False)
                        | models.Q(paper__isnull=False, proposal__isnull=False)),
            name="task_about_one_item_at_most")]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        if self.group_id is None and self.linked_item is not None:
            self.group_id = self.linked_item.group_id
        super().save(*args, **kwargs)

    @property
    def linked_item(self):
        """The item the task is about (a meeting, decision, paper, proposal…), or None."""
        for name in self.LINKS:
            if getattr(self, f"{name}_id") is not None:
                return getattr(self, name)
        return None

    @property
    def is_overdue(self) -> bool:
        return (self.status in self.OPEN_STATUSES and self.due_on is not None
                and self.due_on < timezone.localdate())


class TaskTransition(Transition):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="transitions",
                             verbose_name=_("task"))

    class Meta(Transition.Meta):
        verbose_name = _("task status change")
        verbose_name_plural = _("task status changes")


# --- Who does what --------------------------------------------------------------------------




# --- Advisory requests ----------------------------------------------------------------------




# --- Engagement -----------------------------------------------------------------------------




# --- Directory and "take part" --------------------------------------------------------------
from django.urls import reverse  # noqa: E402

from members.models import Language, Organisation  # noqa: E402
from talanoa.lib.models import Archivable, Protected  # noqa: E402


class OrganisationProfile(models.Model):
    """What the directory says of an organisation beyond its record: its ICT areas (S1, S12)."""

    organisation = models.OneToOneField("members.Organisation", on_delete=models.CASCADE,
                                        related_name="work_profile",
                                        verbose_name=_("organisation"))
    areas = models.ManyToManyField("papers.Tag", blank=True, related_name="+",
                                   limit_choices_to={"kind": "area"},
                                   verbose_name=_("ICT areas"))
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    history = HistoricalRecords(m2m_fields=[areas])

    class Meta:
        verbose_name = _("organisation's ICT areas")
        verbose_name_plural = _("organisations' ICT areas")

    def __str__(self) -> str:
        return str(self.organisation)

    def get_absolute_url(self) -> str:
        return self.organisation.get_absolute_url()


class FocalPoint(Archivable):
    """The person to contact in an organisation, for one ICT area or in general."""

    organisation = models.ForeignKey("members.Organisation", on_delete=models.PROTECT,
                                     related_name="focal_points",
                                     verbose_name=_("organisation"))
    person = models.ForeignKey("members.Person", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("person"))
    area = models.ForeignKey("papers.Tag", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+", limit_choices_to={"kind": "area"},
                             verbose_name=_("ICT area"))
    role = models.CharField(_("role"), max_length=200, blank=True,
                            help_text=_("What to contact this person for"))
    since = models.DateField(_("since"), default=timezone.localdate)
    history = HistoricalRecords()

    class Meta:
        ordering = ["organisation", "area__order", "person__name", "pk"]
        verbose_name = _("focal point")
        verbose_name_plural = _("focal points")

    def __str__(self) -> str:
        return f"{self.person} ({self.organisation.short})"

    def get_absolute_url(self) -> str:
        return self.organisation.get_absolute_url()


class EngagementLogEntry(Protected):
    """The group's own note of a contact with an organisation: a meeting, call, letter…"""

    class Kind(models.TextChoices):
        MEETING = "meeting", _("Meeting")
        CALL = "call", _("Call")
        LETTER = "letter", _("Letter")
        WORKSHOP = "workshop", _("Workshop")
        OTHER = "other", _("Other")

    organisation = models.ForeignKey("members.Organisation", on_delete=models.PROTECT,
                                     related_name="engagement_log",
                                     verbose_name=_("organisation"))
    date = models.DateField(_("date"), default=timezone.localdate)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.MEETING)
    summary = models.TextField(_("summary"))
    by = models.ForeignKey("members.Person", null=True, blank=True, on_delete=models.PROTECT,
                           related_name="+", verbose_name=_("by"),
                           help_text=_("Who took part for the group"))
    history = HistoricalRecords(m2m_fields=["restricted_organisations", "restricted_people"])

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("engagement log entry")
        verbose_name_plural = _("engagement log")
        indexes = [models.Index(fields=["organisation", "-date", "-id"],
                                name="engagement_log_live_newest",
                                condition=models.Q(archived_at__isnull=True))]

    def __str__(self) -> str:
        return self.summary[:80]

    def get_absolute_url(self) -> str:
        return self.organisation.get_absolute_url()


class JoinRequest(models.Model):
    """An ICT organisation's request, from the public "take part" form, to join the group as an
    observer or consultative participant (S1, R3). Only a confirmed email reaches the
    secretariat."""

    class Status(models.TextChoices):
        AWAITING_EMAIL = "awaiting_email", _("Awaiting email confirmation")
        RECEIVED = "received", _("Received")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")

    class Standing(models.TextChoices):
        OBSERVER = "observer", _("Observer")
        CONSULTATIVE = "consultative", _("Consultative participant")

    group = models.ForeignKey("members.WorkingGroup", on_delete=models.PROTECT,
                              related_name="join_requests", verbose_name=_("group"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices,
                              default=Status.AWAITING_EMAIL)
    organisation_name = models.CharField(_("name of the organisation"), max_length=200)
    acronym = models.CharField(_("acronym"), max_length=20, blank=True)
    kind = models.CharField(_("kind of organisation"), max_length=20,
                            choices=Organisation.Kind.choices)
    country = models.ForeignKey("members.Country", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("country"))
    website = models.URLField(_("website"), blank=True)
    contact_name = models.CharField(_("your name"), max_length=200)
    email = models.EmailField(_("your email"))
    position = models.CharField(_("your position"), max_length=200, blank=True)
    areas = models.ManyToManyField("papers.Tag", blank=True, related_name="+",
                                   limit_choices_to={"kind": "area"},
                                   verbose_name=_("ICT areas"))
    contribution = models.TextField(_("what you would contribute"))
    standing = models.CharField(_("standing requested"), max_length=12,
                                choices=Standing.choices, default=Standing.OBSERVER)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices,
                                default=Language.EN)
    submitted_at = models.DateTimeField(_("submitted on"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("email confirmed on"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided on"), null=True, blank=True)
    approved_as = models.CharField(_("approved as"), max_length=12, blank=True,
                                   choices=Standing.choices)
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    organisation = models.ForeignKey("members.Organisation", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("organisation"))
    person = models.ForeignKey("members.Person", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("contact"))
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name = _("request to take part")
        verbose_name_plural = _("requests to take part")
        indexes = [models.Index(fields=["status", "-submitted_at"],
                                name="join_request_status_newest")]

    def __str__(self) -> str:
        return self.organisation_name

    def get_absolute_url(self) -> str:
        return reverse("work:join_request", args=[self.pk])


class JoinRequestTransition(Transition):
    join_request = models.ForeignKey(JoinRequest, on_delete=models.CASCADE,
                                     related_name="transitions",
                                     verbose_name=_("request to take part"))

    class Meta(Transition.Meta):
        verbose_name = _("step of a request to take part")
        verbose_name_plural = _("steps of requests to take part")


