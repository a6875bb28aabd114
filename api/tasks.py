"""Background work of the API, run by `manage.py db_worker`: sending webhooks."""

from django.tasks import task


@task()
def deliver_webhook(delivery_id: int) -> str:
    """One attempt at a delivery (a retry queues itself again, see `attempt_delivery`). Run
    twice, or by two workers at once, it sends once: the attempt is claimed first."""
    from api.operations import attempt_delivery

    delivery = attempt_delivery(delivery_id)
    return delivery.status if delivery else "skipped"
