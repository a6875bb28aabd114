"""The group's work programme (S1, S2, S3, S6, S7, S8, S9, S12, S14).

- `Task`: something an organisation (and a person in it) agreed to do, from a meeting, a
  decision's follow-up, or any other item of the group; the register of the whole group's tasks.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from talanoa.lib.bilingual import BilingualNameMixin, localized
from talanoa.lib.models import Archivable, Protected, Transition

# --- Work plan ------------------------------------------------------------------------------


class PlanItem(Protected):
    """One item of the group's work plan (S2, S6): an initiative (the Regional ICT Initiative
    endorsed by Forum Leaders in 2015) broken down into outcomes, activities and milestones.
    Its health (on track / at risk / late / done) is computed from the milestones' dates
    (`work.plan`), never typed in."""

    class Kind(models.TextChoices):
        INITIATIVE = "initiative", _("Initiative")
        OUTCOME = "outcome", pgettext_lazy("work plan", "Outcome")
        ACTIVITY = "activity", _("Activity")
        MILESTONE = "milestone", _("Milestone")

    # A child is always of a later kind than its parent; a milestone has no children.
    RANK = {Kind.INITIATIVE: 0, Kind.OUTCOME: 1, Kind.ACTIVITY: 2, Kind.MILESTONE: 3}

    # The work plan is meant to be read by everyone: public unless the editor says otherwise.
    level = models.CharField(_("dissemination level"), max_length=12,
                             choices=Protected.Level.choices, default=Protected.Level.PUBLIC)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="children", verbose_name=_("part of"))
    # The initiative at the top of the item's tree (itself for an initiative), kept by save():
    # a whole tree is then one query, whatever its depth.
    initiative = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", editable=False,
                                   verbose_name=_("initiative"))
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    title_fr = models.CharField(_("title (French)"), max_length=300, blank=True)
    description_en = models.TextField(_("description (English)"), blank=True,
                                      help_text=_("Markdown"))
    description_fr = models.TextField(_("description (French)"), blank=True,
                                      help_text=_("Markdown"))
    lead_organisation = models.ForeignKey("members.Organisation", on_delete=models.PROTECT,
                                          related_name="led_plan_items",
                                          verbose_name=_("lead organisation"))
    owner_person = models.ForeignKey("members.Person", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("focal person"),
                                     help_text=_("Who is alerted when a milestone is late"))
    partners = models.ManyToManyField("members.Organisation", blank=True,
                                      related_name="partner_plan_items",
                                      verbose_name=_("partner organisations"))
    areas = models.ManyToManyField("papers.Tag", blank=True, related_name="plan_items",
                                   limit_choices_to={"kind": "area"},
                                   verbose_name=_("ICT areas"))
    countries = models.ManyToManyField("members.Country", blank=True, related_name="plan_items",
                                       verbose_name=_("countries"))
    objectives = models.ManyToManyField("members.Objective", blank=True,
                                        related_name="plan_items",
                                        verbose_name=_("objectives served"))
    starts_on = models.DateField(_("starts"), null=True, blank=True)
    due_on = models.DateField(_("due"), null=True, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True, editable=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    # The due date a late alert was sent for: sent once per due date, a new date re-arms it.
    late_alert_sent_for = models.DateField(_("late alert sent for"), null=True, blank=True,
                                           editable=False)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["order", "due_on", "pk"]
        verbose_name = _("work plan item")
        verbose_name_plural = _("work plan items")
        indexes = [models.Index(fields=["initiative", "order"], name="planitem_tree"),
                   models.Index(fields=["kind", "done_on", "due_on"],
                                name="planitem_open_milestones",
                                condition=models.Q(archived_at__isnull=True))]
        constraints = [models.CheckConstraint(
            condition=(models.Q(kind="initiative", parent__isnull=True)
                       | (~models.Q(kind="initiative") & models.Q(parent__isnull=False))),
            name="planitem_only_initiatives_are_roots")]

    def __str__(self) -> str:
        return str(self.title)

    @property
    def title(self):
        return localized(self, "title")

    @property
    def description(self):
        return localized(self, "description")

    @property
    def is_milestone(self) -> bool:
        return self.kind == self.Kind.MILESTONE

    def save(self, *args, **kwargs) -> None:
        if self.parent_id is None:
            self.initiative_id = self.pk  # an initiative is its own root (set again below)
        else:
            self.initiative_id = self.parent.initiative_id
        super().save(*args, **kwargs)
        if self.parent_id is None and self.initiative_id != self.pk:
            self.initiative_id = self.pk
            type(self).objects.filter(pk=self.pk).update(initiative_id=self.pk)

    def get_absolute_url(self) -> str:
        return reverse("work:plan_item", args=[self.pk])


# --- Tasks ------------------------------------------------------------------------------------


TASK_LINKS = ("meeting", "decision", "paper", "proposal", "plan_item", "advisory_request")


def at_most_one_of(*fields: str) -> models.Q:
    """A check that at most one of these nullable fields is set."""
    both = [models.Q(**{f"{a}__isnull": False, f"{b}__isnull": False})
            for n, a in enumerate(fields) for b in fields[n + 1:]]
    any_two = both[0]
    for q in both[1:]:
        any_two |= q
    return ~any_two


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
    plan_item = models.ForeignKey("work.PlanItem", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="tasks",
                                  verbose_name=_("work plan item"))
    advisory_request = models.ForeignKey("work.AdvisoryRequest", null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="tasks",
                                         verbose_name=_("advisory request"))
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
    # The due date the overdue alert was sent for: once per task per due date (a new due date
    # alerts again when it passes).
    overdue_alert_sent_for = models.DateField(_("overdue alert sent for"), null=True,
                                              blank=True, editable=False)
    history = HistoricalRecords()

    # The kinds of item a task may be about: each a foreign key above to a Protected model. The
    # access policy (talanoa.access.visible_tasks), the register's "about" filter and the task
    # page follow this table: a new link is its foreign key and its name in TASK_LINKS (the
    # "at most one item" constraint follows too, in a new migration).
    LINKS = TASK_LINKS

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
        constraints = [models.CheckConstraint(condition=at_most_one_of(*TASK_LINKS),
                                              name="task_about_one_item_at_most")]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        if self.group_id is None and self.linked_item is not None:
            self.group_id = self.linked_item.group_id
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("work:task", args=[self.pk])

    @property
    def link_name(self) -> str | None:
        """The name of the link set ("meeting", "paper"…), or None."""
        return next((name for name in self.LINKS if getattr(self, f"{name}_id") is not None),
                    None)

    @property
    def link_label(self) -> str:
        """What kind of item the task is about, in words ("Meeting"), or ""."""
        name = self.link_name
        return capfirst(self._meta.get_field(name).verbose_name) if name else ""

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


class AdvisoryRequest(Protected):
    """A request for advice (S8, S9): from PIFS negotiators or a country's ministry, through a
    member organisation or an invited ministry contact; restricted by default to whoever asked,
    whoever answers, and the group's chair and secretariat."""

    class Urgency(models.TextChoices):
        ROUTINE = "routine", _("Routine")
        SOON = "soon", _("Soon")
        URGENT = "urgent", _("Urgent")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        TRIAGED = "triaged", _("Triaged")
        ASSIGNED = "assigned", _("Assigned")
        ANSWERED = "answered", _("Answered")
        CLOSED = "closed", pgettext_lazy("request or process", "Closed")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Channel(models.TextChoices):
        MEMBER = "member", _("Member form")
        MINISTRY = "ministry", _("Ministry form")

    OPEN_STATUSES = (Status.RECEIVED, Status.TRIAGED, Status.ASSIGNED, Status.ANSWERED)
    ENDED_STATUSES = (Status.CLOSED, Status.DECLINED, Status.WITHDRAWN)
    # A wider level is the secretariat's deliberate choice; never public.
    LEVELS = (Protected.Level.RESTRICTED, Protected.Level.CORE, Protected.Level.MEMBERS)

    level = models.CharField(_("dissemination level"), max_length=12,
                             choices=Protected.Level.choices, default=Protected.Level.RESTRICTED)
    organisation = models.ForeignKey("members.Organisation", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("requesting organisation"))
    ministry = models.CharField(_("ministry"), max_length=200, blank=True,
                                help_text=_("A ministry that is not in the list of "
                                            "organisations"))
    requester_name = models.CharField(_("requester's name"), max_length=200)
    requester_email = models.EmailField(_("requester's email"))
    requester_person = models.ForeignKey("members.Person", null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="+",
                                         verbose_name=_("requester"))
    language = models.CharField(_("language"), max_length=2, default="en",
                                choices=[("en", "English"), ("fr", "Français")],
                                help_text=_("Language of the emails to the requester"))
    country = models.ForeignKey("members.Country", on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("country"))
    title_en = models.CharField(_("topic (English)"), max_length=300)
    title_fr = models.CharField(_("topic (French)"), max_length=300, blank=True)
    details = models.TextField(_("details"), blank=True, help_text=_("Markdown"))
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices,
                               default=Urgency.ROUTINE)
    wanted_by = models.DateField(_("wanted by"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices,
                              default=Status.RECEIVED, editable=False)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices,
                               default=Channel.MEMBER, editable=False)
    assigned_organisation = models.ForeignKey("members.Organisation", null=True, blank=True,
                                              on_delete=models.PROTECT, related_name="+",
                                              editable=False,
                                              verbose_name=_("assigned organisation"))
    assigned_person = models.ForeignKey("members.Person", null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="+",
                                        editable=False, verbose_name=_("assigned person"))
    received_at = models.DateTimeField(_("received"), default=timezone.now, editable=False)
    first_response_at = models.DateTimeField(_("first response"), null=True, blank=True,
                                             editable=False)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True, editable=False)
    papers = models.ManyToManyField("papers.Paper", blank=True, related_name="advisory_requests",
                                    verbose_name=_("linked papers"))
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("advisory request")
        verbose_name_plural = _("advisory requests")
        indexes = [models.Index(fields=["group", "received_at"], name="advisory_group_received"),
                   models.Index(fields=["status", "received_at"],
                                name="advisory_status_received")]

    def __str__(self) -> str:
        return str(self.title)

    @property
    def title(self):
        return localized(self, "title")

    @property
    def requester_label(self) -> str:
        """Who asked: the organisation or ministry, then the person."""
        who = self.organisation.short if self.organisation_id else self.ministry
        return f"{who} — {self.requester_name}" if who else self.requester_name

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def is_late(self) -> bool:
        return (self.is_open and self.wanted_by is not None
                and self.wanted_by < timezone.localdate())

    def get_absolute_url(self) -> str:
        return reverse("work:advisory", args=[self.pk])


class AdvisoryTransition(Transition):
    advisory = models.ForeignKey(AdvisoryRequest, on_delete=models.CASCADE,
                                 related_name="transitions", verbose_name=_("advisory request"))

    class Meta(Transition.Meta):
        verbose_name = _("advisory request step")
        verbose_name_plural = _("advisory request steps")

    @property
    def to_label(self) -> str:
        return (AdvisoryRequest.Status(self.to_status).label
                if self.to_status in AdvisoryRequest.Status.values else self.to_status)


class AdvisoryResponse(models.Model):
    """An answer to an advisory request: text, and a document if any (downloaded through a view
    that asks the policy)."""

    advisory = models.ForeignKey(AdvisoryRequest, on_delete=models.CASCADE,
                                 related_name="responses", verbose_name=_("advisory request"))
    text = models.TextField(_("response"), help_text=_("Markdown"))
    file = models.FileField(_("document"), blank=True, max_length=300,
                            upload_to="work/advisory/%Y/")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                           on_delete=models.SET_NULL, related_name="+", verbose_name=_("by"))
    by_organisation = models.ForeignKey("members.Organisation", null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="+",
                                        verbose_name=_("on behalf of"))
    at = models.DateTimeField(_("when"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("advisory response")
        verbose_name_plural = _("advisory responses")

    def __str__(self) -> str:
        return f"{self.advisory_id}: {self.text[:60]}"

    @property
    def file_name(self) -> str:
        import os

        return os.path.basename(self.file.name) if self.file else ""





# --- Engagement -----------------------------------------------------------------------------


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
    description_en = models.TextField(_("description (English)"), blank=True,
                                      help_text=_("Markdown"))
    description_fr = models.TextField(_("description (French)"), blank=True,
                                      help_text=_("Markdown"))
    organisation = models.ForeignKey("members.Organisation", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="external_bodies",
                                     verbose_name=_("organisation in the directory"),
                                     help_text=_("When the body is also one of the groups' "
                                                 "organisations"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "name_en"]
        verbose_name = _("external body")
        verbose_name_plural = _("external bodies")

    def __str__(self) -> str:
        return self.acronym or str(self.name)

    def get_absolute_url(self) -> str:
        return reverse("work:engagement_body", args=[self.slug])

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
    description_en = models.TextField(_("description (English)"), blank=True,
                                      help_text=_("Markdown"))
    description_fr = models.TextField(_("description (French)"), blank=True,
                                      help_text=_("Markdown"))
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["deadline", "pk"]
        verbose_name = _("process or consultation")
        verbose_name_plural = _("processes and consultations")
        indexes = [models.Index(fields=["deadline", "id"], name="engagement_live_deadline",
                                condition=models.Q(archived_at__isnull=True))]

    def __str__(self) -> str:
        return str(self.title)

    def get_absolute_url(self) -> str:
        return reverse("work:engagement_process", args=[self.pk])

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
    text_en = models.TextField(_("position (English)"), blank=True, help_text=_("Markdown"))
    text_fr = models.TextField(_("position (French)"), blank=True, help_text=_("Markdown"))
    paper = models.ForeignKey("papers.Paper", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="engagement_positions", verbose_name=_("paper"),
                              help_text=_("The paper that carried the position"))
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    outcome = models.TextField(_("outcome and notes"), blank=True, help_text=_("Markdown"))
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
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
    position_en = models.TextField(_("Pacific position (English)"), blank=True,
                                   help_text=_("Markdown"))
    position_fr = models.TextField(_("Pacific position (French)"), blank=True,
                                   help_text=_("Markdown"))
    report_paper = models.ForeignKey("papers.Paper", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="forum_reports",
                                     verbose_name=_("report back"),
                                     help_text=_("The paper reporting back, after the forum"))
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("forum participation")
        verbose_name_plural = _("forum participations")

    def __str__(self) -> str:
        return str(self.meeting.title)

    def get_absolute_url(self) -> str:
        return reverse("work:forum", args=[self.pk])

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
        verbose_name = _("deadline alert")
        verbose_name_plural = _("deadline alerts")
        constraints = [models.UniqueConstraint(fields=["process", "deadline"],
                                               name="one_alert_per_deadline")]

    def __str__(self) -> str:
        return f"{self.process} ({self.deadline})"


# --- Directory and "take part" --------------------------------------------------------------

from members.models import Language, Organisation  # noqa: E402


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


