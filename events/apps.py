from django.apps import AppConfig


class EventsConfig(AppConfig):
    """Dated things: events, their recurrence and occurrences, sign-ups and feeds."""

    name = "events"
    verbose_name = "events"

    def ready(self):
        from wagtail.signals import page_published

        from .signals import sync_on_publish

        page_published.connect(sync_on_publish, dispatch_uid="events-sync-on-publish")
