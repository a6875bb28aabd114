"""/healthz: what a load balancer, nginx or a monitor asks each app server."""

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from talanoa.tasks import HEARTBEAT_LATE, worker_state


@never_cache
@require_safe
def healthz(request):
    """200 when this server reaches the database and a worker beat recently; 503 otherwise,
    naming the failing part. Public, and says nothing about content: only the state of parts."""
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
    return _answer(state)


def _answer(state: dict[str, object]) -> JsonResponse:
    healthy = state.get("database") == "ok" and state.get("worker") == "ok"
    return JsonResponse({"status": "ok" if healthy else "failing", **state},
                        status=200 if healthy else 503)
