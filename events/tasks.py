from celery import shared_task

from . import services


@shared_task
def extend_schedule_horizon():
    """Daily: every live event has dates up to the horizon (idempotent)."""
    return services.sync_all_events()
