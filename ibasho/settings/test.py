"""The test suite: the embedded default, or PostgreSQL and Redis when DATABASE_URL and
REDIS_URL are set (as CI's second run does)."""

from .base import *

SECRET_KEY = "test-only-key"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
if not REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    CACHES["default"]["KEY_PREFIX"] = "ibasho-test"
MEDIA_ROOT = VAR_DIR / "test-media"
IBASHO_DEMO_ACCOUNTS = True
# Tests look at freshly rendered pages; tests/test_page_cache.py turns the cache on.
IBASHO_PAGE_CACHE_SECONDS = 0
# Live-server tests answer each request in its own thread: close its connection afterwards.
DATABASES["default"]["CONN_MAX_AGE"] = 0
# Tasks queued after a commit (the outbox's fast path) run in the test process, not through a
# broker; the tests that are about the broker or a real worker say so.
CELERY_TASK_ALWAYS_EAGER = True
# Conversations are encrypted with a key derived from SECRET_KEY unless IBASHO_TALK_KEYS is set.
IBASHO_TALK_KEYS = IBASHO_TALK_KEYS or [development_talk_key(SECRET_KEY)]
