"""Signing staff in as the site requires: with a second factor (accounts.middleware).

`sign_in_staff` gives the user an authenticator app (TOTP) when they have none, signs the
client in, and passes the second factor through allauth's own page with a code computed from
the secret, as the app on a phone would. The session is then what a real staff login makes."""

import re

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from allauth.mfa.utils import decrypt

from tests.support.totp import totp_code


def give_totp(user):
    """The user's TOTP secret (base32), made and saved when they have none."""
    existing = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if existing is not None:
        return decrypt(existing.data["secret"])
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def pass_second_factor(client, secret, *, next_url="/admin/"):
    page = client.get("/accounts/2fa/reauthenticate/")
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    response = client.post(
        "/accounts/2fa/reauthenticate/",
        {"code": totp_code(secret), "next": next_url, "csrfmiddlewaretoken": csrf.group(1)},
    )
    assert response.status_code == 302, "the second factor was refused"
    return response


def sign_in_staff(client, user):
    """Sign `user` in on `client` with a second factor passed; returns the user."""
    secret = give_totp(user)
    client.force_login(user)
    pass_second_factor(client, secret)
    return user
