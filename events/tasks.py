"""Periodic and background work of events. Each task calls one workflow; all are idempotent.
The delivery tasks live with the outbox (events.messages.tasks) and are imported here so that
the worker, which looks for `events.tasks`, knows them."""

from celery import shared_task

from .messages.tasks import deliver_message, send_due_messages
from .pages.models import sync_all_events
from .signups import retention, services

__all__ = ["deliver_message", "send_due_messages"]


@shared_task
def extend_schedule_horizon():
    """Daily: every live event has dates up to the horizon (idempotent)."""
    return sync_all_events()


@shared_task
def pass_on_expired_offers():
    """Every few minutes: offers of a freed place not taken up in time go to the next in line.
    Idempotent; returns how many people were newly offered a place."""
    return len(services.expire_offers())


@shared_task
def erase_expired_personal_data():
    """Daily: nicknames, e-mail addresses, phone numbers and notes past the retention period
    are erased; the counts stay. Idempotent; returns how many sign-ups were erased."""
    return retention.erase_personal_data()


@shared_task
def clear_expired_manage_tokens():
    """Daily: manage links of erased sign-ups are deleted. Idempotent."""
    return retention.clear_expired_tokens()
