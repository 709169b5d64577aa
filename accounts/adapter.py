from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings


class AccountAdapter(DefaultAccountAdapter):
    """Accounts exist for staff and invited peer supporters only: public sign-up is closed
    unless IBASHO_OPEN_SIGNUP is set."""

    def is_open_for_signup(self, request):
        return settings.IBASHO_OPEN_SIGNUP
