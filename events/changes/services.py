"""Every change to a date, whichever screen asks for it (the Dates admin, a peer's dashboard,
the `change_date` command): bringing dates in line with the rules, cancelling, restoring,
moving, a note, the number of places. Each tells the people who signed up, moves their
reminders, offers freed places and raises the calendar SEQUENCE in one transaction."""

import datetime as dt

import holidays
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..calendars import ical
from ..schedule import recurrence
from ..schedule.models import (
    CancelReason,
    ClosedDays,
    HolidayPolicy,
    Occurrence,
    OccurrenceStatus,
    Series,
    occurrences_changed,
)
from ..signups import notifications
from ..signups.services import lock_place, offer_places


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
        type(event).objects.select_for_update(no_key=True).filter(pk=event.pk).first()
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
            status, reason, (message, message_en) = _planned_status(
                event, start.date(), holidays_off, closures
            )
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
                        message_en=message_en,
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
            if changed or (occurrence.message, occurrence.message_en) != (message, message_en):
                if occurrence.end != end or occurrence.status != status:
                    occurrence.sequence += 1
                if not occurrence.is_cancelled and status == OccurrenceStatus.CANCELLED:
                    newly_cancelled.add(occurrence.pk)
                elif occurrence.is_cancelled and status == OccurrenceStatus.SCHEDULED:
                    restored.add(occurrence.pk)
                occurrence.start, occurrence.end, occurrence.space = start, end, space
                occurrence.status, occurrence.cancel_reason = status, reason
                occurrence.message, occurrence.message_en = message, message_en
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
            occurrence.message = occurrence.message_en = ""
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
            "message_en",
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
    """Status, reason and message (Japanese, English) the schedule alone gives a date."""
    if event.closed_until_further_notice:
        return OccurrenceStatus.CANCELLED, CancelReason.CLOSURE, (event.closure_message, "")
    for closure in closures:
        if closure.covers(day):
            message = (closure.message, closure.message_en)
            return OccurrenceStatus.CANCELLED, CancelReason.CLOSED_DAYS, message
    if day in holidays_off:
        # The message is written when shown, in the reader's language (Occurrence.display_message).
        return OccurrenceStatus.CANCELLED, CancelReason.HOLIDAY, ("", "")
    return OccurrenceStatus.SCHEDULED, CancelReason.NONE, ("", "")


def _locked_date(occurrence):
    return Occurrence.objects.select_for_update().select_related("event").get(pk=occurrence.pk)


def _save_changed(occurrence, *, status, reason, message, message_en=""):
    """A date changed by staff: its new status, kept from schedule edits from now on, with a
    higher SEQUENCE so that calendars take the change."""
    occurrence.status, occurrence.cancel_reason = status, reason
    occurrence.message, occurrence.message_en = message, message_en
    occurrence.edited = True
    occurrence.sequence += 1
    occurrence.save()


def cancel_occurrence(*, occurrence, message="", message_en="", now=None):
    """Cancel one date, with a kind message for the people who planned to come. They hear of
    it once, with their calendar entry cancelled (a higher SEQUENCE)."""
    now = now or timezone.now()
    with transaction.atomic():
        occurrence = _locked_date(occurrence)
        if occurrence.end <= now:
            raise ScheduleError("past", _("This date has already passed."))
        if occurrence.is_cancelled:
            raise ScheduleError("cancelled", _("This date is already cancelled."))
        _save_changed(
            occurrence,
            status=OccurrenceStatus.CANCELLED,
            reason=CancelReason.STAFF,
            message=message,
            message_en=message_en,
        )
        notifications.send_dates_changed([occurrence], cancelled=True)
    return occurrence


def restore_occurrence(*, occurrence, message="", message_en="", now=None):
    """Give a cancelled date back: everyone still signed up hears "it is on again" once, their
    calendars get the entry back (a higher SEQUENCE), reminders are planned again and free
    places go to the people waiting. Refused, changing nothing, for a date that is not
    cancelled, has passed, or falls while the event or the centre is closed."""
    now = now or timezone.now()
    with transaction.atomic():
        occurrence = _locked_date(occurrence)
        if not occurrence.is_cancelled:
            raise ScheduleError("not_cancelled", _("This date is not cancelled: it is on already."))
        if occurrence.end <= now:
            raise ScheduleError("past", _("This date has already passed."))
        _refuse_while_closed(occurrence.event, occurrence.local_date)
        _save_changed(
            occurrence,
            status=OccurrenceStatus.SCHEDULED,
            reason=CancelReason.NONE,
            message=message,
            message_en=message_en,
        )
        _back_on(occurrence, now=now)
    return occurrence


def _refuse_while_closed(event, day):
    """A date cannot be on while its event is closed until further notice or on one of the
    centre's (or its space's) closed days: those say so first."""
    if event.closed_until_further_notice:
        raise ScheduleError(
            "closed",
            _(
                "The event is closed until further notice. To hold this date, first reopen "
                "the event on its Schedule tab."
            ),
        )
    if any(c.covers(day) for c in ClosedDays.objects.for_event(event, since=day)):
        raise ScheduleError(
            "closed_days",
            _(
                "This day is one of the centre's closed days. To hold this date, first "
                "change the closed days."
            ),
        )


def _back_on(occurrence, *, now):
    """A date given back (restored, or moved out of a cancellation)."""
    notifications.send_dates_changed([occurrence], cancelled=False, restored=True)
    notifications.replan_reminders([occurrence], now=now)
    offer_places(event=occurrence.event, occurrence=occurrence, now=now)


def move_occurrence(*, occurrence, start, end, space=None, message="", message_en="", now=None):
    """Move one date to a new time and/or place; it keeps its identity (and its sign-ups). A
    cancelled date that is moved is on again."""
    now = now or timezone.now()
    if end <= start:
        raise ScheduleError("end_before_start", _("The end must come after the start."))
    if start < now:
        raise ScheduleError("past", _("A date cannot be moved into the past."))
    with transaction.atomic():
        occurrence = _locked_date(occurrence)
        if occurrence.is_cancelled:  # moving it out of a cancellation puts it on again
            _refuse_while_closed(occurrence.event, start.astimezone(recurrence.site_zone()).date())
        # The room it leaves shows it no more: caches of its page hear of it.
        occurrences_changed.send(
            sender=Occurrence, event=occurrence.event, spaces=[occurrence.space_id]
        )
        occurrence.start, occurrence.end = start, end
        if space is not None:
            occurrence.space = _space_in_main_language(space)
        was_cancelled = occurrence.is_cancelled
        _save_changed(
            occurrence,
            status=OccurrenceStatus.SCHEDULED,
            reason=CancelReason.NONE,
            message=message,
            message_en=message_en,
        )
        if was_cancelled:
            _back_on(occurrence, now=now)
        else:
            notifications.send_dates_changed([occurrence], cancelled=False)
            notifications.replan_reminders([occurrence], now=now)
    return occurrence


def set_message(*, occurrence, message, message_en=""):
    """A note shown with one date ("we meet in room 2 today"), with its optional English; the
    date stays as it is."""
    with transaction.atomic():
        occurrence = _locked_date(occurrence)
        if (occurrence.message, occurrence.message_en) != (message, message_en):
            occurrence.message, occurrence.message_en = message, message_en
            occurrence.edited = True
            occurrence.save(update_fields=["message", "message_en", "edited", "updated_at"])
    return occurrence


def set_capacity(*, occurrence, capacity, now=None):
    """Change the places of one date (None: the event's). Places added go at once to the
    people waiting, in order."""
    now = now or timezone.now()
    with transaction.atomic():
        occurrence = lock_place(occurrence=occurrence)
        if occurrence.capacity != capacity:
            _save_places(occurrence, capacity)
        offer_places(event=occurrence.event, occurrence=occurrence, now=now)
    return occurrence


def _save_places(occurrence, capacity):
    # Changed by staff: schedule edits leave this date alone from now on.
    occurrence.capacity = capacity
    occurrence.edited = True
    occurrence.save(update_fields=["capacity", "edited", "updated_at"])


def change_date(
    *, occurrence, cancelled, message, start, end, space, capacity, message_en="", now=None
):
    """One date edited as a whole (the Dates form, the `change_date` command): each change
    goes through its own workflow above, all in one transaction. Returns the date."""
    now = now or timezone.now()
    with transaction.atomic():
        current = lock_place(occurrence=occurrence)
        moved = (start, end, space) != (current.start, current.end, current.space)
        new_places = capacity != current.capacity
        if new_places:
            # First, so that a date given back offers only the places it now has.
            _save_places(current, capacity)
        if cancelled and not current.is_cancelled:
            current = cancel_occurrence(
                occurrence=current, message=message, message_en=message_en, now=now
            )
        elif moved:
            current = move_occurrence(
                occurrence=current,
                start=start,
                end=end,
                space=space,
                message=message,
                message_en=message_en,
                now=now,
            )
        elif not cancelled and current.is_cancelled:
            current = restore_occurrence(
                occurrence=current, message=message, message_en=message_en, now=now
            )
        elif (message, message_en) != (current.message, current.message_en):
            current = set_message(occurrence=current, message=message, message_en=message_en)
        if new_places:
            offer_places(event=current.event, occurrence=current, now=now)
    return current
