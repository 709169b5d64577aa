import datetime as dt

from celery import shared_task
from django.utils import timezone

from .directory import LiveStatus


@shared_task
def clear_expired_live_statuses():
    """Expired statuses are already ignored when read; this keeps the table small."""
    cutoff = timezone.now() - dt.timedelta(days=30)
    return LiveStatus.objects.filter(ends_at__lt=cutoff).delete()[0]
