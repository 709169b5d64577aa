"""`make run`: the embedded default on one machine, with e-mail printed to the console."""

from .base import *

DEBUG = True
SECRET_KEY = os.environ.get("SECRET_KEY") or "dev-only-insecure-key-never-use-in-production"
ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "[::1]"]
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
# Only development settings may create the demo accounts with their published password.
IBASHO_DEMO_ACCOUNTS = True
# Conversations are encrypted with a key derived from SECRET_KEY unless IBASHO_TALK_KEYS is set.
IBASHO_TALK_KEYS = IBASHO_TALK_KEYS or [development_talk_key(SECRET_KEY)]
# Security keys on http://127.0.0.1 (browsers treat the loopback address as secure anyway).
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True
