from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "API"
    # --- webhooks: the daily round (talanoa.daily) also queues deliveries whose task was lost ---
    daily_jobs = ("api.operations.requeue_stalled_deliveries",)

    def ready(self) -> None:
        _send_webhooks_on_events()
        # --- end webhooks ---


def _send_webhooks_on_events() -> None:
    """Partners subscribed to a group hear of its public papers and meetings (api.operations)."""
    from api import operations
    from talanoa import events

    events.paper_published.connect(
        lambda sender, paper, **kwargs: operations.paper_published(paper),
        weak=False, dispatch_uid="api.webhooks.paper_published")
    events.meeting_convened.connect(
        lambda sender, meeting, **kwargs: operations.meeting_convened(meeting),
        weak=False, dispatch_uid="api.webhooks.meeting_convened")
