from django.apps import AppConfig


class TalkConfig(AppConfig):
    """Writing to the centre without a name: private conversations, encrypted at rest, and
    the staff inbox that answers them."""

    name = "talk"
    verbose_name = "talk"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import notifications  # noqa: F401 (registers its kinds of e-mail)
