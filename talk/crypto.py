"""What a writer sends is kept encrypted (Fernet: AES and an HMAC) under the keys of
IBASHO_TALK_KEYS, so a database dump or a backup reveals no message. The first key encrypts;
every key in the list decrypts, so a new key goes first and the old one stays behind it until
`manage.py rotate_talk_keys` has encrypted everything again under the new one."""

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

_cache = {}


def _fernet():
    keys = tuple(settings.IBASHO_TALK_KEYS)  # read at call time: tests and rotation change it
    if not keys:
        raise ImproperlyConfigured("Set IBASHO_TALK_KEYS (see the README).")
    if keys not in _cache:
        _cache.clear()
        _cache[keys] = MultiFernet([Fernet(key) for key in keys])
    return _cache[keys]


def encrypt(text):
    return _fernet().encrypt(text.encode()).decode()


def decrypt(token):
    return _fernet().decrypt(token.encode()).decode()


def rotate(token):
    """The same text encrypted under the first key."""
    return _fernet().rotate(token.encode()).decode()


def new_key():
    return Fernet.generate_key().decode()


class EncryptedTextField(models.TextField):
    """Text the application reads in clear and the database holds only encrypted. An empty
    value is stored empty (nothing to hide), so "no e-mail given" stays queryable."""

    def from_db_value(self, value, expression, connection):
        if not value:
            return value
        try:
            return decrypt(value)
        except InvalidToken:
            # A key that was removed too early: the row says so instead of breaking the page.
            return "\ufffd"

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if not value:
            return value or ""
        return encrypt(value)
