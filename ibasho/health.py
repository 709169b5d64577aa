"""Checks behind /healthz: can this process reach what it needs?"""

import logging
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import connection

from .celery import app as celery_app

logger = logging.getLogger(__name__)


def check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_cache():
    key = f"ibasho:healthz:{uuid.uuid4().hex}"
    cache.set(key, "ok", timeout=10)
    ok = cache.get(key) == "ok"
    cache.delete(key)
    if not ok:
        raise RuntimeError("cache did not return what was stored")


def check_broker():
    with celery_app.connection_for_write() as conn:
        # One quick attempt: a health check must answer fast, not wait for the broker.
        conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)


def check_outbox():
    """("ok" | "late", seconds): how long the oldest e-mail that should have left by now has
    waited. Late past IBASHO_OUTBOX_LATE_SECONDS: the worker or the mail server is down."""
    from events.messages.outbox import oldest_due_age

    age = oldest_due_age()
    seconds = 0 if age is None else int(age.total_seconds())
    return ("late" if seconds > settings.IBASHO_OUTBOX_LATE_SECONDS else "ok"), seconds


CHECKS = {"database": check_database, "cache": check_cache, "broker": check_broker}


def run_checks(checks=CHECKS):
    """Return ({name: "ok" | "unavailable"}, all_ok). Errors go to the log, not the caller."""
    results = {}
    for name, check in checks.items():
        try:
            check()
        except Exception as error:
            # A short line, at most one a minute while it lasts (ibasho.logs.OutageLines).
            detail = (str(error).splitlines() or [""])[0][:200]
            logger.warning(
                "%s unavailable (%s: %s)",
                name,
                type(error).__name__,
                detail,
                extra={"outage": name},
            )
            results[name] = "unavailable"
        else:
            results[name] = "ok"
    return results, all(v == "ok" for v in results.values())
