from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def advisory_document(advisory):
    """Advisory requests: topic, details and responses. The search asks the policy, so only
    who the request names (and the group's chair and secretariat) ever find it."""
    from talanoa.searchable import SearchDocument

    text = "\n".join([advisory.details, *advisory.responses.values_list("text", flat=True)])
    return SearchDocument(title=advisory.title_en, title_fr=advisory.title_fr, text=text,
                          date=advisory.received_at)


class WorkConfig(AppConfig):
    name = "work"
    verbose_name = _("Work programme")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from talanoa import access
        from talanoa import searchable as search
        from work.models import Task

        access.register_task_model(Task)

        # --- Advisory requests ---
        from work.models import AdvisoryRequest

        search.register(AdvisoryRequest, document=advisory_document,
                        kind_label=_("Advisory requests"))
