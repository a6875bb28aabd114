from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def advisory_document(advisory):
    """Advisory requests: topic, details and responses. The search asks the policy, so only
    who the request names (and the group's chair and secretariat) ever find it."""
    from talanoa.searchable import SearchDocument

    text = "\n".join([advisory.details, *advisory.responses.values_list("text", flat=True)])
    return SearchDocument(title=advisory.title_en, title_fr=advisory.title_fr, text=text,
                          date=advisory.received_at)


class AdvisoryConfig(AppConfig):
    name = "advisory"
    verbose_name = _("Advisory requests")

    def ready(self) -> None:
        from advisory.models import AdvisoryRequest
        from talanoa import searchable

        searchable.register(AdvisoryRequest, document=advisory_document,
                            kind_label=_("Advisory requests"))
