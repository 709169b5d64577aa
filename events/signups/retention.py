"""Data retention: personal fields go a set time after the date; the counts stay."""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from ..messages.models import MessageStatus, OutboxMessage
from ..schedule.models import Occurrence
from .models import DateMessage, ManageToken, SignUp, SignUpStatus


def erase_personal_data(*, now=None):
    """Periodic: personal fields go IBASHO_SIGNUP_RETENTION_DAYS after the date (after the last
    date of the series for an enrolment), and so do the messages on the date; the sign-up rows,
    and so the counts, stay. Idempotent."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.IBASHO_SIGNUP_RETENTION_DAYS)
    dates = Occurrence.objects.filter(event=OuterRef("event"))
    series_over = Exists(dates) & ~Exists(dates.filter(end__gt=cutoff))
    # A series may run on with no end (dates keep being added): an enrolment that was cancelled
    # or declined is erased from when that happened.
    ended = Q(status__in=[SignUpStatus.CANCELLED, SignUpStatus.DECLINED], updated_at__lte=cutoff)
    due = SignUp.objects.filter(erased_at__isnull=True).filter(
        Q(occurrence__end__lte=cutoff) | (Q(occurrence__isnull=True) & (series_over | ended))
    )
    pks = list(due.values_list("pk", flat=True))
    with transaction.atomic():
        ManageToken.objects.filter(signup_id__in=pks).delete()
        # Messages on a date, the host's and the replies, go with the date's personal data; a
        # reply also goes with the sign-up that wrote it (an enrolment cancelled early).
        DateMessage.objects.filter(
            Q(occurrence__end__lte=cutoff)
            | Q(signup_id__in=pks)
            | Q(signup__erased_at__isnull=False)
        ).delete()
        # Nothing more is sent to them, and what was sent leaves no trace after the same time.
        OutboxMessage.objects.filter(signup_id__in=pks, status=MessageStatus.PENDING).update(
            status=MessageStatus.CANCELLED, to_address="", updated_at=now
        )
        OutboxMessage.objects.exclude(status=MessageStatus.PENDING).filter(
            updated_at__lte=cutoff
        ).delete()
        OutboxMessage.objects.filter(created_at__lte=cutoff).update(to_address="")
        erased = SignUp.objects.filter(pk__in=pks).update(
            nickname="",
            relationship="",
            email="",
            phone="",
            phone_digits="",
            note="",
            submission_key="",
            browser_key="",
            code_hash="",
            erased_at=now,
        )
    return erased


def clear_expired_tokens():
    """Periodic: no manage link outlives the personal data of its sign-up (a link minted for a
    mail while the data were being erased, for instance). Idempotent; returns how many went."""
    return ManageToken.objects.filter(signup__erased_at__isnull=False).delete()[0]
