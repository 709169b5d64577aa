from django.apps import AppConfig


class EventsConfig(AppConfig):
    """Dated things: events, their recurrence and occurrences, sign-ups and feeds."""

    name = "events"
    verbose_name = "events"

    def ready(self):
        from django.db.models.signals import post_delete, post_save
        from wagtail.models import Locale
        from wagtail.signals import page_published

        from .i18n import forget_locales
        from .signals import sync_on_publish

        page_published.connect(sync_on_publish, dispatch_uid="events-sync-on-publish")
        for signal in (post_save, post_delete):
            signal.connect(forget_locales, sender=Locale, dispatch_uid=f"forget-locales-{signal}")
