"""Manage links: the private address of one sign-up. Only hashes of tokens are stored."""

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from . import tokens
from .models import ManageToken


def manage_path(token, language):
    with translation.override(language):
        return reverse("signup-manage", kwargs={"token": token})


def manage_link(token, language):
    """The absolute address, for an e-mail."""
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + manage_path(token, language)


def create_token(signup, token):
    """Keep a new token's hash for a sign-up: one insert (a token is new: derived from a new
    form key, or from fresh random bits)."""
    ManageToken.objects.create(token_hash=tokens.hash_token(token), signup=signup)


def new_manage_link(*, signup):
    """A fresh private token for a sign-up (for an e-mail); earlier ones keep working."""
    token = tokens.token_for(tokens.new_form_key())
    create_token(signup, token)  # 256 fresh random bits: never there before
    return token
