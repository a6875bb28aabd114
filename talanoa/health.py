"""/healthz: what a load balancer, nginx or a monitor asks each app server."""

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from talanoa.outbox import waiting_mail
from talanoa.tasks import HEARTBEAT_LATE, stuck_tasks, worker_state


@never_cache
@require_safe
def healthz(request):
    """200 when this server reaches the database, a worker beat recently, no email has waited
    longer than MAIL_LATE_MINUTES and no task has run longer than TASK_STUCK_MINUTES; 503
    otherwise, naming the failing part. Public, and says nothing about content: only the state
    of parts (counts and ages)."""
    state: dict[str, object] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        state["database"] = "ok"
    except Exception as error:  # any failure to reach the database is "down", not a 500
        state["database"] = f"down: {type(error).__name__}"
        state["worker"] = "unknown"
        return _answer(state)
    on_time, age = worker_state()
    state["worker"] = "ok" if on_time else ("never seen" if age is None else "late")
    if age is not None:
        state["worker_seen_seconds_ago"] = round(age, 1)
    state["worker_late_after_seconds"] = int(HEARTBEAT_LATE.total_seconds())
    waiting, oldest = waiting_mail()
    late = oldest is not None and oldest > settings.MAIL_LATE_MINUTES * 60
    state["mail"] = "late" if late else "ok"
    state["mail_waiting"] = waiting
    if oldest is not None:
        state["mail_oldest_seconds"] = round(oldest, 1)
    stuck = stuck_tasks()
    state["tasks"] = f"stuck: {stuck}" if stuck else "ok"
    return _answer(state)


def _answer(state: dict[str, object]) -> JsonResponse:
    healthy = all(state.get(part) == "ok" for part in ("database", "worker", "mail", "tasks"))
    return JsonResponse({"status": "ok" if healthy else "failing", **state},
                        status=200 if healthy else 503)
