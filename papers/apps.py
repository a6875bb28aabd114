from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def paper_document(paper):
    """Title, summary, text, options and the text of its current files: what search finds."""
    from papers.operations import searchable_text
    from talanoa.searchable import SearchDocument

    return SearchDocument(title=paper.title_en, title_fr=paper.title_fr,
                          text=searchable_text(paper),
                          date=paper.published_at or paper.created_at)


class PapersConfig(AppConfig):
    name = "papers"
    verbose_name = _("Papers")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from papers.models import Paper
        from talanoa import searchable as search

        search.register(Paper, document=paper_document, kind_label=_("Papers"))
