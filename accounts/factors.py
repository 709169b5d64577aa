"""Second factors made without a browser (the demo's staff account): an authenticator-app
secret and recovery codes, stored as allauth stores those made on its own pages."""

from allauth.mfa.adapter import get_adapter
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret


def ensure_totp(user):
    """(secret, otpauth:// URL, unused recovery codes) for `user`, made the first time and read
    back afterwards (so running it again changes nothing)."""
    adapter = get_adapter()
    totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if totp is None:
        secret = generate_totp_secret()
        TOTP.activate(user, secret)
    else:
        secret = adapter.decrypt(totp.data["secret"])
    codes = RecoveryCodes.activate(user).get_unused_codes()
    return secret, adapter.build_totp_url(user, secret), codes
