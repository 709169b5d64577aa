"""Manage links: the secret in a sign-up's private URL.

The browser's sign-up form carries a one-time random key. The manage token is derived from it
with the site's secret, so a double click or a resubmitted form finds the same sign-up and can
show the same link again, while the database keeps only hashes of both."""

import hashlib
import hmac
import secrets
from base64 import urlsafe_b64encode

from django.conf import settings

FORM_KEY_BYTES = 32  # 256 bits


def new_form_key():
    return secrets.token_urlsafe(FORM_KEY_BYTES)


def is_form_key(value):
    return isinstance(value, str) and 40 <= len(value) <= 64 and value.isascii()


def hash_token(value):
    return hashlib.sha256(value.encode()).hexdigest()


def token_for(form_key):
    """The manage token for a form key: 256 bits, URL-safe."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), b"ibasho-signup:" + form_key.encode(), hashlib.sha256
    ).digest()
    return urlsafe_b64encode(digest).rstrip(b"=").decode()


def browser_key(csrf_secret, scope):
    """A key for "this browser, this date" from the CSRF cookie's secret, or "" without one."""
    if not csrf_secret:
        return ""
    return hmac.new(
        settings.SECRET_KEY.encode(), f"ibasho-browser:{scope}:{csrf_secret}".encode(), "sha256"
    ).hexdigest()
