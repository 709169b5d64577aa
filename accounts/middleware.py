"""A second factor for everyone who may use the Wagtail admin, enforced rather than offered.

allauth asks for a second factor at sign-in once someone has one, but leaves requiring one to
the project. This middleware does it: a staff session reaches only the pages that set up or
pass a second factor (and sign-out) until it has passed one."""

from urllib.parse import urlencode

from allauth.account.authentication import get_authentication_records
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# Pages a staff member must still reach before a second factor is in place.
OPEN_PAGES = {
    "account_logout",
    "account_reauthenticate",
    "account_change_password",
    "mfa_index",
    "mfa_authenticate",
    "mfa_reauthenticate",
    "mfa_activate_totp",
    "mfa_view_recovery_codes",
    "mfa_generate_recovery_codes",
    "mfa_download_recovery_codes",
    "mfa_add_webauthn",
    "mfa_list_webauthn",
    "mfa_signup_webauthn",
    "set_language",
}
SET_ONE_UP = _(
    "Staff accounts need a second factor before anything else: set up an authenticator app or "
    "a security key here. It takes a minute."
)
# The kinds that count as a second factor (recovery codes only stand in for one).
FACTORS = ["totp", "webauthn"]


def needs_second_factor(user):
    """Staff, and anyone else allowed into the Wagtail admin."""
    return user.is_active and (
        user.is_staff or user.is_superuser or user.has_perm("wagtailadmin.access_admin")
    )


def passed_second_factor(request):
    """Has this session passed a second factor (at sign-in, or since)?"""
    records = get_authentication_records(request, request.user)
    return any(record.get("method") == "mfa" for record in records)


class SecondFactorMiddleware:
    """Sends a staff session without a second factor to set one up, and one that has a second
    factor but has not used it (signed in some other way, or before adding it) to pass it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # No session cookie, nobody signed in: the session is left untouched, so an anonymous
        # page stays cacheable (reading request.user would mark it as varying by cookie).
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not needs_second_factor(user):
            return None
        match = request.resolver_match
        if match is not None and match.url_name in OPEN_PAGES:
            return None
        if passed_second_factor(request):
            return None
        if not is_mfa_enabled(user, FACTORS):
            messages.info(request, SET_ONE_UP)
            return redirect("mfa_index")
        query = urlencode({"next": request.get_full_path()})
        return redirect(f"{reverse('mfa_reauthenticate')}?{query}")
