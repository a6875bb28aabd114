from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TasksConfig(AppConfig):
    name = "tasks"
    verbose_name = _("Tasks")
    daily_jobs = ("tasks.alerts.send_overdue_alerts",)  # run by talanoa.daily

    def ready(self) -> None:
        from talanoa import access
        from tasks.models import Task

        access.register_task_model(Task)
