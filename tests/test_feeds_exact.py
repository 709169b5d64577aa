"""Feeds over a schedule with everything that makes calendars go wrong: cancelled, moved and
re-placed dates, national holidays, closed days, a rule changed half-way, two rules making the
same start, a session past midnight, fortnightly and monthly rules, a one-off date. Expanded by
a calendar library, every feed holds exactly the dates `/events/` lists for the same filters."""

import datetime as dt

import pytest
import time_machine
from icalendar import Calendar

from events.calendars import ical
from events.changes import services as changes
from events.models import ClosedDays, Occurrence, ScheduleRule
from events.pages.models import sync_all_events
from tests.support.dates import at, weekly
from tests.support.feeds import exdates, in_feed, listed, vevents

D = dt.date
pytestmark = pytest.mark.django_db

QUERIES = [
    "",
    "?space=hidamari",
    "?space=kita",
    "?area=sakura",
    "?area=konan",
    "?kind=family_group",
    "?audience=families",
    "?kind=drop_in&space=kita",
]


def rule(frequency, start_date, start, end, **extra):
    return {
        "frequency": frequency,
        "start_date": start_date,
        "start_time": dt.time.fromisoformat(start),
        "end_time": dt.time.fromisoformat(end),
        **extra,
    }


@pytest.fixture
def busy(make_space, make_event, areas):
    with time_machine.travel(at(2026, 12, 1, 9, 0), tick=False):
        hidamari = make_space(title="ひだまり", slug="hidamari", area=areas[1], address="本町1")
        kita = make_space(title="北のへや", slug="kita", area=areas[0])
        drop_in = make_event(
            title="居場所", space=hidamari, rules=[weekly(D(2026, 12, 1), ["TU", "FR"])]
        )
        family = make_event(
            title="家族会",
            kind="family_group",
            audience="families",
            space=kita,
            rules=[
                weekly(D(2026, 12, 7), ["MO"], start="18:00", end="20:00", interval=2),
                rule("monthly_weekday", D(2026, 12, 12), "10:00", "12:00", nth=2, weekdays=["SA"]),
            ],
        )
        night = make_event(
            title="夜の居場所",
            space=kita,
            rules=[weekly(D(2026, 12, 5), ["SA"], start="22:00", end="01:00")],
        )
        make_event(
            title="月末の会",
            space=hidamari,
            rules=[rule("monthly_day", D(2026, 12, 31), "14:00", "16:00", day_of_month=31)],
        )
        make_event(
            title="クリスマス会",
            space=hidamari,
            rules=[rule("once", D(2026, 12, 20), "13:00", "15:00")],
        )
        # Closed until further notice from the start: every date is an exception.
        make_event(
            title="休止中の会",
            space=kita,
            closed_until_further_notice=True,
            closure_message="しばらくお休みします",
            rules=[weekly(D(2026, 12, 3), ["TH"], start="15:00", end="17:00")],
        )
        # Two rules making the same Wednesday starts: the first keeps them.
        make_event(
            title="朝の会",
            space=kita,
            rules=[
                weekly(D(2026, 12, 2), ["WE"], start="10:00", end="12:00"),
                weekly(D(2026, 12, 2), ["WE", "TH"], start="10:00", end="12:00"),
            ],
        )
        ClosedDays.objects.create(
            first_day=D(2026, 12, 29), last_day=D(2027, 1, 3), message="年末年始のお休み"
        )
        sync_all_events()
        dates = Occurrence.objects.filter(event=drop_in).order_by("start")
        changes.cancel_occurrence(occurrence=dates[1], message="研修のためお休み")
        changes.move_occurrence(
            occurrence=dates[2], start=at(2026, 12, 8, 14), end=at(2026, 12, 8, 17)
        )
        # A date held at another space: listed there, not at its usual one.
        changes.move_occurrence(
            occurrence=dates[3], start=dates[3].start, end=dates[3].end, space=kita
        )
        saturday = Occurrence.objects.filter(event=night).order_by("start")[2]
        changes.cancel_occurrence(occurrence=saturday)
    # Ten days later the drop-in moves from Fridays to Thursdays: a new version of its rule.
    with time_machine.travel(at(2026, 12, 10, 9, 0), tick=False):
        drop_in = drop_in.get_latest_revision_as_object()
        drop_in.rules = [ScheduleRule(**weekly(D(2026, 12, 1), ["TU", "TH"]))]
        drop_in.save_revision().publish()
    return drop_in, family


@pytest.mark.parametrize("query", QUERIES)
def test_every_feed_expands_to_exactly_the_listed_dates(client, busy, query):
    with time_machine.travel(at(2026, 12, 10, 9, 0), tick=False):
        response = client.get(f"/events/feed.ics{query}")
        assert response.status_code == 200
        left_out = set()
        expected = listed(query, first=D(2026, 11, 1), months=5, left_out=left_out)
        assert in_feed(response, first=D(2026, 11, 1), months=5) == expected, query
        assert expected, query
        # Cancelled dates further ahead are left out of their series, which is in the feed
        # (or, when nothing of it is shown, absent altogether).
        uids = {str(entry["UID"]) for entry in vevents(response)}
        assert {date for date in left_out if date[0] in uids} <= exdates(response), query
        assert left_out or query, "the schedule has cancelled dates further ahead"


def test_the_changed_rule_keeps_old_dates_as_they_were(client, busy):
    drop_in, _family = busy
    with time_machine.travel(at(2026, 12, 10, 9, 0), tick=False):
        body = client.get("/events/feed.ics?space=hidamari").content
    masters = [e for e in Calendar.from_ical(body).walk("VEVENT") if "RRULE" in e]
    rules = sorted(tuple(m["RRULE"]["BYDAY"]) for m in masters if m["SUMMARY"] == "居場所")
    assert rules == [("TU", "FR"), ("TU", "TH")]
    # Old Fridays after the change are cancelled instances of the first version.
    friday = Occurrence.objects.get(event=drop_in, original_start=at(2026, 12, 18, 13))
    assert friday.is_cancelled and ical.occurrence_identity(friday)[1] == friday.original_start


def test_the_dates_keep_their_identity_when_the_rule_changes(client, busy):
    drop_in, _family = busy
    tuesday = Occurrence.objects.get(event=drop_in, original_start=at(2027, 1, 12, 13))
    with time_machine.travel(at(2026, 12, 10, 9, 0), tick=False):
        first = ical.occurrence_identity(tuesday)
        drop_in = drop_in.get_latest_revision_as_object()
        drop_in.rules = [ScheduleRule(**weekly(D(2026, 12, 1), ["TU"], end="17:00"))]
        drop_in.save_revision().publish()
    tuesday.refresh_from_db()
    assert ical.occurrence_identity(tuesday) == first
    assert tuesday.end == at(2027, 1, 12, 17)  # updated in place


def test_a_session_past_midnight_ends_the_next_day(client, busy):
    with time_machine.travel(at(2026, 12, 10, 9, 0), tick=False):
        body = client.get("/events/feed.ics?space=kita").content
    calendar = Calendar.from_ical(body)
    [night] = [e for e in calendar.walk("VEVENT") if e["SUMMARY"] == "夜の居場所" and "RRULE" in e]
    assert night["DTEND"].dt - night["DTSTART"].dt == dt.timedelta(hours=3)
    assert night["DTSTART"].params["TZID"] == "Asia/Tokyo"


def test_a_closed_series_is_still_one_series_with_its_cancelled_dates(client, busy):
    with time_machine.travel(at(2026, 12, 10, 9, 0), tick=False):
        body = client.get("/events/feed.ics?space=kita").content
    entries = Calendar.from_ical(body).walk("VEVENT")
    [master] = [e for e in entries if "RRULE" in e and e["SUMMARY"] == "休止中の会"]
    instances = [e for e in entries if e["UID"] == master["UID"] and "RECURRENCE-ID" in e]
    assert instances and all(e["STATUS"] == "CANCELLED" for e in instances)
    assert all(e["SUMMARY"] == "【お休み】休止中の会" for e in instances)
