"""Meetings of a group: convened by the chair (R5), ICT Ministers' Meetings (S15), forums (S14).

Times are stored in UTC with the meeting's own IANA zone beside them: the zone says what the
meeting's local time is (and follows daylight saving), UTC puts every meeting on one time line.
"""

import datetime
import uuid
import zoneinfo

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from talanoa.lib.bilingual import localized
from talanoa.lib.markup import DOCUMENT_MAX_CHARS, MarkdownField
from talanoa.lib.models import Archivable, Protected, Transition
from talanoa.lib.zones import validate_time_zone


def validate_reminder_days(value: str) -> None:
    try:
        days = [int(part) for part in value.replace(" ", "").split(",") if part]
    except ValueError:
        days = [-1]
    if any(day < 1 or day > 90 for day in days):
        raise ValidationError(_("Give days before the meeting as numbers from 1 to 90 separated "
                                "by commas, e.g. 14,1."))


def default_reminder_days() -> str:
    return settings.MEETING_REMINDER_DAYS


def new_uid() -> str:
    return f"{uuid.uuid4()}@talanoa"


class Meeting(Protected):
    class Kind(models.TextChoices):
        WORKING_GROUP = "working_group", _("Working group meeting")
        TASKFORCE = "taskforce", _("Taskforce meeting")
        MINISTERS = "ministers", _("ICT Ministers' Meeting")
        FORUM = "forum", _("External forum")

    class Mode(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        ONLINE = "online", _("Online")
        HYBRID = "hybrid", _("Hybrid")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        CONVENED = "convened", _("Convened")
        HELD = "held", _("Held")
        MINUTES_ADOPTED = "minutes_adopted", _("Minutes adopted")
        POSTPONED = "postponed", _("Postponed")
        CANCELLED = "cancelled", _("Cancelled")
        DECLINED = "declined", _("Request declined")

    LONGEST_DAYS = 31  # a longer gathering is entered as several meetings
    # On the calendar once convened; a request is seen only by its requester and the editors.
    SCHEDULED = (Status.CONVENED, Status.HELD, Status.MINUTES_ADOPTED, Status.POSTPONED,
                 Status.CANCELLED)

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices,
                            default=Kind.WORKING_GROUP)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    title_fr = models.CharField(_("title (French)"), max_length=300, blank=True)
    description_en = MarkdownField(_("purpose (English)"), blank=True, help_text=_("Markdown"))
    description_fr = MarkdownField(_("purpose (French)"), blank=True, help_text=_("Markdown"))
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    time_zone = models.CharField(_("time zone"), max_length=64, default="Pacific/Fiji",
                                 validators=[validate_time_zone],
                                 help_text=_("The meeting's local time zone, e.g. Pacific/Apia"))
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices,
                            default=Mode.IN_PERSON)
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.ForeignKey("members.Country", null=True, blank=True,
                                on_delete=models.PROTECT, verbose_name=_("country"))
    online_url = models.URLField(_("online link"), blank=True,
                                 help_text=_("Shown to those invited, never on public pages"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.CONVENED)
    # The level the meeting will have once convened; a request is restricted to its requester.
    requested_level = models.CharField(_("level once convened"), max_length=12,
                                       choices=Protected.Level.choices, blank=True)
    requested_by = models.ForeignKey("members.Person", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+",
                                     verbose_name=_("requested by"))
    uid = models.CharField(_("calendar identifier"), max_length=120, unique=True,
                           default=new_uid, editable=False)
    # iCalendar SEQUENCE: raised whenever attendees must update their copy (RFC 5546).
    sequence = models.PositiveIntegerField(_("revision sent"), default=0, editable=False)
    # When invitees were last told of the meeting (convened, changed): a reminder whose moment
    # came before that would only repeat the notice, so it is not sent.
    announced_at = models.DateTimeField(_("last announced"), null=True, blank=True,
                                        editable=False)
    reminder_days = models.CharField(
        _("reminders (days before)"), max_length=40, blank=True, default=default_reminder_days,
        validators=[validate_reminder_days],
        help_text=_("Days before the meeting when invitees are reminded, e.g. 14,1"))
    history = HistoricalRecords(m2m_fields=["restricted_organisations", "restricted_people"])

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        indexes = [
            # The calendar walks live meetings by start, in both directions.
            models.Index(fields=["starts_at", "id"], name="meeting_live_by_start",
                         condition=models.Q(archived_at__isnull=True)),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_at__gte=models.F("starts_at")),
                                   name="meeting_ends_after_it_starts"),
        ]

    def __str__(self) -> str:
        return str(self.title)

    def get_absolute_url(self) -> str:
        return reverse("meetings:meeting", args=[self.pk])

    @property
    def title(self):
        return localized(self, "title")

    @property
    def description(self):
        return localized(self, "description")

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def local_start(self) -> datetime.datetime:
        return self.starts_at.astimezone(self.zone)

    @property
    def local_end(self) -> datetime.datetime:
        return self.ends_at.astimezone(self.zone)

    @property
    def is_scheduled(self) -> bool:
        return self.status in self.SCHEDULED

    @property
    def is_upcoming(self) -> bool:
        return self.status == self.Status.CONVENED and self.ends_at >= timezone.now()

    @property
    def place(self) -> str:
        parts = [self.venue, self.city, str(self.country) if self.country_id else ""]
        return ", ".join(part for part in parts if part)

    def reminder_day_list(self) -> list[int]:
        return sorted({int(part) for part in self.reminder_days.replace(" ", "").split(",")
                       if part.isdigit()}, reverse=True)


class MeetingTransition(Transition):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="transitions",
                                verbose_name=_("meeting"))

    class Meta(Transition.Meta):
        verbose_name = _("meeting status change")
        verbose_name_plural = _("meeting status changes")

    @property
    def to_label(self) -> str:
        return Meeting.Status(self.to_status).label


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda",
                                verbose_name=_("meeting"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    title_fr = models.CharField(_("title (French)"), max_length=300, blank=True)
    presenter = models.ForeignKey("members.Organisation", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("presented by"))
    minutes_allocated = models.PositiveSmallIntegerField(_("time (minutes)"), null=True,
                                                         blank=True)
    # Any item of any app (a paper, a decision, a post): papers arrive later.
    item_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT,
                                  verbose_name=_("linked item type"))
    item_id = models.PositiveBigIntegerField(_("linked item"), null=True, blank=True)
    item = GenericForeignKey("item_type", "item_id")
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "order", "pk"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")

    def __str__(self) -> str:
        return str(self.title)

    @property
    def title(self):
        return localized(self, "title")


class MeetingDocument(Archivable):
    """A file for the meeting (background paper, presentation); seen by whoever sees the meeting."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="documents",
                                verbose_name=_("meeting"))
    title = models.CharField(_("title"), max_length=300)
    file = models.FileField(_("file"), upload_to="meetings/%Y/")
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0, editable=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("uploaded by"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "created_at", "pk"]
        verbose_name = _("meeting document")
        verbose_name_plural = _("meeting documents")

    def __str__(self) -> str:
        return self.title


class Invitee(models.Model):
    """A person invited to a meeting, and their answer (RSVP)."""

    class Response(models.TextChoices):
        PENDING = "pending", _("No answer yet")
        ACCEPTED = "accepted", _("Attending")
        TENTATIVE = "tentative", _("Tentative")
        DECLINED = "declined", _("Not attending")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="invitees",
                                verbose_name=_("meeting"))
    person = models.ForeignKey("members.Person", on_delete=models.PROTECT,
                               related_name="meeting_invitations", verbose_name=_("person"))
    organisation = models.ForeignKey("members.Organisation", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("organisation"))
    response = models.CharField(_("answer"), max_length=10, choices=Response.choices,
                                default=Response.PENDING)
    apologies = models.TextField(_("apologies or note"), blank=True)
    responded_at = models.DateTimeField(_("answered"), null=True, blank=True)
    notified_sequence = models.IntegerField(_("last notice sent"), default=-1, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "organisation__name_en", "person__name"]
        verbose_name = _("invitee")
        verbose_name_plural = _("invitees")
        constraints = [models.UniqueConstraint(fields=["meeting", "person"],
                                               name="one_invitation_per_person")]

    def __str__(self) -> str:
        return f"{self.person} — {self.meeting}"


class Attendance(models.Model):
    """Who was there, as held."""

    class Presence(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        REMOTE = "remote", _("Remote")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance",
                                verbose_name=_("meeting"))
    person = models.ForeignKey("members.Person", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("person"))
    organisation = models.ForeignKey("members.Organisation", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("organisation"))
    presence = models.CharField(_("presence"), max_length=10, choices=Presence.choices,
                                default=Presence.IN_PERSON)
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "organisation__name_en", "person__name"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [models.UniqueConstraint(fields=["meeting", "person"],
                                               name="one_attendance_per_person")]

    def __str__(self) -> str:
        return f"{self.person} — {self.get_presence_display()}"


class Minutes(models.Model):
    """The record of a held meeting: draft → circulated (comments until a date) → adopted."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        CIRCULATED = "circulated", _("Circulated for comment")
        ADOPTED = "adopted", _("Adopted")

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="minutes",
                                   verbose_name=_("meeting"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices,
                              default=Status.DRAFT)
    comments_until = models.DateField(_("comments until"), null=True, blank=True)
    adopted_at = models.DateTimeField(_("adopted"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")

    def __str__(self) -> str:
        return str(self.meeting)

    @property
    def is_locked(self) -> bool:
        return self.status == self.Status.ADOPTED

    @property
    def current(self) -> "MinutesRevision | None":
        return self.revisions.order_by("-number").first()


class MinutesRevision(models.Model):
    """One version of the minutes' text; never changed once written (corrections add one)."""

    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="revisions",
                                verbose_name=_("minutes"))
    number = models.PositiveIntegerField(_("revision"))
    text = MarkdownField(_("text"), help_text=_("Markdown"), max_chars=DOCUMENT_MAX_CHARS)
    reason = models.CharField(_("reason for the change"), max_length=300, blank=True)
    is_correction = models.BooleanField(_("correction after adoption"), default=False)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+",
                               verbose_name=_("author"))
    created_at = models.DateTimeField(_("written"), default=timezone.now)

    class Meta:
        ordering = ["minutes", "number"]
        verbose_name = _("minutes revision")
        verbose_name_plural = _("minutes revisions")
        constraints = [models.UniqueConstraint(fields=["minutes", "number"],
                                               name="one_revision_number_per_minutes")]

    def __str__(self) -> str:
        return f"{self.minutes} r{self.number}"


class MinutesTransition(Transition):
    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="transitions",
                                verbose_name=_("minutes"))

    class Meta(Transition.Meta):
        verbose_name = _("minutes status change")
        verbose_name_plural = _("minutes status changes")


class MinutesComment(models.Model):
    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="comments",
                                verbose_name=_("minutes"))
    person = models.ForeignKey("members.Person", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("person"))
    organisation = models.ForeignKey("members.Organisation", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("organisation"))
    section = models.CharField(_("section"), max_length=200, blank=True)
    text = models.TextField(_("comment"))
    revision = models.PositiveIntegerField(_("on revision"), default=1)
    created_at = models.DateTimeField(_("written"), default=timezone.now)

    class Meta:
        ordering = ["minutes", "created_at", "pk"]
        verbose_name = _("comment on minutes")
        verbose_name_plural = _("comments on minutes")

    def __str__(self) -> str:
        return f"{self.person}: {self.text[:40]}"


class MeetingDecision(models.Model):
    """A decision taken at the meeting, as the minutes record it."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions",
                                verbose_name=_("meeting"))
    number = models.PositiveSmallIntegerField(_("number"))
    text_en = models.TextField(_("text (English)"), blank=True)
    text_fr = models.TextField(_("text (French)"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "number"]
        verbose_name = _("decision taken")
        verbose_name_plural = _("decisions taken")
        constraints = [models.UniqueConstraint(fields=["meeting", "number"],
                                               name="one_decision_number_per_meeting")]

    def __str__(self) -> str:
        return f"{self.number}. {self.text}"

    @property
    def text(self):
        return localized(self, "text")


class NoticeTemplate(models.Model):
    """The text of a meeting email, as the secretariat edits it, per kind and language.

    Placeholders in braces are filled in: {title}, {group}, {start}, {end}, {zone}, {place},
    {online}, {link}, {rsvp_link}, {reason}, {days}. Anything else in braces is left as typed.
    """

    class Kind(models.TextChoices):
        CONVENED = "convened", _("Meeting convened")
        UPDATED = "updated", _("Meeting changed")
        CANCELLED = "cancelled", _("Meeting cancelled")
        REMINDER = "reminder", _("Reminder")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    language = models.CharField(_("language"), max_length=2,
                                choices=[("en", "English"), ("fr", "Français")])
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"))
    # Two editors of the same text: the save made from an older version conflicts
    # (talanoa.lib.editing), as for every other record the secretariat edits.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "language"]
        verbose_name = _("notice template")
        verbose_name_plural = _("notice templates")
        constraints = [models.UniqueConstraint(fields=["kind", "language"],
                                               name="one_notice_per_kind_and_language")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.language})"


class CalendarToken(models.Model):
    """The secret in a person's own calendar feed address; revoked by making a new one."""

    person = models.ForeignKey("members.Person", on_delete=models.CASCADE,
                               related_name="calendar_tokens", verbose_name=_("person"))
    token_hash = models.CharField(_("token digest"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("date created"), default=timezone.now)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed token")
        verbose_name_plural = _("calendar feed tokens")

    def __str__(self) -> str:
        return f"{self.person} ({self.created_at:%Y-%m-%d})"


class ReminderSent(models.Model):
    """A reminder already sent for a meeting's start: none twice, new ones when it moves."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="reminders_sent",
                                verbose_name=_("meeting"))
    days_before = models.PositiveSmallIntegerField(_("days before"))
    for_start = models.DateTimeField(_("for the start at"))
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints = [models.UniqueConstraint(fields=["meeting", "days_before", "for_start"],
                                               name="one_reminder_per_start")]

    def __str__(self) -> str:
        return f"{self.meeting_id}: {self.days_before} days before {self.for_start:%Y-%m-%d}"
