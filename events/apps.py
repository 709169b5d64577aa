from django.apps import AppConfig


class EventsConfig(AppConfig):
    """Dated things: the schedule, sign-ups, calendars and the outbox (one sub-package each,
    layered as pyproject.toml's import contracts say), and the event pages that show them."""

    name = "events"
    verbose_name = "events"

    def ready(self):
        from django.db.models.signals import post_delete, post_save
        from wagtail.models import Locale
        from wagtail.signals import page_published

        from .pages.models import sync_on_publish
        from .schedule.i18n import forget_locales
        from .signups import notifications  # noqa: F401 (registers its kinds of e-mail)

        page_published.connect(sync_on_publish, dispatch_uid="events-sync-on-publish")
        for signal in (post_save, post_delete):
            signal.connect(forget_locales, sender=Locale, dispatch_uid=f"forget-locales-{signal}")
