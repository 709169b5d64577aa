from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

from . import front_cache

HEARTBEAT_KEY = "ibasho:worker-heartbeat"


@shared_task
def record_heartbeat():
    """Periodic proof that beat and a worker are running; /healthz reports its age."""
    cache.set(HEARTBEAT_KEY, timezone.now().isoformat(), timeout=None)


@shared_task(bind=True, max_retries=5)
def ban_front_cache(self, scopes, locations=None):
    """Drop the pages of these page-cache scopes from the HTTP caches in front (Varnish);
    retried for about five minutes for the caches that did not confirm, then given up with one
    short line in the log (the pages expire there by their s-maxage). Idempotent."""
    failed = front_cache.ban(scopes, locations)
    if not failed:
        return
    if self.request.retries < self.max_retries:
        wait = 10 * 2**self.request.retries
        raise self.retry(args=[scopes], kwargs={"locations": list(failed)}, countdown=wait)
    for location, error in failed.items():
        front_cache.logger.warning(
            "front cache %s: ban not confirmed, given up (%s)",
            location,
            front_cache.error_name(error),
        )
