from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TasksConfig(AppConfig):
    name = "tasks"
    verbose_name = _("Tasks")

    def ready(self) -> None:
        from talanoa import access, daily
        from tasks.alerts import send_overdue_alerts
        from tasks.models import Task

        access.register_task_model(Task)
        daily.register(send_overdue_alerts)
