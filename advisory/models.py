"""The group's work programme (S1, S2, S3, S6, S7, S8, S9, S12, S14).

- `Task`: something an organisation (and a person in it) agreed to do, from a meeting, a
  decision's follow-up, or any other item of the group; the register of the whole group's tasks.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from talanoa.lib.bilingual import localized
from talanoa.lib.markup import MarkdownField
from talanoa.lib.models import Protected, Transition

# The tables keep the names they were made with when these models were part of the `work` app
# (db_table, the history's table_name): databases made before the split keep their rows.

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
    details = MarkdownField(_("details"), blank=True, help_text=_("Markdown"))
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
    history = HistoricalRecords(
        excluded_fields=["updated_at"], table_name="work_historicaladvisoryrequest")

    class Meta:
        db_table = "work_advisoryrequest"
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
        return reverse("advisory:advisory", args=[self.pk])


class AdvisoryTransition(Transition):
    advisory = models.ForeignKey(AdvisoryRequest, on_delete=models.CASCADE,
                                 related_name="transitions", verbose_name=_("advisory request"))

    class Meta(Transition.Meta):
        db_table = "work_advisorytransition"
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
    text = MarkdownField(_("response"), help_text=_("Markdown"))
    file = models.FileField(_("document"), blank=True, max_length=300,
                            upload_to="work/advisory/%Y/")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                           on_delete=models.SET_NULL, related_name="+", verbose_name=_("by"))
    by_organisation = models.ForeignKey("members.Organisation", null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="+",
                                        verbose_name=_("on behalf of"))
    at = models.DateTimeField(_("when"), default=timezone.now)
    history = HistoricalRecords(table_name="work_historicaladvisoryresponse")

    class Meta:
        db_table = "work_advisoryresponse"
        ordering = ["at", "pk"]
        verbose_name = _("advisory response")
        verbose_name_plural = _("advisory responses")

    def __str__(self) -> str:
        return f"{self.advisory_id}: {self.text[:60]}"

    @property
    def file_name(self) -> str:
        import os

        return os.path.basename(self.file.name) if self.file else ""
