"""Signals of the events app: keeping dates in line with a published schedule, and telling
caches that dates changed where a bulk write sent no post_save."""

from django.dispatch import Signal

# Sent with `event` after dates were created or changed in bulk.
occurrences_changed = Signal()


def sync_on_publish(sender, instance, **kwargs):
    from .models import EventPage
    from .services import offer_waiting_places, sync_occurrences

    if isinstance(instance, EventPage):
        sync_occurrences(event=instance)
        # More places may have been given: the people waiting are offered them.
        offer_waiting_places(event=instance)
