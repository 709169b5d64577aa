"""The two ways back into a conversation: a private link and a passphrase of common words.

The writing form carries a one-time random key. The link's token and the passphrase are both
derived from it with the site's secret, so a double click or a resubmitted form finds the same
conversation and shows the same link again. The database keeps only hashes: SHA-256 of the
token (256 bits, nothing to guess) and a keyed hash of the passphrase (fewer bits, so a dump
alone, without the site's secret, gives nothing to try words against)."""

import hashlib
import hmac
import re
import secrets
import unicodedata
from base64 import urlsafe_b64encode

import jaconv
from django.conf import settings

from .words import WORDS

FORM_KEY_BYTES = 32  # 256 bits
PASSPHRASE_WORDS = 5


def new_form_key():
    return secrets.token_urlsafe(FORM_KEY_BYTES)


def is_form_key(value):
    return isinstance(value, str) and 40 <= len(value) <= 64 and value.isascii()


def _keyed(purpose, value):
    return hmac.new(
        settings.SECRET_KEY.encode(), f"ibasho-talk-{purpose}:{value}".encode(), hashlib.sha256
    ).digest()


def token_for(form_key):
    """The conversation's token for a form key: 256 bits, URL-safe."""
    return urlsafe_b64encode(_keyed("token", form_key)).rstrip(b"=").decode()


def hash_token(token):
    return hashlib.sha256(token.encode()).hexdigest()


def is_token(value):
    return isinstance(value, str) and 40 <= len(value) <= 64 and value.isascii()


def passphrase_for(token, language):
    """Several common words, chosen by the token (whoever holds the link may see them)."""
    words = WORDS["en" if (language or "").startswith("en") else "ja"]
    digest = _keyed("passphrase", token)
    return " ".join(words[digest[i] % len(words)] for i in range(PASSPHRASE_WORDS))


SEPARATORS = re.compile(r"[\s・,、。.\-_/]+")


def normalise_passphrase(typed):
    """As typed on a phone or copied from paper: width, case, katakana and the spaces or
    dots between the words do not matter."""
    text = unicodedata.normalize("NFKC", typed or "").casefold()
    text = jaconv.kata2hira(text)
    return " ".join(part for part in SEPARATORS.split(text) if part)


def hash_passphrase(typed):
    return hmac.new(
        settings.SECRET_KEY.encode(),
        b"ibasho-talk-passphrase-hash:" + normalise_passphrase(typed).encode(),
        hashlib.sha256,
    ).hexdigest()
