from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EngagementConfig(AppConfig):
    name = "engagement"
    verbose_name = _("Engagement")

    def ready(self) -> None:
        from engagement.tasks import alert_engagement_deadlines
        from talanoa import daily

        daily.register(alert_engagement_deadlines)
