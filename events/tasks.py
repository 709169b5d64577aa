from celery import shared_task

from . import services


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
