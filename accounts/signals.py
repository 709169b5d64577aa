"""Account events that other parts of the account app must follow (connected in apps.py)."""

from allauth.account.internal.flows.login import record_authentication

from .sessions import end_sessions


def end_sessions_of_deactivated(sender, instance, **kwargs):
    """A deactivated account is signed out everywhere, whoever switched it off and how."""
    if instance.pk is None or instance.is_active:
        return
    if sender.objects.filter(pk=instance.pk, is_active=True).exists():
        instance._ending_sessions = True


def end_sessions_after_save(sender, instance, **kwargs):
    if getattr(instance, "_ending_sessions", False):
        instance._ending_sessions = False
        end_sessions(instance)


def count_new_factor_as_passed(sender, request, user, authenticator, **kwargs):
    """Setting up an authenticator app or a security key takes a code from it (or a touch of
    it): the session has just passed that factor, so it is not asked for it again at once.
    (Recovery codes made beside it prove nothing.)"""
    if authenticator.type in ("totp", "webauthn") and request.user == user:
        record_authentication(request, user, "mfa", type=authenticator.type, id=authenticator.pk)
