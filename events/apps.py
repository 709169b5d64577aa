from django.apps import AppConfig


class EventsConfig(AppConfig):
    """Dated things: events, their recurrence and occurrences, sign-ups and feeds."""

    name = "events"
    verbose_name = "events"
