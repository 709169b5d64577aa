"""Schedule workflows: turning rules into dated occurrences, and changing single dates."""

import datetime as dt

import holidays
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import recurrence
from .models import CancelReason, EventPage, HolidayPolicy, Occurrence, OccurrenceStatus
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
        EventPage.objects.select_for_update().filter(pk=event.pk).first()
        wanted = {}
        for rule in event.rules.all():
            for start, end in recurrence.expand(rule.pattern, until=until):
                wanted.setdefault(start, end)
        years = {start.year for start in wanted} or {timezone.localdate(now).year}
        closed_days = japanese_holidays(years) if event.holiday_policy == HolidayPolicy.SKIP else {}
        space = _space_in_main_language(event.space)
        # Dates not yet over: one that has started today still appears (and is "open now").
        existing = {
            o.original_start: o for o in Occurrence.objects.filter(event=event, end__gt=now)
        }
        to_create, to_update = [], []
        for start, end in sorted(wanted.items()):
            if end <= now:
                continue
            status, reason, message = _planned_status(event, start.date(), closed_days)
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
            occurrence.status = OccurrenceStatus.CANCELLED
            occurrence.cancel_reason = CancelReason.SCHEDULE_CHANGED
            occurrence.message = ""
            occurrence.sequence += 1
            to_update.append(occurrence)
        Occurrence.objects.bulk_create(to_create)
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
    if to_create or to_update:
        # Bulk writes send no post_save; tell caches of public pages and feeds.
        occurrences_changed.send(sender=Occurrence, event=event)
    return len(to_create), len(to_update)


def _planned_status(event, day, closed_days):
    """Status, reason and message the schedule alone gives a date."""
    if event.closed_until_further_notice:
        return OccurrenceStatus.CANCELLED, CancelReason.CLOSURE, event.closure_message
    if day in closed_days:
        # The message is written when shown, in the reader's language (Occurrence.display_message).
        return OccurrenceStatus.CANCELLED, CancelReason.HOLIDAY, ""
    return OccurrenceStatus.SCHEDULED, CancelReason.NONE, ""


def extend_horizon(*, now=None):
    """The daily job: every live event's dates reach the horizon. Idempotent."""
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
        occurrence.status = OccurrenceStatus.SCHEDULED
        occurrence.cancel_reason = CancelReason.NONE
        occurrence.message = message
        occurrence.edited = True
        occurrence.sequence += 1
        occurrence.save()
    return occurrence
