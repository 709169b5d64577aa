from django.apps import AppConfig


class IbashoConfig(AppConfig):
    """The site itself: home and awareness pages, site-wide contacts, health."""

    name = "ibasho"
    verbose_name = "Ibasho"
