"""The rules of places, in one home: how many are left on a date or in a series, the order of
the waiting line, and whether a party fits. Every page that shows places, and every workflow
that hands them out, asks here. (The workflows hold the lock of the scarce row: see
events.signups.services.)"""

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from .models import HOLDING_PLACES, SignUp, SignUpKind, SignUpStatus


def scope_of(signup):
    """Where a sign-up's places come from: its date, or its event for an enrolment."""
    if signup.occurrence_id is not None:
        return {"occurrence": signup.occurrence}
    return {"event": signup.event}


def capacity(*, occurrence=None, event=None):
    """The places on a date (its own number, else its event's), or in a series; None: no limit."""
    return occurrence.effective_capacity if occurrence is not None else event.capacity


# Who holds a place, and who stands ahead of a newcomer in the line (see line_ahead), as
# conditions, so that one query can count both (fits).
HOLDING = Q(status__in=HOLDING_PLACES)
AHEAD = Q(status=SignUpStatus.WAITING, offer_lapsed=False)


def _in_scope(*, occurrence=None, event=None):
    """The sign-ups of a date (of which bookings take its places) or of a series (enrolments),
    and the condition for those that take places."""
    if occurrence is not None:
        return SignUp.objects.filter(occurrence=occurrence), Q(kind=SignUpKind.BOOKING)
    return SignUp.objects.filter(event=event, kind=SignUpKind.ENROLMENT), Q()


def _holding(**scope):
    signups, takes_places = _in_scope(**scope)
    return signups.filter(takes_places & HOLDING)


def places_taken(*, occurrence=None, event=None):
    """People holding a place: confirmed, or offered one and not yet answered."""
    scope = {"occurrence": occurrence, "event": event}
    return _holding(**scope).aggregate(total=Sum("party_size"))["total"] or 0


def left_of(limit, taken):
    return None if limit is None else max(limit - taken, 0)


def places_left(*, occurrence=None, event=None):
    """Free places on a date (or in a series), or None when there is no limit."""
    limit = capacity(occurrence=occurrence, event=event)
    if limit is None:
        return None
    return left_of(limit, places_taken(occurrence=occurrence, event=event))


def places_left_on(occurrences):
    """{occurrence pk: places left or None} for many dates of booking events, in one query."""
    taken = dict(
        SignUp.objects.filter(HOLDING, occurrence__in=occurrences, kind=SignUpKind.BOOKING)
        .values_list("occurrence")
        .annotate(total=Sum("party_size"))
    )
    return {o.pk: left_of(o.effective_capacity, taken.get(o.pk, 0)) for o in occurrences}


def attach_booking_state(occurrences, now=None):
    """Give each date what a list of dates says about joining it: `open_for_signup` (see
    Occurrence.signups_closed) and `places_left` (None: no limit, or not a booking date), for
    many dates in one query. Lists show "no booking needed", "booking needed, n places left",
    "full: waiting list" from these (templates/includes/occurrence.html)."""
    left = places_left_on(occurrences)
    now = now or timezone.now()
    for occurrence in occurrences:
        occurrence.open_for_signup = occurrence.signups_closed(now) is None
        occurrence.places_left = left[occurrence.pk]
    return occurrences


# The waiting line: an open offer comes first (its place is held), then everyone waiting in
# the order they joined; someone who let an offer pass goes to the back, without penalty.
def line_position(signup):
    """Sort key of a waiting or offered sign-up in its line."""
    return (signup.status != SignUpStatus.OFFERED, signup.offer_lapsed, signup.queued_at, signup.pk)


def everyone_waiting(*, occurrence=None, event=None):
    """Everyone waiting (not yet offered), in line order."""
    signups, _ = _in_scope(occurrence=occurrence, event=event)
    return signups.filter(status=SignUpStatus.WAITING).order_by("offer_lapsed", "queued_at", "pk")


def in_line(signups):
    """The waiting and offered among `signups`, in line order (for lists staff print)."""
    waiting = [s for s in signups if s.status in (SignUpStatus.OFFERED, SignUpStatus.WAITING)]
    return sorted(waiting, key=line_position)


def line_ahead(**scope):
    """The line a newcomer joins behind. Someone who let an offer lapse is still offered the
    next freed place when nobody else waits, but does not hold a free place back from others."""
    return everyone_waiting(**scope).filter(AHEAD)


def fits(party_size, **scope):
    """Can a party of this size have places now, without going ahead of anyone in line?
    In one query, as it runs under a booking's row lock: the places taken (see _holding) and
    how many are in line ahead (see line_ahead)."""
    limit = capacity(**scope)
    if limit is None:
        return True
    signups, takes_places = _in_scope(**scope)
    counts = signups.aggregate(
        taken=Sum("party_size", filter=takes_places & HOLDING),
        ahead=Count("pk", filter=AHEAD),
    )
    return party_size <= left_of(limit, counts["taken"] or 0) and not counts["ahead"]


def with_head_counts(occurrences):
    """Occurrences (a queryset) annotated with what a host is told of each date, in the same
    query: `booked` (people holding a booked place, offers included), `waiting` (people in the
    line) and `maybes` (people who said "I might come"). Counts only, never who."""

    def count(condition):
        return Coalesce(Sum("signups__party_size", filter=condition), 0)

    return occurrences.annotate(
        booked=count(Q(signups__kind=SignUpKind.BOOKING, signups__status__in=HOLDING_PLACES)),
        waiting=count(Q(signups__status=SignUpStatus.WAITING)),
        maybes=count(Q(signups__kind=SignUpKind.MAYBE, signups__status=SignUpStatus.CONFIRMED)),
    )
