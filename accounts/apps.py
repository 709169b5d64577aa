from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """The custom user (e-mail login) and the allauth adapter."""

    name = "accounts"
    verbose_name = "accounts"
