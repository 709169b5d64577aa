from django.apps import AppConfig


class SpacesConfig(AppConfig):
    """Drop-in spaces, the organisations that run them and the areas they serve."""

    name = "spaces"
    verbose_name = "spaces"
