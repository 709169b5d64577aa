"""Sign-up workflows: the places people take on dates and in series, the waiting line and its
offers. Every workflow that can change who holds a place locks the scarce row first (the date,
or the event for a series), then counts, then writes, all in one transaction. On SQLite the
IMMEDIATE transactions serialise writers; on PostgreSQL the row lock does. The counting rules
are in events.signups.places."""

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..schedule.models import Occurrence
from . import notifications, phones, tokens
from .links import create_token, new_manage_link
from .models import (
    HOLDING_PLACES,
    Absence,
    Author,
    DateMessage,
    JoinMode,
    SignUp,
    SignUpKind,
    SignUpSource,
    SignUpStatus,
)
from .places import everyone_waiting, fits, places_left, scope_of

# Test-only switch: the concurrency test turns locking off once to show that it catches races.
LOCK_ROWS = True


class SignUpError(Exception):
    """A sign-up change that cannot be made; `code` says which, the message says it kindly."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


def _locked(queryset):
    # Only the scarce row itself, not the page rows a select_related joins in; NO KEY UPDATE so
    # that inserting a sign-up that points at it (a foreign key) never waits for the lock.
    return queryset.select_for_update(of=("self",), no_key=True) if LOCK_ROWS else queryset


def lock_place(*, occurrence=None, event=None):
    """Lock the row whose places are scarce: the date, or the event for an enrolment."""
    if occurrence is not None:
        return _locked(Occurrence.objects.select_related("event")).get(pk=occurrence.pk)
    # The page it was given: events.pages sits above this layer.
    return _locked(type(event).objects).get(pk=event.pk)


def _existing_submission(form_key):
    return (
        SignUp.objects.filter(submission_key=tokens.hash_token(form_key))
        .select_related("occurrence", "event")
        .first()
    )


DATE_CLOSED = {
    "cancelled": gettext_lazy("This date has been cancelled, so sign-ups are closed. Sorry."),
    "past": gettext_lazy("This date has already started or passed."),
    "not_live": gettext_lazy("This event is no longer published."),
}


def _check_date_open(occurrence, now):
    if reason := occurrence.signups_closed(now):
        raise SignUpError(reason, str(DATE_CLOSED[reason]))


def _unused_code():
    """A new booking code. With 50 bits a clash is all but impossible; the unique constraint
    would refuse one, and this look-up makes sure it never has to."""
    while True:
        code = tokens.new_booking_code()
        if not SignUp.objects.filter(code_hash=tokens.hash_code(code)).exists():
            return code


def _create(form_key, **fields):
    """The new sign-up with its manage token and booking code (shown again behind the token):
    two inserts. A form key already used (a double click that got here second) breaks the unique
    submission key and raises IntegrityError, which aborts the caller's transaction (see _once)."""
    code = _unused_code()
    signup = SignUp.objects.create(
        submission_key=tokens.hash_token(form_key),
        code_hash=tokens.hash_code(code),
        queued_at=timezone.now(),
        **fields,
    )
    signup.booking_code = code  # for the confirmation e-mail, written in this transaction
    token = tokens.token_for(form_key)
    create_token(signup, token, code=code)
    return signup, token


def _once(form_key, take):
    """Run `take()` (a transaction that creates the sign-up of this form) once per form key:
    a form sent again gets the first sign-up back, as (signup, manage token, False).

    Looked up before the lock, not under it: a form sent again after the first one finished is
    found here; one that raced it to the lock (a double click) fails on the unique submission
    key once the first has committed, and then finds it."""
    if found := _existing_submission(form_key):
        return found, tokens.token_for(form_key), False
    try:
        return take()
    except IntegrityError:
        if found := _existing_submission(form_key):
            return found, tokens.token_for(form_key), False
        raise


def say_maybe(*, occurrence, form_key, language="ja", now=None):
    """ "I might come": an anonymous head count, never counted against places.
    Returns (signup, manage token, created)."""
    now = now or timezone.now()

    @transaction.atomic
    def take():
        # Locked like a booking (a head count on a date that is open at that moment).
        locked = lock_place(occurrence=occurrence)
        _check_date_open(locked, now)
        if locked.event.join_mode != JoinMode.MAYBE:
            raise SignUpError("wrong_kind", _("This date does not take “I might come”."))
        signup, token = _create(
            form_key,
            event=locked.event,
            occurrence=locked,
            kind=SignUpKind.MAYBE,
            status=SignUpStatus.CONFIRMED,
            language=language,
        )
        return signup, token, True

    return _once(form_key, take)


def _confirm(signup, *, now, may_mail=None):
    """The confirmation and the reminders asked for; neither when mail to this address is held
    back (too much lately), and then no reminder later either, when dates change. `may_mail`:
    that limit, already counted before the row lock (None: count it now)."""
    if notifications.send_signup_confirmation(
        signup, may_mail=may_mail, code=getattr(signup, "booking_code", "")
    ):
        notifications.plan_reminders(signup, now=now)
    elif signup.wants_reminder:
        signup.wants_reminder = False
        signup.save(update_fields=["wants_reminder", "updated_at"])


def book_place(
    *,
    occurrence,
    form_key,
    party_size=1,
    nickname="",
    email="",
    note="",
    wants_reminder=False,
    language="ja",
    source=SignUpSource.WEB,
    browser_key="",
    now=None,
):
    """Book a date: confirmed while places are left and nobody is waiting, otherwise on the
    waiting list in arrival order. A repeated form (double click, back and resubmit) returns
    the first booking. Returns (signup, manage token, created).

    Under the date's row lock only what the places need: the checks, the count and the
    inserts (the sign-up, its link, its outbox rows). The per-address mail limit is counted
    before it; the page cache is purged after the commit."""
    now = now or timezone.now()

    @transaction.atomic
    def take():
        may_mail = notifications.may_confirm(email)
        locked = lock_place(occurrence=occurrence)
        _check_date_open(locked, now)
        if locked.event.join_mode == JoinMode.ENROLMENT:
            # A course's places belong to the families enrolled in the whole series.
            raise SignUpError(
                "wrong_kind", _("This is a course: please add an enrolment for the series.")
            )
        # Staff may book someone who phoned onto any date; online and a host, only where the
        # date takes bookings.
        if locked.event.join_mode != JoinMode.BOOKING and source != SignUpSource.STAFF:
            raise SignUpError("wrong_kind", _("This date takes no bookings."))
        has_room = fits(party_size, occurrence=locked)
        signup, token = _create(
            form_key,
            event=locked.event,
            occurrence=locked,
            kind=SignUpKind.BOOKING,
            status=SignUpStatus.CONFIRMED if has_room else SignUpStatus.WAITING,
            party_size=party_size,
            nickname=nickname,
            email=email,
            note=note,
            wants_reminder=wants_reminder,
            language=language,
            source=source,
            browser_key=browser_key,
        )
        _confirm(signup, now=now, may_mail=may_mail)
        return signup, token, True

    return _once(form_key, take)


def enrol(
    *,
    event,
    form_key,
    party_size=1,
    nickname="",
    relationship="",
    email="",
    phone="",
    note="",
    wants_reminder=False,
    language="ja",
    source=SignUpSource.WEB,
    now=None,
):
    """Enrol a family in a whole series (a family class). With an intake step the enrolment
    waits for staff; otherwise it is confirmed while places are left, else waits in line."""
    event = event.source
    now = now or timezone.now()
    with transaction.atomic():
        event = lock_place(event=event)
        if found := _existing_submission(form_key):
            return found, tokens.token_for(form_key), False
        if event.join_mode != JoinMode.ENROLMENT and source == SignUpSource.WEB:
            raise SignUpError("wrong_kind", _("This series takes no enrolments."))
        if not event.live:
            raise SignUpError("not_live", _("This event is no longer published."))
        if event.intake_required:
            status = SignUpStatus.PENDING
        else:
            has_room = fits(party_size, event=event)
            status = SignUpStatus.CONFIRMED if has_room else SignUpStatus.WAITING
        signup, token = _create(
            form_key,
            event=event,
            kind=SignUpKind.ENROLMENT,
            status=status,
            party_size=party_size,
            nickname=nickname,
            relationship=relationship,
            email=email,
            phone=phone,
            phone_digits=phones.digits_or_blank(phone),
            note=note,
            wants_reminder=wants_reminder,
            language=language,
            source=source,
        )
        _confirm(signup, now=now)
    return signup, token, True


def open_with_code(*, code):
    """The sign-up behind a booking code as typed, and a new manage token for it (which shows
    the code again); None for a wrong, replaced or erased code. The caller limits the tries."""
    signup = SignUp.objects.with_code(code).first()
    if signup is None:
        return None
    return signup, new_manage_link(signup=signup, code=tokens.normalize_code(code))


def renew_link(*, signup):
    """Staff, for someone who lost their link and code: a new booking code and a new link.
    Every earlier link and the old code stop working. Returns (token, code), to be shown once
    and read out; neither is kept anywhere."""
    with transaction.atomic():
        signup = relock(signup)
        if signup.erased_at is not None:
            raise SignUpError("erased", _("The details of this sign-up have been deleted."))
        code = _unused_code()
        signup.code_hash = tokens.hash_code(code)
        signup.save(update_fields=["code_hash", "updated_at"])
        signup.manage_tokens.all().delete()
        token = new_manage_link(signup=signup, code=code)
    return token, code


def relock(signup):
    """Lock the scarce row of a sign-up, then re-read the sign-up under that lock."""
    if signup.occurrence_id is not None:
        lock_place(occurrence=signup.occurrence)
    else:
        lock_place(event=signup.event)
    return SignUp.objects.select_related("occurrence", "event").get(pk=signup.pk)


def offer_expiry(occurrence, now):
    """An offer lasts at least IBASHO_OFFER_HOURS, but ends a little before the date starts
    (IBASHO_OFFER_CUTOFF_HOURS); close to the date, it lasts until the start."""
    longest = now + dt.timedelta(hours=settings.IBASHO_OFFER_HOURS)
    if occurrence is None:
        return longest
    cutoff = occurrence.start - dt.timedelta(hours=settings.IBASHO_OFFER_CUTOFF_HOURS)
    if cutoff <= now:
        return occurrence.start
    return min(longest, cutoff)


def _offer_freed_places(signup, now, *, passing_over=None):
    return offer_places(
        event=signup.event, occurrence=signup.occurrence, now=now, passing_over=passing_over
    )


def offer_places(*, event, occurrence, now, passing_over=None):
    """Offer free places to the first people waiting, in order, as long as their party fits.
    Nobody is skipped: when the first party does not fit, nobody behind it is offered.
    `passing_over` is someone whose offer just lapsed: not offered the same place again.
    The caller holds the lock of the date (or of the event, for a series)."""
    if not event.offer_places_automatically:
        return []
    if occurrence is not None and (occurrence.is_cancelled or occurrence.start <= now):
        return []
    scope = {"occurrence": occurrence} if occurrence is not None else {"event": event}
    offered = []
    left = places_left(**scope)
    candidates = everyone_waiting(**scope)
    if passing_over is not None:
        candidates = candidates.exclude(pk=passing_over.pk)
    for waiting in candidates:
        if left is not None and waiting.party_size > left:
            break
        waiting.status = SignUpStatus.OFFERED
        waiting.offer_expires_at = offer_expiry(occurrence, now)
        waiting.save(update_fields=["status", "offer_expires_at", "updated_at"])
        notifications.send_offer(waiting)
        offered.append(waiting)
        if left is not None:
            left -= waiting.party_size
    return offered


def offer_waiting_places(*, event, now=None):
    """After an event is published (its places may have grown): offer free places to the people
    waiting, on each coming date with a waiting list, or in the series."""
    now = now or timezone.now()
    event = event.source
    if event.join_mode == JoinMode.ENROLMENT:
        with transaction.atomic():
            offer_places(event=lock_place(event=event), occurrence=None, now=now)
        return
    dates = (
        Occurrence.objects.filter(event=event, start__gt=now, signups__status=SignUpStatus.WAITING)
        .distinct()
        .order_by("start")
    )
    for occurrence in dates:
        with transaction.atomic():
            occurrence = lock_place(occurrence=occurrence)
            offer_places(event=occurrence.event, occurrence=occurrence, now=now)


def cancel_signup(*, signup, now=None):
    """Cancel with one click, no reason asked. A freed place is offered to the next in line.
    Cancelling twice is harmless. Returns the sign-ups offered a place."""
    now = now or timezone.now()
    with transaction.atomic():
        signup = relock(signup)
        if not signup.is_active:
            return []
        had_place = signup.has_place
        signup.status = SignUpStatus.CANCELLED
        signup.offer_expires_at = None
        signup.cancelled_at = now
        signup.save(update_fields=["status", "offer_expires_at", "cancelled_at", "updated_at"])
        notifications.send_cancellation_note(signup, had_place=had_place)
        # A held place frees up; a waiting party leaving may let the one behind it fit.
        return _offer_freed_places(signup, now)


def change_party_size(*, signup, party_size, now=None):
    """Change how many people come. Growing needs free places (and nobody waiting ahead);
    shrinking frees places for the next in line."""
    now = now or timezone.now()
    with transaction.atomic():
        signup = relock(signup)
        if not signup.is_active or signup.kind == SignUpKind.MAYBE:
            raise SignUpError("inactive", _("This sign-up can no longer be changed."))
        if signup.occurrence is not None:
            _check_date_open(signup.occurrence, now)
        growth = party_size - signup.party_size
        if growth > 0 and signup.status in HOLDING_PLACES and not fits(growth, **scope_of(signup)):
            raise SignUpError(
                "full",
                _("There are not enough places left for %(count)d people.") % {"count": party_size},
            )
        signup.party_size = party_size
        signup.save(update_fields=["party_size", "updated_at"])
        # Fewer places held, or a smaller party now first in line, may let someone in.
        return _offer_freed_places(signup, now)


def accept_offer(*, signup, now=None):
    """Take an offered place with one click. A place that is simply free (the offer passed on
    and nobody else took it) can be taken the same way."""
    now = now or timezone.now()
    with transaction.atomic():
        signup = relock(signup)
        if signup.occurrence is not None:
            _check_date_open(signup.occurrence, now)
        if signup.status == SignUpStatus.OFFERED and signup.offer_expires_at > now:
            pass
        elif signup.status == SignUpStatus.WAITING and signup.offer_lapsed:
            if not fits(signup.party_size, **scope_of(signup)):
                raise SignUpError("gone", _("Sorry, the place has gone to someone else."))
        else:
            raise SignUpError("no_offer", _("There is no place to accept right now."))
        signup.status = SignUpStatus.CONFIRMED
        signup.offer_expires_at = None
        signup.offer_lapsed = False
        signup.save(update_fields=["status", "offer_expires_at", "offer_lapsed", "updated_at"])
        return signup


def decline_offer(*, signup, now=None):
    """ "Not this time": the person stops waiting for this date (or series) and the place goes
    to the next in line. No mark against them anywhere else."""
    now = now or timezone.now()
    with transaction.atomic():
        signup = relock(signup)
        if signup.status != SignUpStatus.OFFERED:
            return []
        had_place = signup.has_place
        signup.status = SignUpStatus.CANCELLED
        signup.offer_expires_at = None
        signup.cancelled_at = now
        signup.save(update_fields=["status", "offer_expires_at", "cancelled_at", "updated_at"])
        notifications.send_cancellation_note(signup, had_place=had_place)
        return _offer_freed_places(signup, now)


def _lapse(signup, now):
    signup.status = SignUpStatus.WAITING
    signup.offer_expires_at = None
    signup.offer_lapsed = True
    signup.queued_at = now
    signup.save(
        update_fields=["status", "offer_expires_at", "offer_lapsed", "queued_at", "updated_at"]
    )


def expire_offers(*, now=None):
    """Periodic: offers not taken up in time pass on to the next in line. Idempotent.
    Returns the sign-ups newly offered a place."""
    now = now or timezone.now()
    offered = []
    due = SignUp.objects.filter(status=SignUpStatus.OFFERED, offer_expires_at__lte=now)
    for signup in due.select_related("occurrence", "event"):
        with transaction.atomic():
            signup = relock(signup)
            if signup.status != SignUpStatus.OFFERED or signup.offer_expires_at > now:
                continue  # taken up, or handled by another worker meanwhile
            _lapse(signup, now)
            offered += _offer_freed_places(signup, now, passing_over=signup)
    return offered


def decide_enrolment(*, signup, accept, now=None):
    """Staff, after the intake talk: take the family on (if places allow, else they wait in
    line) or not."""
    now = now or timezone.now()
    with transaction.atomic():
        signup = relock(signup)
        if signup.status != SignUpStatus.PENDING:
            raise SignUpError("not_pending", _("This enrolment is not waiting for a decision."))
        if not accept:
            signup.status = SignUpStatus.DECLINED
        else:
            has_room = fits(signup.party_size, event=signup.event)
            signup.status = SignUpStatus.CONFIRMED if has_room else SignUpStatus.WAITING
            signup.queued_at = now
        signup.save(update_fields=["status", "queued_at", "updated_at"])
        return signup


def report_absence(*, signup, occurrence, now=None):
    """A family enrolled in a series will miss one date; the enrolment stays."""
    now = now or timezone.now()
    if signup.kind != SignUpKind.ENROLMENT or not signup.is_active:
        raise SignUpError("inactive", _("This enrolment is not active."))
    if occurrence.event_id != signup.event_id or occurrence.start <= now:
        raise SignUpError("past", _("This date has already started or passed."))
    Absence.objects.get_or_create(signup=signup, occurrence=occurrence)


# --- Messages on a date: the host to everyone coming, a booker's reply to the host -------------


def _write_once(form_key, write):
    """Run `write()` (which creates one message) once per form key: a double click or a form
    sent again gives the first message back, as (message, False)."""
    key = tokens.hash_token(form_key)
    if found := DateMessage.objects.filter(submission_key=key).first():
        return found, False
    try:
        with transaction.atomic():
            return write(key), True
    except IntegrityError:
        if found := DateMessage.objects.filter(submission_key=key).first():
            return found, False
        raise


def write_to_everyone(*, occurrence, body, form_key, written_by=None):
    """The host writes to everyone a date concerns: the message is on each of their manage
    pages, and the outbox mails it (in the same transaction) to each who gave an address and
    still comes. Returns (message, created)."""

    def write(key):
        message = DateMessage.objects.create(
            occurrence=occurrence,
            author=Author.HOST,
            written_by=written_by,
            body=body,
            submission_key=key,
        )
        notifications.send_host_message(message)
        return message

    return _write_once(form_key, write)


def reply_to_host(*, signup, body, form_key):
    """A booker answers the host, from their manage page: the reply goes with the date of the
    host's latest message they can see, and only the host (and staff) read it. Returns
    (message, created)."""
    if not signup.is_active or signup.erased_at:
        raise SignUpError("inactive", _("This sign-up is no longer active, so it takes no reply."))
    latest = (
        DateMessage.objects.seen_by(signup)
        .filter(author=Author.HOST)
        .order_by("-created_at", "-pk")
        .first()
    )
    if latest is None:
        raise SignUpError("no_message", _("There is no message from the host to reply to yet."))

    def write(key):
        return DateMessage.objects.create(
            occurrence_id=latest.occurrence_id,
            author=Author.BOOKER,
            signup=signup,
            body=body,
            submission_key=key,
        )

    return _write_once(form_key, write)
