"""The feed over the demo content (a cancelled Friday, national holidays, the New Year closure):
every date `/events/` lists for the same filters, and no other."""

import datetime as dt

import pytest
import recurring_ical_events
from icalendar import Calendar

from events import ical
from events.forms import EventFilterForm
from events.recurrence import site_zone
from events.views import filtered_occurrences


@pytest.mark.parametrize("query", ["", "kind=drop_in", "audience=families", "area=minato"])
def test_the_demo_feed_has_exactly_the_listed_dates(client, demo, query):
    response = client.get(f"/events/feed.ics?{query}")
    assert response.status_code == 200
    calendar = Calendar.from_ical(response.content)
    params = dict(p.split("=") for p in query.split("&") if p)
    # The next two months, as the month view pages through them (the past is tested elsewhere).
    for month in (1, 2):
        first = (dt.date.today().replace(day=1) + dt.timedelta(days=32 * month)).replace(day=1)
        form = EventFilterForm({**params, "view": "month", "date": first.isoformat()})
        assert form.is_valid(), form.errors
        start, after = form.date_range()
        zone = site_zone()
        expanded = recurring_ical_events.of(calendar).between(
            dt.datetime.combine(start, dt.time.min, tzinfo=zone),
            dt.datetime.combine(after, dt.time.min, tzinfo=zone),
        )
        in_feed = {(str(e["UID"]), e["DTSTART"].dt, str(e["STATUS"])) for e in expanded}
        listed = {
            (ical.occurrence_uid(o), o.start, "CANCELLED" if o.is_cancelled else "CONFIRMED")
            for o in filtered_occurrences(form)
        }
        assert in_feed == listed, (query, first)
