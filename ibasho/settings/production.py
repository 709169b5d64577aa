"""Production: PostgreSQL, Redis, gunicorn, Celery worker and beat. Every secret comes from
the environment, and a missing one stops the process at start-up."""

from django.core.exceptions import ImproperlyConfigured

from .base import *


def _require(name):
    value = os.environ.get(name, "")
    if not value:
        raise ImproperlyConfigured(f"Set the {name} environment variable (see the README).")
    return value


SECRET_KEY = _require("SECRET_KEY")
ALLOWED_HOSTS = [h.strip() for h in _require("ALLOWED_HOSTS").split(",") if h.strip()]
_require("DATABASE_URL")
_require("REDIS_URL")
IBASHO_TALK_KEYS = [k.strip() for k in _require("IBASHO_TALK_KEYS").split(",") if k.strip()]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

SECURE_SSL_REDIRECT = os.environ.get("SECURE_SSL_REDIRECT", "1") == "1"
if os.environ.get("BEHIND_TLS_PROXY", "1") == "1":
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = os.environ.get("SECURE_HSTS_PRELOAD", "") == "1"
if not SECURE_HSTS_PRELOAD:
    # Preloading binds every subdomain of the operator's domain (often a municipality's) to
    # HTTPS for good; it is the operator's decision, so not being preloaded is no warning here.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
IBASHO_DEMO_ACCOUNTS = False

# gunicorn serves the collected, fingerprinted static files itself (no CDN, no other host).
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "whitenoise.middleware.WhiteNoiseMiddleware",
)
STORAGES["staticfiles"] = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}
