"""Keep dates in line with the schedule the moment an event page is published."""

from .models import EventPage
from .services import sync_occurrences


def sync_on_publish(sender, instance, **kwargs):
    if isinstance(instance, EventPage):
        sync_occurrences(event=instance)
