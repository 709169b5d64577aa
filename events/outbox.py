"""The outbox: e-mail that must not be lost.

A message is a row written in the same transaction as the change that causes it. After the
commit a task is queued for it at once (the fast path); whether or not that works, the periodic
sweep sends every due row. A row is sent under its row lock and marked sent in the same
transaction, so a duplicate task, two sweeps or a sweep racing the fast path send it once.

What a row becomes at send time is decided in events/notifications.py: the mail is rendered
then, from current data, or not at all when it is no longer needed ("skipped")."""

import contextlib
import datetime as dt
import logging
import smtplib
import time

from django.conf import settings
from django.core import mail
from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from .models import MessageStatus, OutboxMessage

logger = logging.getLogger(__name__)

# An address the server refuses will be refused again: no point in retrying.
PERMANENT_ERRORS = (smtplib.SMTPRecipientsRefused,)


def queue(*, kind, signup=None, payload=None, to_address="", due_at=None, dedupe_key=""):
    """Write one message in the caller's transaction; once it commits, a task tries to send it
    at once if it is already due. With `dedupe_key`, a second call finds the first row."""
    now = timezone.now()
    due_at = due_at or now
    fields = {
        "kind": kind,
        "signup": signup,
        "payload": payload or {},
        "to_address": to_address,
        "due_at": due_at,
        "next_attempt_at": due_at,
    }
    if dedupe_key:
        message, created = OutboxMessage.objects.get_or_create(
            dedupe_key=dedupe_key, defaults=fields
        )
        if not created:
            return message
    else:
        message = OutboxMessage.objects.create(**fields)
    if due_at <= now:
        transaction.on_commit(lambda: enqueue(message.pk))
    return message


def enqueue(pk):
    """The fast path: a task for one message. A broker that is down must not break what the
    person was doing: the error's kind is logged and the sweep sends the message later."""
    if not settings.IBASHO_OUTBOX_FAST_PATH:
        return
    from .tasks import deliver_message

    try:
        deliver_message.delay(pk)
    except Exception as error:  # any broker or connection error
        logger.warning(
            "outbox message %s not queued (%s); the sweep will send it", pk, type(error).__name__
        )


def retry_delay(attempts):
    """1, 5, 25, 125 minutes… after each failed attempt, capped."""
    minutes = 5 ** (attempts - 1)
    return dt.timedelta(minutes=min(minutes, settings.IBASHO_OUTBOX_MAX_RETRY_MINUTES))


def deliver(pk, *, now=None, connection=None):
    """Send one message if it is still due and nobody else is sending it. Returns its new
    status, or None when there was nothing to do (sent already, not due, or locked by another
    worker, which then sends it).

    The row stays locked until the mail has left and the row says so, so the mail goes out
    once. Only if the process dies between the SMTP server's "OK" and the commit is it sent
    again after recovery. Manage links minted for a mail that could not leave are rolled
    back with it."""
    from . import notifications

    now = now or timezone.now()
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True).due(now).filter(pk=pk).first()
        )
        if message is None:
            return None
        try:
            with transaction.atomic():
                email = notifications.render(message, now=now)
                if email is not None:
                    email.connection = connection
                    email.send()
        except Exception as error:
            _note_failure(message, error, now)
            if connection is not None:
                _close_quietly(connection)
        else:
            message.status = MessageStatus.SENT if email is not None else MessageStatus.SKIPPED
            message.sent_at = now if email is not None else None
            message.last_error = ""
        if message.status != MessageStatus.PENDING:
            message.to_address = ""  # the only personal datum a row may hold
        message.save()
        return message.status


def _note_failure(message, error, now):
    # SMTP errors quote the recipient's address: only the kind of error is kept and logged.
    message.attempts += 1
    message.last_error = type(error).__name__
    if (
        isinstance(error, PERMANENT_ERRORS)
        or message.attempts >= settings.IBASHO_OUTBOX_MAX_ATTEMPTS
    ):
        message.status = MessageStatus.FAILED
    else:
        message.next_attempt_at = now + retry_delay(message.attempts)
    logger.warning(
        "outbox message %s (%s) attempt %s failed: %s",
        message.pk,
        message.kind,
        message.attempts,
        message.last_error,
    )


def _close_quietly(connection):
    # A broken connection is simply reopened for the next message.
    with contextlib.suppress(Exception):
        connection.close()


def send_due(*, now=None, limit=None, seconds=None):
    """Periodic (every minute): send every due message, oldest first, over one SMTP
    connection. Stops after `seconds` so runs do not pile up; a second sweep at the same time
    skips what the first holds. Idempotent. Returns how many were handled."""
    limit = limit or settings.IBASHO_OUTBOX_SWEEP_LIMIT
    seconds = seconds or settings.IBASHO_OUTBOX_SWEEP_SECONDS
    started = time.monotonic()
    pks = list(
        OutboxMessage.objects.due(now)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    handled = 0
    connection = mail.get_connection()
    try:
        for pk in pks:
            if deliver(pk, now=now, connection=connection) is not None:
                handled += 1
            if time.monotonic() - started > seconds:
                break
    finally:
        _close_quietly(connection)
    return handled


def retry(message):
    """Staff: try a failed message again from the start."""
    now = timezone.now()
    updated = OutboxMessage.objects.filter(pk=message.pk, status=MessageStatus.FAILED).update(
        status=MessageStatus.PENDING, attempts=0, next_attempt_at=max(now, message.due_at)
    )
    if updated:
        transaction.on_commit(lambda: enqueue(message.pk))
    return bool(updated)


def oldest_due_age(now=None):
    """How long the oldest message that should have left by now has been waiting, or None."""
    now = now or timezone.now()
    oldest = OutboxMessage.objects.filter(status=MessageStatus.PENDING, due_at__lte=now).aggregate(
        oldest=Min("due_at")
    )["oldest"]
    return None if oldest is None else now - oldest
