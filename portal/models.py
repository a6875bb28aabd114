"""Items the group publishes or shares: news, notices and documents, each with a level (R7)."""

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from talanoa.lib.bilingual import localized
from talanoa.lib.models import Protected


class Post(Protected):
    """A news item, notice or shared document of a working group."""

    class Kind(models.TextChoices):
        NEWS = "news", _("News")
        NOTICE = "notice", _("Notice")
        DOCUMENT = "document", _("Document")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.NEWS)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    title_fr = models.CharField(_("title (French)"), max_length=300, blank=True)
    body_en = models.TextField(_("text (English)"), blank=True, help_text=_("Markdown"))
    body_fr = models.TextField(_("text (French)"), blank=True, help_text=_("Markdown"))
    attachment = models.FileField(_("file"), upload_to="posts/%Y/", blank=True)
    published_at = models.DateTimeField(_("published"), default=timezone.now, db_index=True)
    history = HistoricalRecords(m2m_fields=["restricted_organisations", "restricted_people"])

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("item")
        verbose_name_plural = _("items")
        indexes = [
            # Live items newest first: every list and the home walk it (talanoa.lib.paging).
            models.Index(fields=["-published_at", "-id"], name="post_live_newest_first",
                         condition=models.Q(archived_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return str(self.title)

    def get_absolute_url(self) -> str:
        return reverse("portal:post", args=[self.pk])

    @property
    def title(self):
        return localized(self, "title")

    @property
    def body(self):
        return localized(self, "body")
