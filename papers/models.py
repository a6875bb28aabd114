"""Papers of a group: analytical papers and policy briefs with options for CROP Executives (G1),
briefs for Pacific Missions to the UN (G4), joint papers (G5), strategies (S10).

A paper goes draft → member review (positions by member organisations) → cleared by the group
(consensus, R4) → submitted to a body → outcome → published (public papers only). Each step is a
named operation in `papers.operations` and leaves a `PaperTransition`.
"""

import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from members.consensus import PositionBase
from talanoa.lib.bilingual import BilingualNameMixin, localized
from talanoa.lib.markup import DOCUMENT_MAX_CHARS, MarkdownField
from talanoa.lib.models import Archivable, Protected, Transition


class PaperKind(BilingualNameMixin, models.Model):
    """A kind of paper (a vocabulary the secretariat extends)."""

    slug = models.SlugField(_("short name (in web addresses)"), max_length=40, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=100)
    name_fr = models.CharField(_("name (French)"), max_length=100, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "name_en"]
        verbose_name = _("kind of paper")
        verbose_name_plural = _("kinds of paper")

    def __str__(self) -> str:
        return str(self.name)


class Tag(BilingualNameMixin, models.Model):
    """A subject a record is about: an SDG target, a declaration, an ICT area. Later apps
    (decisions, work, indicators) tag their records with the same vocabulary."""

    class Kind(models.TextChoices):
        SDG = "sdg", _("Sustainable Development Goal target")
        DECLARATION = "declaration", _("Declaration or strategy")
        AREA = "area", _("ICT area")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    code = models.CharField(_("code"), max_length=40,
                            help_text=_("e.g. 9.c for an SDG target, or a short name"))
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_fr = models.CharField(_("name (French)"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["kind", "order", "code"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        constraints = [models.UniqueConstraint(fields=["kind", "code"], name="tag_unique_code")]

    def __str__(self) -> str:
        if self.kind == self.Kind.SDG:
            return f"SDG {self.code}"
        return str(self.name)


class Paper(Protected):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        REVIEW = "review", _("Member review")
        CLEARED = "cleared", _("Cleared by the group")
        SUBMITTED = "submitted", _("Submitted")
        DECIDED = "decided", _("Outcome recorded")
        PUBLISHED = "published", _("Published")

    class Outcome(models.TextChoices):
        ENDORSED = "endorsed", _("Endorsed")
        NOTED = "noted", _("Noted")
        DEFERRED = "deferred", _("Deferred")
        RETURNED = "returned", _("Returned with comments")

    kind = models.ForeignKey(PaperKind, on_delete=models.PROTECT, verbose_name=_("kind"))
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    title_fr = models.CharField(_("title (French)"), max_length=300, blank=True)
    summary_en = MarkdownField(_("summary (English)"), blank=True)
    summary_fr = MarkdownField(_("summary (French)"), blank=True)
    body_en = MarkdownField(_("text (English)"), blank=True, help_text=_("Markdown"),
                            max_chars=DOCUMENT_MAX_CHARS)
    body_fr = MarkdownField(_("text (French)"), blank=True, help_text=_("Markdown"),
                            max_chars=DOCUMENT_MAX_CHARS)
    lead_organisation = models.ForeignKey(
        "members.Organisation", on_delete=models.PROTECT, related_name="led_papers",
        verbose_name=_("lead organisation"))
    contributors = models.ManyToManyField(
        "members.Organisation", blank=True, related_name="contributed_papers",
        verbose_name=_("contributing organisations"))
    co_groups = models.ManyToManyField(
        "members.WorkingGroup", blank=True, related_name="joint_papers",
        verbose_name=_("co-owning working groups"),
        help_text=_("Other working groups that own this paper jointly (G5)"))
    tags = models.ManyToManyField(Tag, blank=True, related_name="papers", verbose_name=_("tags"))
    countries = models.ManyToManyField("members.Country", blank=True, related_name="papers",
                                       verbose_name=_("countries"))

    status = models.CharField(_("status"), max_length=12, choices=Status.choices,
                              default=Status.DRAFT)
    review_round = models.PositiveSmallIntegerField(_("review round"), default=0, editable=False)
    review_until = models.DateField(_("comments and positions until"), null=True, blank=True)
    consensus_record = models.TextField(
        _("record of consensus"), blank=True,
        help_text=_("How the concerns and objections raised in review were resolved (R4)"))
    submitted_to = models.ForeignKey("members.Body", null=True, blank=True,
                                     on_delete=models.PROTECT, verbose_name=_("submitted to"))
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(_("outcome details"), blank=True)
    outcome_on = models.DateField(_("outcome on"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    history = HistoricalRecords(m2m_fields=["restricted_organisations", "restricted_people",
                                            "contributors", "co_groups", "tags", "countries"])

    # Steps where the text may still change; from clearance on it is what the group agreed.
    EDITABLE = (Status.DRAFT, Status.REVIEW)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("paper")
        verbose_name_plural = _("papers")
        indexes = [
            # The publications list walks live published papers newest first (keyset paging).
            models.Index(fields=["-published_at", "-id"], name="paper_published_newest",
                         condition=models.Q(archived_at__isnull=True,
                                            published_at__isnull=False)),
            # Papers in progress, most recently changed first (published ones are the many).
            models.Index(fields=["-updated_at", "-id"], name="paper_unpublished_recent",
                         condition=models.Q(archived_at__isnull=True,
                                            published_at__isnull=True)),
            # Papers in member review, by deadline: the home page's "awaiting my position".
            models.Index(fields=["review_until", "id"], name="paper_in_review",
                         condition=models.Q(archived_at__isnull=True, status="review")),
        ]

    def __str__(self) -> str:
        return str(self.title)

    def get_absolute_url(self) -> str:
        return reverse("papers:paper", args=[self.pk])

    @property
    def title(self):
        return localized(self, "title")

    @property
    def summary(self):
        return localized(self, "summary")

    @property
    def body(self):
        return localized(self, "body")

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE

    @property
    def review_open(self) -> bool:
        return self.status == self.Status.REVIEW and (
            self.review_until is None or timezone.localdate() <= self.review_until)


class PaperTransition(Transition):
    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="transitions",
                              verbose_name=_("paper"))

    class Meta(Transition.Meta):
        verbose_name = _("step of a paper")
        verbose_name_plural = _("steps of papers")

    @property
    def to_label(self) -> str:
        return Paper.Status(self.to_status).label if self.to_status in Paper.Status.values else (
            self.to_status)


class OptionBase(models.Model):
    """An option for consideration (G1, G2); at most one of an item's is the recommended one.
    Subclasses add the item and ``history``."""

    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title_en = models.CharField(_("option (English)"), max_length=300, blank=True)
    title_fr = models.CharField(_("option (French)"), max_length=300, blank=True)
    text_en = MarkdownField(_("details (English)"), blank=True, help_text=_("Markdown"))
    text_fr = MarkdownField(_("details (French)"), blank=True, help_text=_("Markdown"))
    recommended = models.BooleanField(_("recommended"), default=False)

    class Meta:
        abstract = True
        ordering = ["order", "pk"]
        verbose_name = _("option")
        verbose_name_plural = _("options")

    def __str__(self) -> str:
        return str(self.title)

    @property
    def title(self):
        return localized(self, "title")

    @property
    def text(self):
        return localized(self, "text")


class PaperOption(OptionBase):
    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="options",
                              verbose_name=_("paper"))
    history = HistoricalRecords()

    class Meta(OptionBase.Meta):
        pass


class PaperFile(Archivable):
    """An uploaded file of a paper. Replacing it adds a new version; earlier ones stay readable."""

    paper = models.ForeignKey(Paper, on_delete=models.PROTECT, related_name="files",
                              verbose_name=_("paper"))
    title = models.CharField(_("title"), max_length=300)
    file = models.FileField(_("file"), upload_to="papers/%Y/")
    original_name = models.CharField(_("file name"), max_length=200)
    file_type = models.CharField(_("type"), max_length=10, editable=False)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0, editable=False)
    sha256 = models.CharField(_("checksum (SHA-256)"), max_length=64, editable=False)
    text = models.TextField(_("extracted text"), blank=True, editable=False)
    # The first version of this file; every later version points at it.
    first = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="later_versions", verbose_name=_("first version"))
    number = models.PositiveSmallIntegerField(_("version"), default=1)
    replaced_at = models.DateTimeField(_("replaced"), null=True, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("uploaded by"))

    class Meta:
        ordering = ["title", "-number"]
        verbose_name = _("file of a paper")
        verbose_name_plural = _("files of papers")

    def __str__(self) -> str:
        return f"{self.title} (v{self.number})"

    @property
    def is_current(self) -> bool:
        return self.replaced_at is None and self.archived_at is None


class ReviewComment(models.Model):
    """A comment in member review, on the whole paper or on one section."""

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="comments",
                              verbose_name=_("paper"))
    review_round = models.PositiveSmallIntegerField(_("review round"), default=1)
    person = models.ForeignKey("members.Person", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("person"))
    organisation = models.ForeignKey("members.Organisation", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("organisation"))
    section = models.CharField(_("section"), max_length=200, blank=True,
                               help_text=_("Leave empty for a comment on the whole paper"))
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("written"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("review comment")
        verbose_name_plural = _("review comments")

    def __str__(self) -> str:
        return f"{self.person}: {self.text[:60]}"


class Position(PositionBase):
    """A member organisation's position on a paper in one review round. A change of mind is a
    new value of the same row; its history keeps the earlier ones."""

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="positions",
                              verbose_name=_("paper"))
    review_round = models.PositiveSmallIntegerField(_("review round"), default=1)
    history = HistoricalRecords()

    class Meta(PositionBase.Meta):
        constraints = [models.UniqueConstraint(fields=["paper", "review_round", "organisation"],
                                               name="one_position_per_round")]


class MissionList(BilingualNameMixin, models.Model):
    """A distribution list, e.g. the Pacific Missions to the UN in New York (G4)."""

    slug = models.SlugField(_("short name (in web addresses)"), max_length=40, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_fr = models.CharField(_("name (French)"), max_length=200, blank=True)

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("distribution list")
        verbose_name_plural = _("distribution lists")

    def __str__(self) -> str:
        return str(self.name)


class MissionContact(Archivable):
    mission_list = models.ForeignKey(MissionList, on_delete=models.PROTECT,
                                     related_name="contacts", verbose_name=_("list"))
    name = models.CharField(_("name"), max_length=200)
    mission = models.CharField(_("mission"), max_length=200,
                               help_text=_("e.g. Permanent Mission of Tuvalu to the UN"))
    email = models.EmailField(_("email"))
    country = models.ForeignKey("members.Country", null=True, blank=True,
                                on_delete=models.PROTECT, verbose_name=_("country"))
    language = models.CharField(_("language"), max_length=2,
                                choices=[("en", "English"), ("fr", "Français")], default="en")
    history = HistoricalRecords()

    class Meta:
        ordering = ["mission_list", "mission", "name"]
        verbose_name = _("mission contact")
        verbose_name_plural = _("mission contacts")

    def __str__(self) -> str:
        return f"{self.name} ({self.mission})"


class BriefDelivery(models.Model):
    """Who was sent which brief, when, by whom (G4)."""

    paper = models.ForeignKey(Paper, on_delete=models.PROTECT, related_name="deliveries",
                              verbose_name=_("paper"))
    contact = models.ForeignKey(MissionContact, null=True, on_delete=models.SET_NULL,
                                related_name="deliveries", verbose_name=_("contact"))
    mission_list = models.ForeignKey(MissionList, null=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("list"))
    email = models.EmailField(_("email"))
    name = models.CharField(_("name"), max_length=200)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    queued_at = models.DateTimeField(_("queued"), default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                           related_name="+", verbose_name=_("sent by"))

    class Meta:
        ordering = ["-queued_at", "name"]
        verbose_name = _("brief sent")
        verbose_name_plural = _("briefs sent")

    def __str__(self) -> str:
        return f"{self.paper_id} → {self.email}"


def year_choices(first: int = 2015) -> list[int]:
    return list(range(datetime.date.today().year, first - 1, -1))
