"""Sending outbox messages, once each.

A row is sent under its row lock and marked sent in the same transaction, so a duplicate task,
two sweeps or a sweep racing the fast path send it once. What a row becomes at send time is
decided by whoever registered its kind (events.messages.kinds): the mail is rendered then, from
current data, or not at all when it is no longer needed ("skipped")."""

import contextlib
import datetime as dt
import logging
import smtplib
import time

from django.conf import settings
from django.core import mail
from django.db import transaction
from django.utils import timezone

from . import kinds
from .models import MessageStatus, OutboxMessage

logger = logging.getLogger(__name__)

# An address the server refuses will be refused again: no point in retrying.
PERMANENT_ERRORS = (smtplib.SMTPRecipientsRefused,)


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
    now = now or timezone.now()
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True).due(now).filter(pk=pk).first()
        )
        if message is None:
            return None
        try:
            with transaction.atomic():
                email = kinds.render(message, now=now)
                if email is not None:
                    email.connection = connection
                    email.send()
        except Exception as error:
            _note_failure(message, error, now)
            if connection is not None:
                # Reopened for the next message (a broken one would fail them all).
                _close_quietly(connection)
                _open_quietly(connection)
        else:
            message.status = MessageStatus.SENT if email is not None else MessageStatus.SKIPPED
            message.sent_at = now if email is not None else None
            message.last_error = ""
        # The only personal datum a row may hold: kept while it may still be sent (pending, or
        # failed, which staff can send again), gone once it is handled; retention clears a failed
        # one with everything else after IBASHO_SIGNUP_RETENTION_DAYS.
        if message.status in (MessageStatus.SENT, MessageStatus.SKIPPED):
            message.to_address = ""
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


def _open_quietly(connection):
    # Opened by the caller, a connection stays open across messages (Django's backends close
    # one they opened themselves after each send). Down: each message then tries on its own.
    with contextlib.suppress(Exception):
        connection.open()


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
    _open_quietly(connection)
    try:
        for pk in pks:
            if deliver(pk, now=now, connection=connection) is not None:
                handled += 1
            if time.monotonic() - started > seconds:
                break
    finally:
        _close_quietly(connection)
    return handled
