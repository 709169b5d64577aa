"""Benchmark settings: the embedded default without DEBUG, plus a trivial baseline view."""

from ibasho.settings.base import *

DEBUG = False
SECRET_KEY = "bench-only-key"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "bench.urls"
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
LOGGING["root"]["level"] = "WARNING"
