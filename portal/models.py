"""Items the group publishes or shares: news, notices and documents, each with a level (R7)."""

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from talanoa.lib.bilingual import localized
from talanoa.lib.markup import MarkdownField
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
    body_en = MarkdownField(_("text (English)"), blank=True, help_text=_("Markdown"))
    body_fr = MarkdownField(_("text (French)"), blank=True, help_text=_("Markdown"))
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


class SearchEntry(models.Model):
    """One findable object in the one search index (`portal.search`): the text the full-text
    index covers and what a result line shows, never who may see it (asked at query time).

    The full-text index itself is outside Django's models, kept in step by the database:
    on SQLite an FTS5 table (`portal_search_fts`, external content on this table) maintained by
    triggers on this table; on PostgreSQL a generated `tsvector` column (`vector`) with a GIN
    index. Both are created by migration 0002 (`portal.search_sql`). On SQLite, a migration that
    alters this table remakes it and drops its triggers: call `search_sql.create_sqlite(...)`
    again after it.
    """

    # Narrow columns first, the text last: SQLite reads a row's columns in order (past a long
    # text through its overflow pages), and a search reads the narrow ones of every match.
    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE,
                                     verbose_name=_("kind"))
    object_id = models.PositiveBigIntegerField(_("object"))
    date = models.DateTimeField(_("date"), null=True, blank=True)
    updated = models.DateTimeField(_("last indexed"), auto_now=True)
    url = models.CharField(_("address"), max_length=500)
    title_en = models.TextField(_("title (English)"), blank=True)
    title_fr = models.TextField(_("title (French)"), blank=True)
    text = models.TextField(_("text"), blank=True)

    class Meta:
        verbose_name = _("search index entry")
        verbose_name_plural = _("search index entries")
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id"],
                                    name="search_entry_one_per_object"),
        ]

    def __str__(self) -> str:
        return self.title_en or self.title_fr

    @property
    def title(self):
        return localized(self, "title")
