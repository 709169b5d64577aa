from celery import shared_task

from . import outbox, services


@shared_task
def extend_schedule_horizon():
    """Daily: every live event has dates up to the horizon (idempotent)."""
    return services.sync_all_events()


@shared_task
def pass_on_expired_offers():
    """Every few minutes: offers of a freed place not taken up in time go to the next in line.
    Idempotent; returns how many people were newly offered a place."""
    return len(services.expire_offers())


@shared_task
def erase_expired_personal_data():
    """Daily: nicknames, e-mail addresses, phone numbers and notes past the retention period
    are erased; the counts stay. Idempotent; returns how many sign-ups were erased."""
    return services.erase_personal_data()


@shared_task
def deliver_message(message_id):
    """The fast path, queued when a message's transaction commits: send it now. Harmless when
    the sweep (or a duplicate of this task) got there first."""
    outbox.deliver(message_id)


@shared_task
def send_due_messages():
    """Every minute: send every due outbox message (what the fast path missed, retries,
    reminders). Idempotent; returns how many messages were handled."""
    return outbox.send_due()


@shared_task
def clear_expired_manage_tokens():
    """Daily: manage links of erased sign-ups are deleted. Idempotent."""
    return services.clear_expired_tokens()
