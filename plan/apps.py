from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanConfig(AppConfig):
    name = "plan"
    verbose_name = _("Work plan")

    def ready(self) -> None:
        from plan.tasks import alert_late_milestones
        from talanoa import daily

        daily.register(alert_late_milestones)
