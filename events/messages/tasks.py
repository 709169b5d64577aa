"""Delivery tasks. Their names stay those they were first queued and scheduled under."""

from celery import shared_task

from . import delivery


@shared_task(name="events.tasks.deliver_message")
def deliver_message(message_id):
    """The fast path, queued when a message's transaction commits: send it now. Harmless when
    the sweep (or a duplicate of this task) got there first."""
    delivery.deliver(message_id)


@shared_task(name="events.tasks.send_due_messages")
def send_due_messages():
    """Every minute: send every due outbox message (what the fast path missed, retries,
    reminders). Idempotent; returns how many messages were handled."""
    return delivery.send_due()
