"""What a calendar app makes of a feed, and what `/events/` lists for the same filters: the
two sets that the feed tests compare."""

import datetime as dt

import recurring_ical_events
from django.utils import timezone
from icalendar import Calendar

from events.calendars import ical
from events.schedule.forms import EventFilterForm
from events.schedule.listing import filter_q, filtered_occurrences
from tests.support.dates import JST

FIRST_DAY = dt.date(2026, 12, 1)


def vevents(response):
    return Calendar.from_ical(response.content).walk("VEVENT")


def listed(query, first=FIRST_DAY, months=1, *, left_out=None):
    """{(UID, start, status)} of what `/events/` lists with the query over whole months, as a
    calendar shows it: a cancelled date of a series is an entry only from today to two weeks
    ahead; the others are left out of their series (added to `left_out`, when given, as
    (UID, RECURRENCE-ID)). The website lists them all."""
    params = dict(p.split("=") for p in query.lstrip("?").split("&") if p)
    today = timezone.localdate()
    found = set()
    day = first
    for _ in range(months):
        form = EventFilterForm({**params, "view": "month", "date": day.isoformat()})
        assert form.is_valid(), form.errors
        for o in filtered_occurrences(form):
            shown = today <= o.local_date <= today + dt.timedelta(days=14)
            if o.is_cancelled and o.series_key and not shown:
                if left_out is not None:
                    left_out.add(ical.occurrence_identity(o))
                continue
            status = "CANCELLED" if o.is_cancelled else "CONFIRMED"
            # A date of a series whose event this filter does not list (moved here from
            # elsewhere) stands on its own, without its series.
            on_its_own = o.series_key and o.event_id not in series_listed(params)
            uid = (ical.standalone_identity if on_its_own else ical.occurrence_identity)(o)[0]
            found.add((uid, o.start, status))
        day = form.step(1)
    return found


def series_listed(params):
    """The ids of the events whose series a feed with these filters writes: those the filters
    select by the event's own place."""
    from events.models import EventPage

    filters = {k: v for k, v in params.items() if k in EventFilterForm.filter_fields}
    return set(
        EventPage.objects.live()
        .filter(filter_q(filters, event="", space="space__"))
        .values_list("pk", flat=True)
    )


def exdates(response):
    """{(UID, RECURRENCE-ID)} of the dates a feed leaves out of its series."""
    found = set()
    for entry in vevents(response):
        value = entry.get("EXDATE") or []
        for exdate in value if isinstance(value, list) else [value]:
            found |= {(str(entry["UID"]), d.dt) for d in exdate.dts}
    return found


def in_feed(response, first=FIRST_DAY, months=1):
    """The same set, from the feed as a calendar app expands it."""
    after = first
    for _ in range(months):
        after = (after.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    expanded = recurring_ical_events.of(Calendar.from_ical(response.content)).between(
        dt.datetime.combine(first, dt.time.min, tzinfo=JST),
        dt.datetime.combine(after, dt.time.min, tzinfo=JST),
    )
    return {(str(e["UID"]), e["DTSTART"].dt, str(e["STATUS"])) for e in expanded}
