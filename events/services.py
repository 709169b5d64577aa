"""Schedule and sign-up workflows: rules into dated occurrences, changes to single dates,
and the places people take on them."""

import datetime as dt

import holidays
from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from . import ical, notifications, recurrence, signup_tokens
from .models import (
    HOLDING_PLACES,
    Absence,
    CancelReason,
    ClosedDays,
    EventPage,
    HolidayPolicy,
    JoinMode,
    ManageToken,
    MessageStatus,
    Occurrence,
    OccurrenceStatus,
    OutboxMessage,
    Series,
    SignUp,
    SignUpKind,
    SignUpSource,
    SignUpStatus,
)
from .signals import occurrences_changed


class ScheduleError(Exception):
    """A schedule change that cannot be made; `code` says which."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


def horizon_end(today=None):
    today = today or timezone.localdate()
    return today + dt.timedelta(days=settings.IBASHO_SCHEDULE_HORIZON_DAYS)


def japanese_holidays(years):
    return holidays.country_holidays("JP", years=sorted(years))


def _space_in_main_language(space):
    return space.source if space is not None else None


def sync_occurrences(*, event, until=None, now=None):
    """Bring an event's stored occurrences in line with its rules, up to the date `until`
    (default: the horizon). Idempotent.

    Dates the rules produce are created or updated; dates changed by staff keep their time,
    place and status. A future date the rules no longer produce is cancelled and kept, never
    deleted, so whatever hangs on it (notes, sign-ups) survives. Past dates are not touched.
    Always works on the page in the site's main language."""
    event = event.source
    now = now or timezone.now()
    until = until or horizon_end(timezone.localdate(now))
    with transaction.atomic():
        # Lock the page row so two syncs of one event (publish and the daily job) serialise.
        # NO KEY UPDATE: a booking inserting a sign-up (a foreign key to this row) must not wait
        # for it, or the two deadlock (the booking holds the date's row lock).
        EventPage.objects.select_for_update(no_key=True).filter(pk=event.pk).first()
        # start -> (end, series key). Where two rules make the same start, the first wins.
        wanted, rules = {}, {}
        for rule in event.rules.all():
            pattern = rule.pattern
            key = recurrence.series_key(pattern)
            if key:
                rules[key] = pattern
            for start, end in recurrence.expand(pattern, until=until):
                wanted.setdefault(start, (end, key))
        years = {start.year for start in wanted} or {timezone.localdate(now).year}
        holidays_off = (
            japanese_holidays(years) if event.holiday_policy == HolidayPolicy.SKIP else {}
        )
        closures = list(ClosedDays.objects.for_event(event, since=timezone.localdate(now)))
        space = _space_in_main_language(event.space)
        # Dates not yet over: one that has started today still appears (and is "open now").
        existing = {
            o.original_start: o for o in Occurrence.objects.filter(event=event, end__gt=now)
        }
        to_create, to_update = [], []
        # Dates that were on and are now off (a closure, a holiday, a schedule edit): the people
        # who signed up are told.
        newly_cancelled, restored = set(), set()
        for start, (end, key) in sorted(wanted.items()):
            if end <= now:
                continue
            status, reason, message = _planned_status(event, start.date(), holidays_off, closures)
            occurrence = existing.pop(start, None)
            if occurrence is None:
                to_create.append(
                    Occurrence(
                        event=event,
                        original_start=start,
                        start=start,
                        end=end,
                        space=space,
                        status=status,
                        cancel_reason=reason,
                        message=message,
                        series_key=key,
                    )
                )
                continue
            if occurrence.edited:
                continue
            changed = (
                occurrence.end,
                occurrence.space_id,
                occurrence.status,
                occurrence.cancel_reason,
            ) != (
                end,
                space.pk if space else None,
                status,
                reason,
            )
            if changed or occurrence.message != message:
                if occurrence.end != end or occurrence.status != status:
                    occurrence.sequence += 1
                if not occurrence.is_cancelled and status == OccurrenceStatus.CANCELLED:
                    newly_cancelled.add(occurrence.pk)
                elif occurrence.is_cancelled and status == OccurrenceStatus.SCHEDULED:
                    restored.add(occurrence.pk)
                occurrence.start, occurrence.end, occurrence.space = start, end, space
                occurrence.status, occurrence.cancel_reason, occurrence.message = (
                    status,
                    reason,
                    message,
                )
                to_update.append(occurrence)
        # What is left was produced before but not any more: cancel, keep.
        for occurrence in existing.values():
            if occurrence.edited or occurrence.cancel_reason == CancelReason.SCHEDULE_CHANGED:
                continue
            if occurrence.original_start.date() > until:
                continue  # beyond this sync's reach, not removed from the schedule
            if not occurrence.is_cancelled:
                newly_cancelled.add(occurrence.pk)
            occurrence.status = OccurrenceStatus.CANCELLED
            occurrence.cancel_reason = CancelReason.SCHEDULE_CHANGED
            occurrence.message = ""
            occurrence.sequence += 1
            to_update.append(occurrence)
        Occurrence.objects.bulk_create(to_create)
        for key in {o.series_key for o in to_create} - {""}:
            _record_series(event, key, rules[key])
        fields = [
            "start",
            "end",
            "space",
            "status",
            "cancel_reason",
            "message",
            "sequence",
            "updated_at",
        ]
        for occurrence in to_update:
            occurrence.updated_at = now
        Occurrence.objects.bulk_update(to_update, fields)
        # Reminders follow their dates, and a series' new dates get theirs.
        notifications.replan_reminders([*to_create, *to_update], now=now)
        # One message per person, however many dates a closure takes away.
        notifications.send_dates_changed(
            [o for o in to_update if o.pk in newly_cancelled], cancelled=True
        )
        notifications.send_dates_changed(
            [o for o in to_update if o.pk in restored], cancelled=False, restored=True
        )
    if to_create or to_update:
        # Bulk writes send no post_save; tell caches of public pages and feeds.
        occurrences_changed.send(sender=Occurrence, event=event)
    return len(to_create), len(to_update)


def _record_series(event, key, pattern):
    """Store how feeds describe the dates of one rule version: its RRULE, and the starts it
    makes between its first and last stored date that belong to no date of this series."""
    stored = set(
        Occurrence.objects.filter(event=event, series_key=key).values_list(
            "original_start", flat=True
        )
    )
    first, last = min(stored), max(stored)
    made = {
        start
        for start, _end in recurrence.expand(pattern, until=timezone.localdate(last))
        if first <= start <= last
    }
    # UNTIL and COUNT are left out: a feed ends the rule at the last date it lists.
    rrule = ";".join(
        part
        for part in recurrence.rrule_text(pattern).split(";")
        if not part.startswith(("UNTIL=", "COUNT="))
    )
    Series.objects.update_or_create(
        event=event,
        key=key,
        defaults={
            "rrule": rrule,
            "start_time": pattern.start_time,
            "duration": pattern.duration,
            "exdates": ",".join(ical.utc(moment) for moment in sorted(made - stored)),
        },
    )


def _planned_status(event, day, holidays_off, closures):
    """Status, reason and message the schedule alone gives a date."""
    if event.closed_until_further_notice:
        return OccurrenceStatus.CANCELLED, CancelReason.CLOSURE, event.closure_message
    for closure in closures:
        if closure.covers(day):
            return OccurrenceStatus.CANCELLED, CancelReason.CLOSED_DAYS, closure.message
    if day in holidays_off:
        # The message is written when shown, in the reader's language (Occurrence.display_message).
        return OccurrenceStatus.CANCELLED, CancelReason.HOLIDAY, ""
    return OccurrenceStatus.SCHEDULED, CancelReason.NONE, ""


def sync_all_events(*, now=None):
    """Every live event's dates in line with its rules and the closed days, up to the horizon:
    the daily job, and what a change of closed days needs. Idempotent; returns how many dates
    were created."""
    created = 0
    for event in EventPage.objects.live().filter(locale__language_code=settings.LANGUAGE_CODE):
        created += sync_occurrences(event=event, now=now)[0]
    return created


def cancel_occurrence(*, occurrence, message=""):
    """Cancel one date (staff), with a kind message for the people who planned to come."""
    with transaction.atomic():
        occurrence = Occurrence.objects.select_for_update().get(pk=occurrence.pk)
        if occurrence.end <= timezone.now():
            raise ScheduleError("past", _("This date has already passed."))
        occurrence.status = OccurrenceStatus.CANCELLED
        occurrence.cancel_reason = CancelReason.STAFF
        occurrence.message = message
        occurrence.edited = True
        occurrence.sequence += 1
        occurrence.save()
        notifications.send_dates_changed([occurrence], cancelled=True)
    return occurrence


def move_occurrence(*, occurrence, start, end, space=None, message=""):
    """Move one date to a new time and/or place; it keeps its identity (and its sign-ups)."""
    if end <= start:
        raise ScheduleError("end_before_start", _("The end must come after the start."))
    if start < timezone.now():
        raise ScheduleError("past", _("A date cannot be moved into the past."))
    with transaction.atomic():
        occurrence = Occurrence.objects.select_for_update().get(pk=occurrence.pk)
        occurrence.start, occurrence.end = start, end
        if space is not None:
            occurrence.space = _space_in_main_language(space)
        was_cancelled = occurrence.is_cancelled
        occurrence.status = OccurrenceStatus.SCHEDULED
        occurrence.cancel_reason = CancelReason.NONE
        occurrence.message = message
        occurrence.edited = True
        occurrence.sequence += 1
        occurrence.save()
        notifications.send_dates_changed([occurrence], cancelled=False, restored=was_cancelled)
        notifications.replan_reminders([occurrence])
    return occurrence


# --- Sign-ups ----------------------------------------------------------------------------------
# Every workflow that can change who holds a place locks the scarce row first (the date, or the
# event for a series), then counts, then writes, all in one transaction. On SQLite the
# IMMEDIATE transactions serialise writers; on PostgreSQL the row lock does.

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


def _lock_place(*, occurrence=None, event=None):
    """Lock the row whose places are scarce: the date, or the event for an enrolment."""
    if occurrence is not None:
        return _locked(Occurrence.objects.select_related("event")).get(pk=occurrence.pk)
    return _locked(EventPage.objects).get(pk=event.pk)


def _places_taken(*, occurrence=None, event=None):
    signups = SignUp.objects.holding_places()
    if occurrence is not None:
        signups = signups.filter(occurrence=occurrence, kind=SignUpKind.BOOKING)
    else:
        signups = signups.filter(event=event, kind=SignUpKind.ENROLMENT)
    return signups.aggregate(total=Sum("party_size"))["total"] or 0


def places_left(*, occurrence=None, event=None):
    """Free places on a date (or in a series), or None when there is no limit."""
    capacity = occurrence.effective_capacity if occurrence is not None else event.capacity
    if capacity is None:
        return None
    return max(capacity - _places_taken(occurrence=occurrence, event=event), 0)


def _everyone_waiting(*, occurrence=None, event=None):
    """Everyone waiting, in order; those who let an offer lapse come after all the others."""
    waiting = SignUp.objects.waiting()
    if occurrence is not None:
        waiting = waiting.filter(occurrence=occurrence)
    else:
        waiting = waiting.filter(event=event, kind=SignUpKind.ENROLMENT)
    return waiting.order_by("offer_lapsed", "queued_at", "pk")


def _line(**scope):
    """The line a newcomer joins behind. Someone who let an offer lapse is still offered the
    next freed place when nobody else waits, but does not hold a free place back from others."""
    return _everyone_waiting(**scope).filter(offer_lapsed=False)


def _fits(party_size, **scope):
    """Can a party of this size have places now, without going ahead of anyone in line?"""
    left = places_left(**scope)
    return left is None or (party_size <= left and not _line(**scope).exists())


def _scope(signup):
    """Where a sign-up's places come from: its date, or its event for an enrolment."""
    if signup.occurrence_id is not None:
        return {"occurrence": signup.occurrence}
    return {"event": signup.event}


def _existing_submission(form_key):
    return (
        SignUp.objects.filter(submission_key=signup_tokens.hash_token(form_key))
        .select_related("occurrence", "event")
        .first()
    )


def _add_token(signup, token):
    ManageToken.objects.get_or_create(
        token_hash=signup_tokens.hash_token(token), defaults={"signup": signup}
    )


def new_manage_link(*, signup):
    """A fresh private token for a sign-up (for an e-mail); earlier ones keep working."""
    token = signup_tokens.token_for(signup_tokens.new_form_key())
    _add_token(signup, token)
    return token


def _check_date_open(occurrence, now):
    if occurrence.is_cancelled:
        raise SignUpError(
            "cancelled", _("This date has been cancelled, so sign-ups are closed. Sorry.")
        )
    if occurrence.start <= now:
        raise SignUpError("past", _("This date has already started or passed."))
    if not occurrence.event.live:
        raise SignUpError("not_live", _("This event is no longer published."))


def _create(form_key, **fields):
    signup = SignUp.objects.create(
        submission_key=signup_tokens.hash_token(form_key), queued_at=timezone.now(), **fields
    )
    token = signup_tokens.token_for(form_key)
    _add_token(signup, token)
    return signup, token


def say_maybe(*, occurrence, form_key, language="ja", now=None):
    """ "I might come": an anonymous head count, never counted against places.
    Returns (signup, manage token, created)."""
    now = now or timezone.now()
    with transaction.atomic():
        # Locked like a booking, so that a double click finds the first row, never a duplicate.
        occurrence = _lock_place(occurrence=occurrence)
        if found := _existing_submission(form_key):
            return found, signup_tokens.token_for(form_key), False
        _check_date_open(occurrence, now)
        if occurrence.event.join_mode != JoinMode.MAYBE:
            raise SignUpError("wrong_kind", _("This date does not take “I might come”."))
        signup, token = _create(
            form_key,
            event=occurrence.event,
            occurrence=occurrence,
            kind=SignUpKind.MAYBE,
            status=SignUpStatus.CONFIRMED,
            language=language,
        )
    return signup, token, True


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
    the first booking. Returns (signup, manage token, created)."""
    now = now or timezone.now()
    with transaction.atomic():
        occurrence = _lock_place(occurrence=occurrence)
        if found := _existing_submission(form_key):
            return found, signup_tokens.token_for(form_key), False
        _check_date_open(occurrence, now)
        if occurrence.event.join_mode == JoinMode.ENROLMENT:
            # A course's places belong to the families enrolled in the whole series.
            raise SignUpError(
                "wrong_kind", _("This is a course: please add an enrolment for the series.")
            )
        if occurrence.event.join_mode != JoinMode.BOOKING and source == SignUpSource.WEB:
            raise SignUpError("wrong_kind", _("This date takes no bookings."))
        fits = _fits(party_size, occurrence=occurrence)
        signup, token = _create(
            form_key,
            event=occurrence.event,
            occurrence=occurrence,
            kind=SignUpKind.BOOKING,
            status=SignUpStatus.CONFIRMED if fits else SignUpStatus.WAITING,
            party_size=party_size,
            nickname=nickname,
            email=email,
            note=note,
            wants_reminder=wants_reminder,
            language=language,
            source=source,
            browser_key=browser_key,
        )
        notifications.send_signup_confirmation(signup)
        notifications.plan_reminders(signup, now=now)
    return signup, token, True


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
        event = _lock_place(event=event)
        if found := _existing_submission(form_key):
            return found, signup_tokens.token_for(form_key), False
        if event.join_mode != JoinMode.ENROLMENT and source == SignUpSource.WEB:
            raise SignUpError("wrong_kind", _("This series takes no enrolments."))
        if not event.live:
            raise SignUpError("not_live", _("This event is no longer published."))
        if event.intake_required:
            status = SignUpStatus.PENDING
        else:
            fits = _fits(party_size, event=event)
            status = SignUpStatus.CONFIRMED if fits else SignUpStatus.WAITING
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
            note=note,
            wants_reminder=wants_reminder,
            language=language,
            source=source,
        )
        notifications.send_signup_confirmation(signup)
        notifications.plan_reminders(signup, now=now)
    return signup, token, True


def _relock(signup):
    """Lock the scarce row of a sign-up, then re-read the sign-up under that lock."""
    if signup.occurrence_id is not None:
        _lock_place(occurrence=signup.occurrence)
    else:
        _lock_place(event=signup.event)
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
    return _offer_places(
        event=signup.event, occurrence=signup.occurrence, now=now, passing_over=passing_over
    )


def _offer_places(*, event, occurrence, now, passing_over=None):
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
    candidates = _everyone_waiting(**scope)
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


def set_capacity(*, occurrence, capacity, now=None):
    """Change the places of one date (None: the event's). Places added go at once to the
    people waiting, in order."""
    now = now or timezone.now()
    with transaction.atomic():
        occurrence = _lock_place(occurrence=occurrence)
        if occurrence.capacity != capacity:
            occurrence.capacity = capacity
            occurrence.save(update_fields=["capacity", "updated_at"])
        _offer_places(event=occurrence.event, occurrence=occurrence, now=now)
    return occurrence


def offer_waiting_places(*, event, now=None):
    """After an event is published (its places may have grown): offer free places to the people
    waiting, on each coming date with a waiting list, or in the series."""
    now = now or timezone.now()
    event = event.source
    if event.join_mode == JoinMode.ENROLMENT:
        with transaction.atomic():
            _offer_places(event=_lock_place(event=event), occurrence=None, now=now)
        return
    dates = (
        Occurrence.objects.filter(event=event, start__gt=now, signups__status=SignUpStatus.WAITING)
        .distinct()
        .order_by("start")
    )
    for occurrence in dates:
        with transaction.atomic():
            occurrence = _lock_place(occurrence=occurrence)
            _offer_places(event=occurrence.event, occurrence=occurrence, now=now)


def cancel_signup(*, signup, now=None):
    """Cancel with one click, no reason asked. A freed place is offered to the next in line.
    Cancelling twice is harmless. Returns the sign-ups offered a place."""
    now = now or timezone.now()
    with transaction.atomic():
        signup = _relock(signup)
        if not signup.is_active:
            return []
        signup.status = SignUpStatus.CANCELLED
        signup.offer_expires_at = None
        signup.cancelled_at = now
        signup.save(update_fields=["status", "offer_expires_at", "cancelled_at", "updated_at"])
        # A held place frees up; a waiting party leaving may let the one behind it fit.
        return _offer_freed_places(signup, now)


def change_party_size(*, signup, party_size, now=None):
    """Change how many people come. Growing needs free places (and nobody waiting ahead);
    shrinking frees places for the next in line."""
    now = now or timezone.now()
    with transaction.atomic():
        signup = _relock(signup)
        if not signup.is_active or signup.kind == SignUpKind.MAYBE:
            raise SignUpError("inactive", _("This sign-up can no longer be changed."))
        if signup.occurrence is not None:
            _check_date_open(signup.occurrence, now)
        growth = party_size - signup.party_size
        if growth > 0 and signup.status in HOLDING_PLACES and not _fits(growth, **_scope(signup)):
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
        signup = _relock(signup)
        if signup.occurrence is not None:
            _check_date_open(signup.occurrence, now)
        if signup.status == SignUpStatus.OFFERED and signup.offer_expires_at > now:
            pass
        elif signup.status == SignUpStatus.WAITING and signup.offer_lapsed:
            if not _fits(signup.party_size, **_scope(signup)):
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
        signup = _relock(signup)
        if signup.status != SignUpStatus.OFFERED:
            return []
        signup.status = SignUpStatus.CANCELLED
        signup.offer_expires_at = None
        signup.cancelled_at = now
        signup.save(update_fields=["status", "offer_expires_at", "cancelled_at", "updated_at"])
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
            signup = _relock(signup)
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
        signup = _relock(signup)
        if signup.status != SignUpStatus.PENDING:
            raise SignUpError("not_pending", _("This enrolment is not waiting for a decision."))
        if not accept:
            signup.status = SignUpStatus.DECLINED
        else:
            fits = _fits(signup.party_size, event=signup.event)
            signup.status = SignUpStatus.CONFIRMED if fits else SignUpStatus.WAITING
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


def erase_personal_data(*, now=None):
    """Periodic: personal fields go IBASHO_SIGNUP_RETENTION_DAYS after the date (after the last
    date of the series for an enrolment); the rows, and so the counts, stay. Idempotent."""
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
            note="",
            submission_key="",
            browser_key="",
            erased_at=now,
        )
    return erased


def clear_expired_tokens():
    """Periodic: no manage link outlives the personal data of its sign-up (a link minted for a
    mail while the data were being erased, for instance). Idempotent; returns how many went."""
    return ManageToken.objects.filter(signup__erased_at__isnull=False).delete()[0]
