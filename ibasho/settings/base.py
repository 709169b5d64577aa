"""Settings shared by every environment. Values that differ per deployment come from the
environment; see the README for the full list."""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
# Runtime state of the embedded default (SQLite, the file broker, the file cache, uploads).
VAR_DIR = Path(os.environ.get("IBASHO_VAR_DIR", BASE_DIR / "var"))

SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h.strip()]

INSTALLED_APPS = [
    "ibasho",
    "accounts",
    "spaces",
    "events",
    "peers",
    "talk",
    "wagtail.contrib.settings",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.redirects",
    "wagtail.contrib.simple_translation",
    "wagtail.locales",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "csp",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    # Outermost, so that a stored page carries every header added below it and can be
    # replayed as it is (also before Django runs at all: ibasho.page_cache.CachedPages).
    "ibasho.page_cache.PageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    # ETags for every GET, and 304 for a calendar app (or browser) that already has the page
    # (for HEAD too, which Django's own middleware does not answer).
    "ibasho.conditional.ConditionalGetMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # The Wagtail site of the request from the shared cache (ibasho/chrome.py).
    "ibasho.chrome.SiteMiddleware",
    # A Wagtail page found in two queries, handed to Wagtail's serve (ibasho/routing.py).
    "ibasho.routing.RouteMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before anything reads the form: bytes that are not UTF-8 get a 400, never a stored "�".
    "ibasho.encoding.RefuseInvalidUTF8Middleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # After allauth's: a staff member (or anyone who may use the Wagtail admin) reaches no page
    # but the second-factor ones until the session has passed a second factor.
    "accounts.middleware.SecondFactorMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "ibasho.urls"
WSGI_APPLICATION = "ibasho.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# --- Data ----------------------------------------------------------------------------------
# SQLite by default (the embedded default of `make run`); PostgreSQL from DATABASE_URL.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # Several processes (web, worker, beat) share the file: wait for locks instead of failing,
    # and let readers run beside the writer.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")


def redis_cache(url):
    """The shared cache on Redis. When Redis does not answer, the site goes on without it: a
    read is a miss and a write is dropped (logged), so pages are rendered afresh and sign-ups
    are taken, instead of every request failing. /healthz still reports the cache as down."""
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": url,
        "KEY_PREFIX": "ibasho",
        "OPTIONS": {
            "IGNORE_EXCEPTIONS": True,
            "SOCKET_CONNECT_TIMEOUT": 1,  # seconds: a hung Redis must not hold every page
            "SOCKET_TIMEOUT": 1,
        },
    }


DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
if REDIS_URL:
    CACHES = {"default": redis_cache(REDIS_URL)}
else:
    # A file cache is shared by the web server and the worker, unlike a per-process one.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# --- Accounts --------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PREVENT_ENUMERATION = True
# Public sign-up stays closed; staff invite peer supporters (see accounts.adapter).
IBASHO_OPEN_SIGNUP = os.environ.get("IBASHO_OPEN_SIGNUP", "") == "1"
# allauth's limits, written out so they cannot be switched off by accident (counted in the
# shared cache, per IP address and per address typed). Beyond them a kind 429 page.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/300s/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "reauthenticate": "10/m/user",
}
# Wagtail's own sign-in page is allauth's, so its second factor cannot be stepped around.
WAGTAILADMIN_LOGIN_URL = "account_login"
# Passwords are allauth's business (reset, change): Wagtail's own forms for them are off.
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False
WAGTAIL_PASSWORD_RESET_ENABLED = False
# A second factor: an authenticator app (TOTP) or a security key or passkey (WebAuthn), with
# recovery codes. Staff must have one (accounts.middleware); peer supporters may add one. A wrong
# code counts against ACCOUNT_RATE_LIMITS["login_failed"], per account.
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
# Accounts are made by staff or by an invitation sent to the address, never by sign-up, so an
# address without allauth's "verified" mark is still the owner's.
MFA_ALLOW_UNVERIFIED_EMAIL = True
MFA_TOTP_ISSUER = os.environ.get("IBASHO_MFA_ISSUER", "Ibasho")
# How long a peer supporter's invitation link stays valid (peers.invitations).
IBASHO_INVITATION_DAYS = int(os.environ.get("IBASHO_INVITATION_DAYS", "7"))

# --- Language and time -------------------------------------------------------------------
LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", "日本語"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Tokyo")
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES

# --- Static files and uploads ------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "ibasho" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# --- E-mail --------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "") == "1"
EMAIL_TIMEOUT = 20
# Where the file backend (django.core.mail.backends.filebased.EmailBackend) writes messages: a
# production-like run can keep its e-mail as files for inspection instead of sending it.
EMAIL_FILE_PATH = Path(os.environ.get("EMAIL_FILE_PATH", VAR_DIR / "mail"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "ibasho@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Wagtail -----------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "Ibasho"
WAGTAILADMIN_BASE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
# Wagtail's database search, taught to read Japanese (ibasho/search/backend.py; README, "Search").
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "ibasho.search.backend"}}
WAGTAIL_GRAVATAR_PROVIDER_URL = None  # no request to a third party from the admin either
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "odt", "txt", "xlsx"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024

# --- Background work -----------------------------------------------------------------------
# Redis in production; without REDIS_URL a broker that needs no server (kombu's filesystem
# transport), so `make run` still runs a real worker and beat.
CELERY_BROKER_URL = REDIS_URL or "filesystem://"
if not REDIS_URL:
    _broker_dir = VAR_DIR / "broker"
    for _folder in ("queue", "control"):
        (_broker_dir / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
else:
    # Longer than any task can run (CELERY_TASK_TIME_LIMIT), so an unacknowledged task is not
    # handed out twice.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 60 * 60}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# No task runs longer than this (the outbox sweep stops itself well before it).
CELERY_TASK_TIME_LIMIT = 5 * 60
# A sign-up queues its e-mail after the commit; with the broker down it waits for this little
# before giving up (the outbox sweep sends the mail later).
CELERY_BROKER_CONNECTION_TIMEOUT = float(os.environ.get("CELERY_BROKER_CONNECTION_TIMEOUT", "2"))
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "send-due-messages": {
        "task": "events.tasks.send_due_messages",
        "schedule": 60.0,
    },
    "extend-schedule-horizon": {
        "task": "events.tasks.extend_schedule_horizon",
        "schedule": crontab(hour=3, minute=10),
    },
    "clear-expired-live-statuses": {
        "task": "spaces.tasks.clear_expired_live_statuses",
        "schedule": crontab(hour=3, minute=40),
    },
    "pass-on-expired-offers": {
        "task": "events.tasks.pass_on_expired_offers",
        "schedule": crontab(minute="*/10"),
    },
    "erase-expired-personal-data": {
        "task": "events.tasks.erase_expired_personal_data",
        "schedule": crontab(hour=4, minute=20),
    },
    "clear-expired-manage-tokens": {
        "task": "events.tasks.clear_expired_manage_tokens",
        "schedule": crontab(hour=4, minute=40),
    },
    "erase-closed-conversations": {
        "task": "talk.tasks.erase_closed_conversations",
        "schedule": crontab(hour=4, minute=50),
    },
    "record-heartbeat": {
        "task": "ibasho.tasks.record_heartbeat",
        "schedule": float(os.environ.get("IBASHO_HEARTBEAT_SECONDS", "60")),
    },
}

# --- Security --------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
# Gone when the browser closes: a form page sets it afresh, so forms work after a restart.
CSRF_COOKIE_AGE = None
SESSION_COOKIE_SAMESITE = "Lax"
# Powerful browser features Ibasho never uses are switched off for every page and anything it
# might embed, so a script that slipped in could not ask for them either (the header comes from
# django-permissions-policy). Features the Wagtail admin uses (clipboard, fullscreen) are left
# as the browser has them: same origin only. Sign-in keys (publickey-credentials-*) are allowed
# for this site alone: security keys and passkeys are a second factor (allauth.mfa).
PERMISSIONS_POLICY = {
    feature: []
    for feature in [
        "accelerometer",
        "ambient-light-sensor",
        "autoplay",
        "bluetooth",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "interest-cohort",
        "local-fonts",
        "magnetometer",
        "microphone",
        "midi",
        "otp-credentials",
        "payment",
        "private-state-token-issuance",
        "private-state-token-redemption",
        "screen-wake-lock",
        "serial",
        "shared-storage",
        "shared-storage-select-url",
        "usb",
        "xr-spatial-tracking",
    ]
} | {"publickey-credentials-create": ["self"], "publickey-credentials-get": ["self"]}
# Public pages run no inline script and load nothing from another host. The Wagtail admin is
# exempt: it relies on inline scripts and styles and is behind a login.
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/admin/"],
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

# One console handler for every logger, Django's and Celery's included (ibasho/celery.py makes
# the worker use this too). Its filters take private links and tokens out of every record and
# turn an outage of Redis into one short line a minute (ibasho/logs.py). A handler added here
# must list the same filters.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "outage": {"()": "ibasho.logs.OutageLines"},
        "redact": {"()": "ibasho.logs.RedactTokens"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["outage", "redact"],
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's own handlers (console when DEBUG, mail to ADMINS) would write unfiltered
        # records, the request with its path and cookies included: send everything to root.
        "django": {"handlers": [], "level": "INFO"},
        "django.server": {"handlers": [], "propagate": True},
        # A 404 is not worth a line (bots try thousands); errors are.
        "django.request": {"level": "ERROR"},
        # Routine page and background-task chatter drowns out what matters in the console.
        "wagtail": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
    },
}

# Shown in page titles until a centre sets its own name in the site settings.
IBASHO_DEFAULT_CENTRE_NAME = _("Ibasho")

# --- Schedule ------------------------------------------------------------------------------
# How far ahead dates are stored; a daily job extends it.
IBASHO_SCHEDULE_HORIZON_DAYS = int(os.environ.get("IBASHO_SCHEDULE_HORIZON_DAYS", "183"))

# --- Open data (/events/open-data/) -----------------------------------------------------------
# The licence the files state. The local government that publishes them (its code and name,
# their first columns) is a site setting: Settings → Centre and contacts.
IBASHO_OPEN_DATA_LICENCE = {
    "name": os.environ.get("IBASHO_OPEN_DATA_LICENCE_NAME", "CC BY 4.0"),
    "url": os.environ.get(
        "IBASHO_OPEN_DATA_LICENCE_URL", "https://creativecommons.org/licenses/by/4.0/deed.ja"
    ),
}

# --- Sign-ups ------------------------------------------------------------------------------
# A freed place offered to the next in line stays theirs at least this long...
IBASHO_OFFER_HOURS = int(os.environ.get("IBASHO_OFFER_HOURS", "48"))
# ...but ends this long before the date starts (close to the date: until it starts).
IBASHO_OFFER_CUTOFF_HOURS = int(os.environ.get("IBASHO_OFFER_CUTOFF_HOURS", "3"))
# Nicknames, e-mail addresses, phone numbers and notes are erased this many days after the
# date (after the last date of a series); anonymous counts stay.
IBASHO_SIGNUP_RETENTION_DAYS = int(os.environ.get("IBASHO_SIGNUP_RETENTION_DAYS", "30"))
# Sign-up forms sent per IP address, and per date (or series), before a kind "try again later"
# (django-ratelimit, counted in the shared cache).
IBASHO_SIGNUP_RATE_PER_IP = os.environ.get("IBASHO_SIGNUP_RATE_PER_IP", "30/h")
IBASHO_SIGNUP_RATE_PER_DATE = os.environ.get("IBASHO_SIGNUP_RATE_PER_DATE", "300/h")
# Behind a proxy, the header with the visitor's address (e.g. HTTP_X_REAL_IP).
RATELIMIT_IP_META_KEY = os.environ.get("RATELIMIT_IP_META_KEY", "REMOTE_ADDR")
# When the shared cache is down, sign-ups are taken without counting rather than refused.
RATELIMIT_FAIL_OPEN = True
# Mail to one address: confirmations of sign-ups, and "send me my links", per address (anyone
# can type anyone's address). Beyond it the sign-up is taken but no mail goes; counted by a
# keyed hash of the address, never the address itself.
IBASHO_MAIL_RATE_PER_ADDRESS = os.environ.get("IBASHO_MAIL_RATE_PER_ADDRESS", "5/h")
IBASHO_LOST_LINKS_RATE_PER_ADDRESS = os.environ.get("IBASHO_LOST_LINKS_RATE_PER_ADDRESS", "3/h")
# Booking codes typed in at /my/: wrong ones counted per address and from everyone (a right
# code is never counted). 50 bits against at most OVERALL guesses an hour: see the README.
IBASHO_CODE_RATE_PER_IP = os.environ.get("IBASHO_CODE_RATE_PER_IP", "10/h")
IBASHO_CODE_RATE_OVERALL = os.environ.get("IBASHO_CODE_RATE_OVERALL", "300/h")
# Messages on a date: a host writing to everyone coming (each one mails them all), and a
# booker's replies from their manage page (all links of one sign-up count together).
IBASHO_HOST_MESSAGE_RATE = os.environ.get("IBASHO_HOST_MESSAGE_RATE", "10/h")
IBASHO_REPLY_RATE_PER_SIGNUP = os.environ.get("IBASHO_REPLY_RATE_PER_SIGNUP", "5/h")
# Also ask DNS whether an address's domain takes mail (MX, else A/AAAA). Only a definite "no"
# refuses: a timeout or a resolver that fails lets the address through.
IBASHO_EMAIL_CHECK_DNS = os.environ.get("IBASHO_EMAIL_CHECK_DNS", "") == "1"
IBASHO_EMAIL_DNS_TIMEOUT = float(os.environ.get("IBASHO_EMAIL_DNS_TIMEOUT", "2"))

# --- Outgoing e-mail (the outbox) -------------------------------------------------------------
# Reminders go this many days before a date, at this hour (site time), to people who asked.
IBASHO_REMINDER_DAYS_BEFORE = int(os.environ.get("IBASHO_REMINDER_DAYS_BEFORE", "1"))
IBASHO_REMINDER_HOUR = int(os.environ.get("IBASHO_REMINDER_HOUR", "10"))
# After this many failed attempts (1, 5, 25… minutes apart, at most IBASHO_OUTBOX_MAX_RETRY_
# MINUTES) a message is marked failed and listed for staff in the admin.
IBASHO_OUTBOX_MAX_ATTEMPTS = int(os.environ.get("IBASHO_OUTBOX_MAX_ATTEMPTS", "6"))
IBASHO_OUTBOX_MAX_RETRY_MINUTES = int(os.environ.get("IBASHO_OUTBOX_MAX_RETRY_MINUTES", "240"))
# /healthz says "late" (503) when a message has waited longer than this past its time.
IBASHO_OUTBOX_LATE_SECONDS = int(os.environ.get("IBASHO_OUTBOX_LATE_SECONDS", "900"))
# One sweep handles at most this many messages, for at most this long.
IBASHO_OUTBOX_SWEEP_LIMIT = int(os.environ.get("IBASHO_OUTBOX_SWEEP_LIMIT", "5000"))
IBASHO_OUTBOX_SWEEP_SECONDS = int(os.environ.get("IBASHO_OUTBOX_SWEEP_SECONDS", "50"))
# Queue a task for each message as soon as its transaction commits (the sweep is the backstop).
IBASHO_OUTBOX_FAST_PATH = True

# Anonymous page views are served from the shared cache for at most this long (and never past
# the next opening or closing); 0 turns the page cache off.
IBASHO_PAGE_CACHE_SECONDS = int(os.environ.get("IBASHO_PAGE_CACHE_SECONDS", "600"))
# Per process: recently served page bodies kept in memory beside the shared cache.
IBASHO_PAGE_CACHE_MEMORY_BYTES = int(
    os.environ.get("IBASHO_PAGE_CACHE_MEMORY_BYTES", str(32 * 1024 * 1024))
)
# The HTTP caches in front (Varnish), comma-separated base URLs where they take BAN requests
# (ibasho/front_cache.py); empty: none. Each write bans its pages there as in the page cache.
IBASHO_FRONT_CACHE_URLS = [
    url.strip() for url in os.environ.get("IBASHO_FRONT_CACHE_URLS", "").split(",") if url.strip()
]
# Seconds one ban request may take before it is retried later.
IBASHO_FRONT_CACHE_TIMEOUT = float(os.environ.get("IBASHO_FRONT_CACHE_TIMEOUT", "3"))

# --- Writing to us (talk) ----------------------------------------------------------------------
# Fernet keys that encrypt conversations at rest, comma-separated: the first encrypts, all
# decrypt (put a new key first to rotate, then run `manage.py rotate_talk_keys`). Production
# refuses to start without them; development and tests derive one from SECRET_KEY.
IBASHO_TALK_KEYS = [
    k.strip() for k in os.environ.get("IBASHO_TALK_KEYS", "").split(",") if k.strip()
]
# Conversations closed for this many days are erased; the monthly counts stay.
IBASHO_TALK_RETENTION_DAYS = int(os.environ.get("IBASHO_TALK_RETENTION_DAYS", "90"))
# Messages sent per IP address and in all, and wrong passphrases per IP address and in all.
IBASHO_TALK_RATE_PER_IP = os.environ.get("IBASHO_TALK_RATE_PER_IP", "10/h")
IBASHO_TALK_RATE_OVERALL = os.environ.get("IBASHO_TALK_RATE_OVERALL", "300/h")
IBASHO_TALK_PASSPHRASE_RATE_PER_IP = os.environ.get("IBASHO_TALK_PASSPHRASE_RATE_PER_IP", "10/h")
IBASHO_TALK_PASSPHRASE_RATE_OVERALL = os.environ.get("IBASHO_TALK_PASSPHRASE_RATE_OVERALL", "500/h")


def development_talk_key(secret_key):
    """A Fernet key derived from SECRET_KEY: for development and tests only."""
    import base64
    import hashlib

    digest = hashlib.sha256(b"ibasho-talk-development:" + secret_key.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()
