from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def decision_document(decision):
    """Title, reference, text, why it concerns ICT, the assessment and its options."""
    from decisions.operations import searchable_text
    from portal.search import SearchDocument

    return SearchDocument(title=decision.title_en, title_fr=decision.title_fr,
                          text=searchable_text(decision), date=decision.sitting.starts_on)


class DecisionsConfig(AppConfig):
    name = "decisions"
    verbose_name = _("Decisions and priorities")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from decisions.models import Decision
        from portal import search

        search.register(Decision, document=decision_document, kind_label=_("Decisions"))
