from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "API"

    def ready(self) -> None:
        # --- webhooks: the daily round also queues deliveries whose task was lost ---
        from api.operations import requeue_stalled_deliveries
        from work import tasks

        if requeue_stalled_deliveries not in tasks.DAILY_JOBS:
            tasks.DAILY_JOBS.append(requeue_stalled_deliveries)
        # --- end webhooks ---
