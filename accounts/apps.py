from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """The custom user (e-mail login), the allauth adapter and the second factor staff need."""

    name = "accounts"
    verbose_name = "accounts"

    def ready(self):
        from allauth.mfa.signals import authenticator_added
        from django.db.models.signals import post_save, pre_save

        from . import signals
        from .models import User

        pre_save.connect(signals.end_sessions_of_deactivated, sender=User, dispatch_uid="a-off")
        post_save.connect(signals.end_sessions_after_save, sender=User, dispatch_uid="a-end")
        authenticator_added.connect(signals.count_new_factor_as_passed, dispatch_uid="a-mfa")
