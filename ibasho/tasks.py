from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

HEARTBEAT_KEY = "ibasho:worker-heartbeat"


@shared_task
def record_heartbeat():
    """Periodic proof that beat and a worker are running; /healthz reports its age."""
    cache.set(HEARTBEAT_KEY, timezone.now().isoformat(), timeout=None)
