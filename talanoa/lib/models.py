"""Base models shared by every app: archiving instead of deleting, versions against lost edits."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ArchivableQuerySet(models.QuerySet):
    def current(self):
        return self.filter(archived_at__isnull=True)

    def archived(self):
        return self.filter(archived_at__isnull=False)


class Archivable(models.Model):
    """Content is archived, never deleted; `version` makes concurrent edits conflict."""

    archived_at = models.DateTimeField(_("date archived"), null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("date created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    objects = ArchivableQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class Protected(Archivable):
    """An item of a working group with a dissemination level (R7); see talanoa.access."""

    class Level(models.TextChoices):
        PUBLIC = "public", _("public")
        MEMBERS = "members", _("members")
        CORE = "core", _("core members")
        RESTRICTED = "restricted", _("restricted")

    group = models.ForeignKey("members.WorkingGroup", on_delete=models.PROTECT,
                              verbose_name=_("group"))
    # No index on the level alone: SQLite would then answer "what may I see, newest first" by
    # gathering every visible row and sorting them. Subclasses index their live rows by date
    # instead (see portal.Post), which the visibility filter walks and stops after one page.
    level = models.CharField(_("dissemination level"), max_length=12, choices=Level.choices,
                             default=Level.MEMBERS)
    restricted_organisations = models.ManyToManyField(
        "members.Organisation", blank=True, related_name="+",
        verbose_name=_("restricted organisations"))
    restricted_people = models.ManyToManyField("members.Person", blank=True, related_name="+",
                                               verbose_name=_("restricted people"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("created by"))

    class Meta:
        abstract = True


class Transition(models.Model):
    """One step of a lifecycle: from which state to which, why, by whom and when."""

    from_status = models.CharField(_("from"), max_length=20, blank=True)
    to_status = models.CharField(_("to"), max_length=20)
    reason = models.TextField(_("reason"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                           on_delete=models.SET_NULL, related_name="+", verbose_name=_("by"))
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status or '—'} → {self.to_status}"
