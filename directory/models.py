"""The group's work programme (S1, S2, S3, S6, S7, S8, S9, S12, S14).

- `Task`: something an organisation (and a person in it) agreed to do, from a meeting, a
  decision's follow-up, or any other item of the group; the register of the whole group's tasks.
"""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from members.models import Language, Organisation
from talanoa.lib.models import Archivable, Protected, Transition

# The tables keep the names they were made with when these models were part of the `work` app
# (db_table, the history's table_name): databases made before the split keep their rows.


class KeptTableHistory(HistoricalRecords):
    """History whose many-to-many history tables keep their `work_` names too (simple-history
    names them after the app, and has no option for it)."""

    def get_meta_options_m2m(self, through_model):
        options = super().get_meta_options_m2m(through_model)
        options["db_table"] = "work_" + self.get_history_model_name(through_model).lower()
        return options


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
    history = KeptTableHistory(m2m_fields=[areas], table_name="work_historicalorganisationprofile")

    class Meta:
        db_table = "work_organisationprofile"
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
    history = HistoricalRecords(table_name="work_historicalfocalpoint")

    class Meta:
        db_table = "work_focalpoint"
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
    history = KeptTableHistory(
        m2m_fields=["restricted_organisations", "restricted_people"],
        table_name="work_historicalengagementlogentry")

    class Meta:
        db_table = "work_engagementlogentry"
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
    history = HistoricalRecords(table_name="work_historicaljoinrequest")

    class Meta:
        db_table = "work_joinrequest"
        ordering = ["-submitted_at", "-pk"]
        verbose_name = _("request to take part")
        verbose_name_plural = _("requests to take part")
        indexes = [models.Index(fields=["status", "-submitted_at"],
                                name="join_request_status_newest")]

    def __str__(self) -> str:
        return self.organisation_name

    def get_absolute_url(self) -> str:
        return reverse("directory:join_request", args=[self.pk])


class JoinRequestTransition(Transition):
    join_request = models.ForeignKey(JoinRequest, on_delete=models.CASCADE,
                                     related_name="transitions",
                                     verbose_name=_("request to take part"))

    class Meta(Transition.Meta):
        db_table = "work_joinrequesttransition"
        verbose_name = _("step of a request to take part")
        verbose_name_plural = _("steps of requests to take part")
