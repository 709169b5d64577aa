"""What Ibasho writes to its logs: never a private link, and an outage said once a minute.

Both are filters on the handlers that `settings.LOGGING` configures (Django's own loggers are
sent to them too, and Celery's worker uses the same configuration, see `ibasho.celery`);
gunicorn's access and error logs get the redaction from `ibasho.gunicorn_logs`. A filter on a
handler sees every record that reaches the handler, from any logger, and rewrites it in place,
so a handler added after it gets the redacted record as well.
"""

import logging
import re
import threading

from kombu.exceptions import OperationalError
from redis.exceptions import ConnectionError as RedisConnectionError

REDACTED = "[redacted]"

# Each pattern keeps its first group and replaces the rest of the match.
SECRETS = (
    # A manage link, /my/<token>/ or /en/my/<token>/calendar.ics: anyone holding it can open
    # and cancel someone's booking.
    re.compile(r"(/my/)[^/\s?#\"'<>]+"),
    # A conversation's private page, /talk/c/<token>/: it opens someone's messages.
    re.compile(r"(/talk/c/)[^/\s?#\"'<>]+"),
    # A peer supporter's invitation link, /peers/invitation/<token>/.
    re.compile(r"(/peers/invitation/)[^/\s?#\"'<>]+"),
    # allauth's password-reset link.
    re.compile(r"(/reset/key/)[^/\s?#\"'<>]+"),
    # A secret carried as a query parameter, and what someone searched for (/search/?q=).
    re.compile(r"([?&;](?:token|key|code|signature|q)=)[^&;\s#\"'<>]+", re.IGNORECASE),
    # Anywhere else, a run of 40 or more URL-safe characters with both letters and digits looks
    # like a token (Ibasho's are 43 characters); a task id (36) or a long name stays readable.
    re.compile(
        r"()(?<![\w-])(?=[\w-]*[0-9])(?=[\w-]*[A-Za-z])[A-Za-z0-9_-]{40,}(?![\w-])", re.ASCII
    ),
)


def redact(text):
    for pattern in SECRETS:
        text = pattern.sub(lambda match: match.group(1) + REDACTED, text)
    return text


class RedactTokens(logging.Filter):
    """Rewrite a record so that no private link or token is left in its message, its traceback
    or the request Django attaches to it."""

    def filter(self, record):
        try:
            message = record.getMessage()
        except Exception:  # a record whose arguments do not fit its message: keep both, safely
            message = f"{record.msg} {record.args!r}"
        record.msg, record.args = redact(message), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        # Django attaches the request (its path, headers and cookies) for handlers that mail
        # reports; no handler of Ibasho's needs it.
        if hasattr(record, "request"):
            del record.request
        return True


OUTAGE_SECONDS = 60

# Loggers that report a broken connection on every call or retry, and the part it is to.
OUTAGE_LOGGERS = {
    "django_redis.cache": "cache",
    "celery.worker.consumer.consumer": "broker",  # the worker, retrying every few seconds
}
CONNECTION_ERRORS = (OSError, OperationalError, RedisConnectionError)
HEALTH_PATHS = {"/healthz", "/healthz/live"}


def reports_a_lost_connection(record):
    error = record.exc_info[1] if record.exc_info else None
    candidates = [error, *(record.args if isinstance(record.args, tuple) else ())]
    return any(isinstance(candidate, CONNECTION_ERRORS) for candidate in candidates)


def outage_part(record):
    """The part whose outage a record reports, or None."""
    part = getattr(record, "outage", None)
    # django-redis logs only the connection errors it ignores; other loggers say more.
    if (
        part is None
        and record.levelno >= logging.WARNING
        and record.name in OUTAGE_LOGGERS
        and (record.name == "django_redis.cache" or reports_a_lost_connection(record))
    ):
        part = OUTAGE_LOGGERS[record.name]
    if part is None and record.name == "django.request":
        # Django logs every 503 as an error; a monitor polling /healthz would add one a poll,
        # after the checks have said what is down.
        path = getattr(getattr(record, "request", None), "path", "")
        if getattr(record, "status_code", None) == 503 and path in HEALTH_PATHS:
            part = "healthz"
    return part


class OutageLines(logging.Filter):
    """While a part (the cache, the broker) is down, say so in one short line a minute instead
    of a traceback on every request. A record takes part when its logger is one of
    OUTAGE_LOGGERS or it was logged with `extra={"outage": "<part>"}`; /healthz answers, for
    as long as it lasts, what is down now. The minute is counted per process and per part."""

    def __init__(self, name=""):
        super().__init__(name)
        self.last_said = {}
        self.lock = threading.Lock()

    def filter(self, record):
        part = outage_part(record)
        if part is None:
            return True
        with self.lock:
            last = self.last_said.get(part)
            if last is not None and 0 <= record.created - last < OUTAGE_SECONDS:
                return False
            self.last_said[part] = record.created
        if record.exc_info:
            error = record.exc_info[1]
            detail = (str(error).splitlines() or [""])[0][:200]
            message = f"{part} unavailable ({type(error).__name__}: {detail})"
            record.exc_info = record.exc_text = None
        else:
            message = record.getMessage()
        message = " ".join(message.split())  # one line, however the logger wrote it
        record.msg = f"{message}; said at most once a minute while it lasts"
        record.args = ()
        return True
