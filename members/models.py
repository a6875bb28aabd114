"""Who is who: countries, organisations, people, working groups, memberships, representatives."""

import datetime

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from talanoa.lib.bilingual import BilingualNameMixin, localized
from talanoa.lib.markup import MarkdownField
from talanoa.lib.models import Archivable


class Language(models.TextChoices):
    EN = "en", "English"
    FR = "fr", "Français"


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra):
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password) if password else user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)


class User(AbstractUser):
    """A login. The person it belongs to is `user.person`; people need not have one."""

    username = None
    email = models.EmailField(_("email"), unique=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []
    objects = UserManager()

    def __str__(self) -> str:
        return self.email


class Country(BilingualNameMixin, models.Model):
    """A country or territory; the 22 Pacific Island Countries and Territories are flagged."""

    iso3 = models.CharField(_("ISO 3166 three-letter code"), max_length=3, unique=True)
    iso2 = models.CharField(_("ISO 3166 two-letter code"), max_length=2, blank=True)
    numeric = models.CharField(_("ISO 3166 numeric code"), max_length=3, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=120)
    name_fr = models.CharField(_("name (French)"), max_length=120, blank=True)
    political_status = models.CharField(_("political status"), max_length=200, blank=True)
    languages = models.CharField(_("languages"), max_length=60, blank=True,
                                 help_text=_("ISO 639 language codes, separated by semicolons"))
    is_pict = models.BooleanField(_("Pacific Island Country or Territory"), default=False)

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")

    def __str__(self) -> str:
        return self.name_en

    def speaks_french(self) -> bool:
        return "fr" in self.languages.split(";")


class Organisation(BilingualNameMixin, Archivable):
    """A member, observer or invited organisation (CROP agency, government, partner, …)."""

    class Kind(models.TextChoices):
        CROP = "crop", _("CROP agency")
        GOVERNMENT = "government", _("Country or territory government")
        PARTNER = "partner", _("Development partner")
        INTERNATIONAL = "international", _("UN or international body")
        PRIVATE = "private", _("Private sector")
        CIVIL_SOCIETY = "civil_society", _("Civil society")
        ACADEMIA = "academia", _("Academia")

    slug = models.SlugField(_("short name (in web addresses)"), max_length=40, unique=True,
                            error_messages={"unique": _("Another organisation already has this "
                                                        "short name.")})
    acronym = models.CharField(_("acronym"), max_length=20, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_fr = models.CharField(_("name (French)"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    country = models.ForeignKey(Country, null=True, blank=True, on_delete=models.PROTECT,
                                verbose_name=_("country"))
    language = models.CharField(_("language"), max_length=2, choices=Language.choices,
                                default=Language.EN,
                                help_text=_("Language of official correspondence"))
    head_name = models.CharField(_("head of organisation"), max_length=200, blank=True)
    head_title = models.CharField(_("title of the head"), max_length=200, blank=True)
    head_email = models.EmailField(_("email of the head"), blank=True)
    address = models.TextField(_("address"), blank=True)
    website = models.URLField(_("website"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_fr = models.TextField(_("description (French)"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def get_absolute_url(self) -> str:
        return reverse("directory:organisation", args=[self.slug])

    @property
    def short(self) -> str:
        return self.acronym or self.name_en


class Person(Archivable):
    """Someone the group deals with. `user` is set once they have accepted an account invitation."""

    name = models.CharField(_("name"), max_length=200)
    honorific = models.CharField(_("honorific"), max_length=40, blank=True)
    position = models.CharField(_("position"), max_length=200, blank=True)
    email = models.EmailField(_("email"), blank=True, db_index=True)
    phone = models.CharField(_("phone"), max_length=60, blank=True)
    organisation = models.ForeignKey(Organisation, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="people",
                                     verbose_name=_("organisation"))
    language = models.CharField(_("language"), max_length=2, choices=Language.choices,
                                default=Language.EN)
    time_zone = models.CharField(_("time zone"), max_length=64, default="Pacific/Fiji")
    user = models.OneToOneField("members.User", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="person", verbose_name=_("account"))

    class Digest(models.TextChoices):
        WEEKLY = "weekly", _("Weekly")
        DAILY = "daily", _("Daily")
        OFF = "off", _("Off")

    # The email of my tasks, coming meetings and papers awaiting my organisation (portal.digest).
    digest = models.CharField(_("digest email"), max_length=8, choices=Digest.choices,
                              default=Digest.WEEKLY)
    digest_sent_at = models.DateTimeField(_("digest last sent"), null=True, blank=True,
                                          editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("members:person", args=[self.pk])


class WorkingGroup(BilingualNameMixin, Archivable):
    """A CROP working group, or a sub-working group / taskforce of one (R6)."""

    class Kind(models.TextChoices):
        WORKING_GROUP = "working_group", _("Working group")
        SUB_WORKING_GROUP = "sub_working_group", _("Sub-working group")
        TASKFORCE = "taskforce", _("Taskforce")

    slug = models.SlugField(_("short name (in web addresses)"), max_length=40, unique=True,
                            error_messages={"unique": _("Another group already has this short "
                                                        "name.")})
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_fr = models.CharField(_("name (French)"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices,
                            default=Kind.WORKING_GROUP)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="children", verbose_name=_("parent group"))
    description_en = MarkdownField(_("description (English)"), blank=True)
    description_fr = MarkdownField(_("description (French)"), blank=True)
    established = models.DateField(_("established"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("working group")
        verbose_name_plural = _("working groups")

    def get_absolute_url(self) -> str:
        return reverse("portal:group", args=[self.slug])

    @property
    def description(self):
        return localized(self, "description")


class Objective(models.Model):
    """One objective or governance rule of a group's terms of reference (G1…, S1…, R1…)."""

    class Kind(models.TextChoices):
        GENERIC = "generic", _("Generic objective")
        SPECIFIC = "specific", _("Specific objective")
        GOVERNANCE = "governance", _("Governance rule")

    group = models.ForeignKey(WorkingGroup, on_delete=models.CASCADE, related_name="objectives",
                              verbose_name=_("group"))
    code = models.CharField(_("code"), max_length=8)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    text_en = models.TextField(_("text (English)"))
    text_fr = models.TextField(_("text (French)"), blank=True)
    order = models.PositiveSmallIntegerField(_("order in the list"), default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["group", "order"]
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")
        constraints = [models.UniqueConstraint(fields=["group", "code"], name="objective_code")]

    def __str__(self) -> str:
        return self.code

    @property
    def text(self):
        return localized(self, "text")


class MembershipQuerySet(models.QuerySet):
    def active(self, on: datetime.date | None = None):
        on = on or timezone.localdate()
        return self.filter(models.Q(start__lte=on),
                           models.Q(end__isnull=True) | models.Q(end__gte=on))


class Membership(models.Model):
    """An organisation's standing in a group, over a period."""

    class Kind(models.TextChoices):
        MEMBER = "member", _("Member")
        OBSERVER = "observer", _("Observer")
        CONSULTATIVE = "consultative", _("Consultative")

    group = models.ForeignKey(WorkingGroup, on_delete=models.PROTECT, related_name="memberships",
                              verbose_name=_("group"))
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT,
                                     related_name="memberships", verbose_name=_("organisation"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.MEMBER)
    start = models.DateField(_("start"), default=timezone.localdate)
    end = models.DateField(_("end"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    history = HistoricalRecords()

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["group", "organisation__name_en"]
        verbose_name = _("standing in a group")
        verbose_name_plural = _("standings in groups")

    def __str__(self) -> str:
        return _("%(organisation)s — %(kind)s of %(group)s") % {
            "organisation": self.organisation, "kind": self.get_kind_display(),
            "group": self.group}


class RepresentativeQuerySet(models.QuerySet):
    def current(self, on: datetime.date | None = None):
        """Confirmed for this year or, until this year's round confirms, for last year."""
        on = on or timezone.localdate()
        confirmed = self.model.objects.filter(status=Representative.Status.CONFIRMED,
                                              ended_on__isnull=True)
        replaced = confirmed.filter(year=on.year, group_id=models.OuterRef("group_id"),
                                    organisation_id=models.OuterRef("organisation_id"))
        # An organisation's confirmed nominations for this year replace all of last year's.
        return self.filter(status=Representative.Status.CONFIRMED, ended_on__isnull=True).filter(
            models.Q(year=on.year) | models.Q(year=on.year - 1) & ~models.Exists(replaced))


class Representative(models.Model):
    """A person representing an organisation in a group for a year (R1, R2)."""

    class Role(models.TextChoices):
        CHAIR = "chair", _("Chair")
        VICE_CHAIR = "vice_chair", _("Vice-chair")
        SECRETARIAT = "secretariat", _("Secretariat")
        REPRESENTATIVE = "representative", _("Representative")
        ALTERNATE = "alternate", _("Alternate")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        NOMINATED = "nominated", _("Nominated")
        CONFIRMED = "confirmed", _("Confirmed")

    EDITOR_ROLES = (Role.CHAIR, Role.VICE_CHAIR, Role.SECRETARIAT)

    group = models.ForeignKey(WorkingGroup, on_delete=models.PROTECT,
                              related_name="representatives", verbose_name=_("group"))
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT,
                                     related_name="representatives",
                                     verbose_name=_("organisation"))
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="representations",
                               verbose_name=_("person"))
    year = models.PositiveSmallIntegerField(_("year"))
    role = models.CharField(_("role"), max_length=16, choices=Role.choices,
                            default=Role.REPRESENTATIVE)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices,
                              default=Status.NOMINATED)
    nomination_document = models.FileField(_("nomination document"), upload_to="nominations/%Y/",
                                           blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    history = HistoricalRecords()

    objects = RepresentativeQuerySet.as_manager()

    class Meta:
        ordering = ["group", "-year", "organisation__name_en", "role"]
        verbose_name = _("representative")
        verbose_name_plural = _("representatives")
        indexes = [models.Index(fields=["person", "status", "year"])]

    def __str__(self) -> str:
        return f"{self.person} ({self.organisation.short}, {self.year})"


class NominationRound(models.Model):
    """The chair's yearly request to every member and observer organisation for its names (R1)."""

    group = models.ForeignKey(WorkingGroup, on_delete=models.PROTECT, related_name="rounds",
                              verbose_name=_("group"))
    year = models.PositiveSmallIntegerField(_("year"))
    deadline = models.DateField(_("replies due by"))
    opened_at = models.DateTimeField(_("opened on"), default=timezone.now)
    opened_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+",
                                  verbose_name=_("opened by"))
    closed_at = models.DateTimeField(_("closed on"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year"]
        verbose_name = _("nomination round")
        verbose_name_plural = _("nomination rounds")
        constraints = [models.UniqueConstraint(fields=["group", "year"], name="one_round_a_year")]

    def __str__(self) -> str:
        return f"{self.group.acronym or self.group.name_en} {self.year}"

    def get_absolute_url(self) -> str:
        return reverse("members:round", args=[self.pk])


class NominationLetter(models.Model):
    """One letter of a round, to the head of one organisation, in that organisation's language."""

    class Status(models.TextChoices):
        DRAFTED = "drafted", _("Drafted")
        SENT = "sent", _("Sent")
        ANSWERED = "answered", _("Answered")

    round = models.ForeignKey(NominationRound, on_delete=models.CASCADE, related_name="letters",
                              verbose_name=_("nomination round"))
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("organisation"))
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.DRAFTED)
    sent_at = models.DateTimeField(_("sent on"), null=True, blank=True)
    replied_at = models.DateTimeField(_("answered on"), null=True, blank=True)
    reply_note = models.TextField(_("note on the reply"), blank=True)
    reply_document = models.FileField(_("reply document"), upload_to="nominations/replies/%Y/",
                                      blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["round", "organisation__name_en"]
        verbose_name = _("nomination letter")
        verbose_name_plural = _("nomination letters")
        constraints = [models.UniqueConstraint(fields=["round", "organisation"],
                                               name="one_letter_per_org")]

    def __str__(self) -> str:
        return f"{self.round} → {self.organisation.short}"

    def get_absolute_url(self) -> str:
        return reverse("members:letter", args=[self.pk])


class Invitation(models.Model):
    """An emailed link: to create an account, to join in a consultative capacity (R3), or to
    read one item without an account. Only a hash of the token is stored."""

    class Kind(models.TextChoices):
        ACCOUNT = "account", _("Account")
        CONSULTATIVE = "consultative", _("Consultative participation")
        ITEM = "item", _("One item")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    email = models.EmailField(_("email"))
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="invitations", verbose_name=_("person"))
    group = models.ForeignKey(WorkingGroup, null=True, blank=True, on_delete=models.PROTECT,
                              verbose_name=_("group"))
    item_type = models.ForeignKey("contenttypes.ContentType", null=True, blank=True,
                                  on_delete=models.PROTECT, verbose_name=_("kind of item"))
    item_id = models.PositiveBigIntegerField(_("item number"), null=True, blank=True)
    token_hash = models.CharField(_("fingerprint of the link"), max_length=64, unique=True)
    message = models.TextField(_("message"), blank=True)
    invited_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("invited by"))
    created_at = models.DateTimeField(_("date created"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires on"))
    accepted_at = models.DateTimeField(_("accepted on"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("withdrawn on"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.email}"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now() and (
            self.kind == self.Kind.ITEM or self.accepted_at is None)


class Body(BilingualNameMixin, models.Model):
    """A body that papers go to and whose decisions the group follows: CROP Executives, the
    Specialist Sub-Committee on Regionalism, Forum Officials Committee, ministers' meetings,
    Pacific Missions to the UN, the governing councils of member agencies (a vocabulary the
    secretariat extends)."""

    slug = models.SlugField(_("short name (in web addresses)"), max_length=40, unique=True)
    acronym = models.CharField(_("acronym"), max_length=20, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_fr = models.CharField(_("name (French)"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "name_en"]
        verbose_name = _("body")
        verbose_name_plural = _("bodies")

    def __str__(self) -> str:
        return str(self.name)
