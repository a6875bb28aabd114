"""The group's work programme (S1, S2, S3, S6, S7, S8, S9, S12, S14).

- `Task`: something an organisation (and a person in it) agreed to do, from a meeting, a
  decision's follow-up, or any other item of the group; the register of the whole group's tasks.
"""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from talanoa.lib.models import Transition

TASK_LINKS = ("meeting", "decision", "paper", "proposal", "plan_item", "advisory_request")


def at_most_one_of(*fields: str) -> models.Q:
    """A check that at most one of these nullable fields is set."""
    both = [models.Q(**{f"{a}__isnull": False, f"{b}__isnull": False})
            for n, a in enumerate(fields) for b in fields[n + 1:]]
    any_two = both[0]
    for q in both[1:]:
        any_two |= q
    return ~any_two



# The tables keep the names they were made with when these models were part of the `work` app
# (db_table, the history's table_name): databases made before the split keep their rows.

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
    plan_item = models.ForeignKey("plan.PlanItem", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="tasks",
                                  verbose_name=_("work plan item"))
    advisory_request = models.ForeignKey("advisory.AdvisoryRequest", null=True, blank=True,
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
    history = HistoricalRecords(table_name="work_historicaltask")

    # The kinds of item a task may be about: each a foreign key above to a Protected model. The
    # access policy (talanoa.access.visible_tasks), the register's "about" filter and the task
    # page follow this table: a new link is its foreign key and its name in TASK_LINKS (the
    # "at most one item" constraint follows too, in a new migration).
    LINKS = TASK_LINKS

    class Meta:
        db_table = "work_task"
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
        return reverse("tasks:task", args=[self.pk])

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
        db_table = "work_tasktransition"
        verbose_name = _("task status change")
        verbose_name_plural = _("task status changes")
