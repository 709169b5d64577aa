from celery import shared_task

from . import services


@shared_task
def erase_closed_conversations():
    """Daily: conversations closed longer than IBASHO_TALK_RETENTION_DAYS are erased; the
    monthly counts stay. Idempotent; returns how many were erased."""
    return services.erase_closed()
