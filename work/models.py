"""The group's work programme (S1, S2, S3, S6, S7, S8, S9, S12, S14).

- `Task`: something an organisation (and a person in it) agreed to do, from a meeting, a
  decision's follow-up, or any other item of the group; the register of the whole group's tasks.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from meetings.models import Transition
from talanoa.lib.bilingual import localized
from talanoa.lib.models import Protected

# --- Work plan ------------------------------------------------------------------------------


class PlanItem(Protected):
    """One item of the group's work plan (S2, S6): an initiative (the Regional ICT Initiative
    endorsed by Forum Leaders in 2015) broken down into outcomes, activities and milestones.
    Its health (on track / at risk / late / done) is computed from the milestones' dates
    (`work.plan`), never typed in."""

    class Kind(models.TextChoices):
        INITIATIVE = "initiative", _("Initiative")
        OUTCOME = "outcome", _("Outcome")
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
    # page follow this table: a new link is its foreign key, its name here and its pair in the
    # constraint below.
    LINKS = ("meeting", "decision", "paper", "proposal", "plan_item")

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
                        | models.Q(paper__isnull=False, proposal__isnull=False)
                        | models.Q(plan_item__isnull=False, meeting__isnull=False)
                        | models.Q(plan_item__isnull=False, decision__isnull=False)
                        | models.Q(plan_item__isnull=False, paper__isnull=False)
                        | models.Q(plan_item__isnull=False, proposal__isnull=False)),
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
        CLOSED = "closed", _("Closed")
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




# --- Directory and "take part" --------------------------------------------------------------


