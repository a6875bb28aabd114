"""The group's work programme (S1, S2, S3, S6, S7, S8, S9, S12, S14).

- `Task`: something an organisation (and a person in it) agreed to do, from a meeting, a
  decision's follow-up, or any other item of the group; the register of the whole group's tasks.
"""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from talanoa.lib.bilingual import localized
from talanoa.lib.markup import MarkdownField
from talanoa.lib.models import Protected

# The tables keep the names they were made with when these models were part of the `work` app
# (db_table, the history's table_name): databases made before the split keep their rows.

class PlanItem(Protected):
    """One item of the group's work plan (S2, S6): an initiative (the Regional ICT Initiative
    endorsed by Forum Leaders in 2015) broken down into outcomes, activities and milestones.
    Its health (on track / at risk / late / done) is computed from the milestones' dates
    (`plan.health`), never typed in."""

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
    description_en = MarkdownField(_("description (English)"), blank=True,
                                   help_text=_("Markdown"))
    description_fr = MarkdownField(_("description (French)"), blank=True,
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
    history = HistoricalRecords(
        excluded_fields=["updated_at"], table_name="work_historicalplanitem")

    class Meta:
        db_table = "work_planitem"
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
        return reverse("plan:plan_item", args=[self.pk])
