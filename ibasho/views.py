from django.core.cache import cache
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .health import check_database, check_outbox, run_checks
from .tasks import HEARTBEAT_KEY


@never_cache
@require_safe
def healthz(request):
    """JSON status of the database, cache and broker: 200 when all answer and no e-mail is
    late, 503 otherwise."""
    checks, healthy = run_checks()
    body = {"status": "ok" if healthy else "unavailable", **checks}
    if checks["cache"] == "ok":
        body["worker_last_seen"] = cache.get(HEARTBEAT_KEY)
    if checks["database"] == "ok":
        body["outbox"], body["outbox_oldest_due_seconds"] = check_outbox()
        if body["outbox"] != "ok" and healthy:
            body["status"], healthy = "late", False
    return JsonResponse(body, status=200 if healthy else 503)


@never_cache
@require_safe
def liveness(request):
    """For a load balancer: can this process serve the site? Only the database is needed; pages
    and sign-ups go on while the cache or broker is down or e-mail is late (the monitor
    watching /healthz says so), so those are no reason to send visitors elsewhere."""
    checks, _healthy = run_checks({"database": check_database})
    healthy = checks["database"] == "ok"
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable"}, status=200 if healthy else 503
    )
