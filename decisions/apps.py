from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def decision_document(decision):
    """Title, reference, text, why it concerns ICT, the assessment and its options."""
    from decisions.operations import searchable_text
    from talanoa.searchable import SearchDocument

    return SearchDocument(title=decision.title_en, title_fr=decision.title_fr,
                          text=searchable_text(decision), date=decision.sitting.starts_on)


def proposal_document(proposal):
    """Title, problem, initiative, public good and the answers; a draft is not findable (it is
    its authors' work in progress until submitted)."""
    from decisions.models import Proposal
    from decisions.operations import proposal_searchable_text
    from talanoa.searchable import SearchDocument

    if proposal.status == Proposal.Status.DRAFT:
        return None
    return SearchDocument(title=proposal.title_en, title_fr=proposal.title_fr,
                          text=proposal_searchable_text(proposal),
                          date=proposal.submitted_at or proposal.created_at)


class DecisionsConfig(AppConfig):
    name = "decisions"
    verbose_name = _("Decisions and priorities")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from decisions.models import Decision, Proposal
        from talanoa import searchable as search

        search.register(Decision, document=decision_document, kind_label=_("Decisions"))
        search.register(Proposal, document=proposal_document, kind_label=_("Proposals"))
