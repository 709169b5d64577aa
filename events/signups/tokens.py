"""Manage links: the secret in a sign-up's private URL.

The browser's sign-up form carries a one-time random key. The manage token is derived from it
with the site's secret, so a double click or a resubmitted form finds the same sign-up and can
show the same link again, while the database keeps only hashes of both."""

import hashlib
import hmac
import secrets
import unicodedata
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


# --- Booking codes ------------------------------------------------------------------------------
# A short code to write down or read out on the phone, typed in at /my/ to open the manage page.
# 32 symbols (no 0/O or 1/I, easily mixed up by hand; a small l is read as L) × 10 characters
# = 50 bits, guessed only online and through a rate limit (see the README). Stored as a keyed
# hash (a leaked database alone cannot be searched for codes); a copy for showing it again is
# sealed under each manage token made while the code was known (ManageToken.code_box).

CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_LENGTH = 10


def new_booking_code():
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(text):
    """The code as typed (full-width, lower case, spaces or dashes) in its plain form, or ""
    when it cannot be one."""
    if not isinstance(text, str) or len(text) > 40:
        return ""
    folded = unicodedata.normalize("NFKC", text).upper()
    code = "".join(ch for ch in folded if ch not in " -‐‑–—―ー")
    if len(code) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in code):
        return ""
    return code


def format_code(code):
    """K7QMX-4WXPR: two groups of five, to read aloud."""
    half = CODE_LENGTH // 2
    return f"{code[:half]}-{code[half:]}" if code else ""


def hash_code(code):
    return hmac.new(
        settings.SECRET_KEY.encode(), b"ibasho-code:" + code.encode(), hashlib.sha256
    ).hexdigest()


def _code_pad(key):
    return hmac.new(
        settings.SECRET_KEY.encode(), b"ibasho-code-box:" + key.encode(), hashlib.sha256
    ).digest()[:CODE_LENGTH]


def seal_code(code, key):
    """The code hidden under `key` (a manage token, never stored), as hex."""
    return bytes(a ^ b for a, b in zip(code.encode(), _code_pad(key), strict=True)).hex()


def open_code(box, key):
    """The code sealed under `key`, or "" when there is none (or the key does not fit)."""
    try:
        sealed = bytes.fromhex(box)
    except ValueError:
        return ""
    if len(sealed) != CODE_LENGTH:
        return ""
    code = bytes(a ^ b for a, b in zip(sealed, _code_pad(key), strict=True)).decode("latin-1")
    return code if all(ch in CODE_ALPHABET for ch in code) else ""
