"""The demo site's feeds through four independent calendar libraries (icalendar with
recurring-ical-events, vobject, ical.js and node-ical), over this month and the next two, with
a cancellation, a date moved to another space, a date moved there and back, a note and the
national holidays: every library expands each feed to the same entries, and those are what
`/events/` lists for the same filters, date by date (issue 14)."""

import datetime as dt
from dataclasses import dataclass

import pytest
from django.db.models import F
from django.utils import timezone

from events.calendars import ical
from events.changes import services as changes
from events.schedule.models import CancelReason, Occurrence, OccurrenceStatus
from spaces.models import SpacePage
from tests.support import interop
from tests.support.feeds import listed

MONTHS = 3
NOTE = "今日は2階の小会議室で開きます。"

# (address, the listing's filters); the moved date leaves Hidamari and Sakura City for Konan
# Hot Space in Minato Town, both in the Konan region.
FEEDS = {
    "full": ("/events/feed.ics", ""),
    "space-left": ("/events/feed.ics?space=hidamari", "space=hidamari"),
    "space-joined": ("/events/feed.ics?space=konan-hot-space", "space=konan-hot-space"),
    "area-left": ("/events/feed.ics?area=sakura", "area=sakura"),
    "area-joined": ("/events/feed.ics?area=minato", "area=minato"),
    "region": ("/events/feed.ics?area=konan", "area=konan"),
    "discreet": ("/events/feed.ics?discreet=1", ""),
    "english": ("/en/events/feed.ics", ""),
    "english-discreet": ("/en/events/feed.ics?area=sakura&discreet=1", "area=sakura"),
}


def feeds(marks=None):
    marks = marks or {}
    return [
        pytest.param(address, query, id=name, marks=marks.get(name, ()))
        for name, (address, query) in FEEDS.items()
    ]


@dataclass
class Window:
    """The months the suite looks at, and the date that was given a note."""

    first: dt.date  # the window: this month and the next MONTHS - 1
    noted: tuple  # the (UID, start, status) of the date with a note


def dates(slug, *, after):
    """The scheduled dates of a demo event from `after` days ahead on, as the rules made them."""
    since = timezone.now() + dt.timedelta(days=after)
    return Occurrence.objects.filter(
        event__slug=slug,
        event__locale__language_code="ja",
        status=OccurrenceStatus.SCHEDULED,
        edited=False,
        start__gte=since,
    ).order_by("start")


def space(slug):
    return SpacePage.objects.get(slug=slug, locale__language_code="ja")


def edit(occurrence, **fields):
    """A date changed as the Dates admin changes it."""
    current = Occurrence.objects.get(pk=occurrence.pk)
    fields = {
        "cancelled": current.is_cancelled,
        "message": current.message,
        "start": current.start,
        "end": current.end,
        "space": current.space,
        "capacity": current.capacity,
        **fields,
    }
    return changes.change_date(occurrence=current, **fields)


@pytest.fixture
def changed(demo):
    """The demo with, ahead in the window: a Hidamari date moved an hour later to Konan Hot
    Space (another space, another town), one moved there and back, one cancelled further than
    two weeks ahead, and a note on a Konan Hot Space date. The demo itself cancels a Friday
    within two weeks and closes on the national holidays and over the New Year."""
    hidamari = dates("hidamari-tue-fri", after=3)
    moved, moved_back = hidamari[0], hidamari[1]
    hour = dt.timedelta(hours=1)
    edit(
        moved,
        start=moved.start + hour,
        end=moved.end + hour,
        space=space("konan-hot-space"),
    )
    edit(moved_back, space=space("konan-hot-space"))
    edit(moved_back, space=space("hidamari"))
    edit(dates("hidamari-tue-fri", after=20)[0], cancelled=True, message="会場の点検のため")
    noted = edit(dates("konan-hot-space-mon-thu", after=2)[0], message=NOTE)
    first = timezone.localdate().replace(day=1)
    start, end = interop.window(first, MONTHS)
    window = Occurrence.objects.filter(start__gte=start, start__lt=end)
    # What the window must hold, so that the suite keeps testing what it says.
    assert window.filter(cancel_reason=CancelReason.STAFF).count() >= 2
    assert window.filter(cancel_reason=CancelReason.HOLIDAY).exists()
    assert window.exclude(space=F("event__space")).exists()
    assert window.filter(message=NOTE).exists()
    moved_back = Occurrence.objects.get(pk=moved_back.pk)
    assert moved_back.space == space("hidamari") and moved_back.sequence >= 2
    return Window(first, (ical.occurrence_uid(noted), noted.start, "CONFIRMED"))


def expanded(client, first, address):
    """{parser: [Instance]} of one feed over the window; without Node (on a developer's
    machine) the Python libraries only, and the test skips once they have passed."""
    response = client.get(address)
    assert response.status_code == 200, address
    start, end = interop.window(first, MONTHS)
    node = interop.node_available()
    return interop.expand({address: response.content}, start, end, node=node)[address]


@pytest.mark.parametrize(("address", "query"), feeds())
def test_every_library_expands_the_feed_to_what_the_site_lists(client, changed, address, query):
    window = changed
    found = expanded(client, window.first, address)
    # The four libraries agree with one another on every entry, field by field.
    reference = found["icalendar"]
    for parser, instances in found.items():
        assert instances == reference, (parser, interop.difference(reference, instances))
    # And they are what `/events/` lists for the same filters, date by date.
    expected = listed(f"?{query}", first=window.first, months=MONTHS)
    got = {i.key for i in reference}
    assert expected and got == expected, interop.difference(expected, got)
    # The note is with its date, except where discreet feeds say nothing but when and where.
    noted = [i for i in reference if i.key == window.noted]
    assert len(noted) == (window.noted in expected)
    for instance in noted:
        assert (NOTE in instance.description) == ("discreet=1" not in address), instance
    interop.require_node()


@pytest.mark.parametrize(("address", "query"), feeds())
def test_no_entry_of_a_feed_depends_on_a_series_it_leaves_out(client, changed, address, query):
    # Such an entry is dropped by some apps, shown without its series by others (all four
    # libraries here show it).
    for parser, instances in expanded(client, changed.first, address).items():
        assert not interop.by_date(i for i in instances if i.orphan), (parser, address)
    interop.require_node()
