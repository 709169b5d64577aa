"""The secret in an invitation link: 256 random bits, kept only as a hash."""

import hashlib
import secrets

TOKEN_BYTES = 32


def new_token():
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token):
    return hashlib.sha256(token.encode()).hexdigest()


def looks_like_token(value):
    return isinstance(value, str) and 40 <= len(value) <= 64 and value.isascii()
