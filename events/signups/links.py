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


def create_token(signup, token, *, code=""):
    """Keep a new token's hash for a sign-up: one insert (a token is new: derived from a new
    form key, or from fresh random bits); with the booking code, also the code sealed under the
    token, so that the page behind it can show the code again."""
    box = tokens.seal_code(code, token) if code else ""
    ManageToken.objects.create(token_hash=tokens.hash_token(token), signup=signup, code_box=box)


def new_manage_link(*, signup, code=""):
    """A fresh private token for a sign-up (for an e-mail); earlier ones keep working."""
    token = tokens.token_for(tokens.new_form_key())
    create_token(signup, token, code=code)  # 256 fresh random bits: never there before
    return token


def code_behind(token):
    """The booking code the page behind this token may show again, or ""."""
    box = (
        ManageToken.objects.filter(token_hash=tokens.hash_token(token))
        .values_list("code_box", flat=True)
        .first()
    )
    return tokens.open_code(box, token) if box else ""
