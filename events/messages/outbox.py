"""The outbox: e-mail that must not be lost.

A message is a row written in the same transaction as the change that causes it. After the
commit a task is queued for it at once (the fast path); whether or not that works, the periodic
sweep sends every due row (events.messages.delivery)."""

import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from .models import MessageStatus, OutboxMessage
from .tasks import deliver_message

logger = logging.getLogger(__name__)


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
    try:
        deliver_message.delay(pk)
    except Exception as error:  # any broker or connection error
        # While the broker is down this is said once a minute, not once a message.
        logger.warning(
            "outbox message %s not queued (%s); the sweep will send it",
            pk,
            type(error).__name__,
            extra={"outage": "broker"},
        )


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
