"""Recurrence against calendars checked by hand, in Japan's wall-clock time."""

import datetime as dt

import pytest

from events.schedule.recurrence import Frequency, Pattern, expand, local_starts, rrule_text
from tests.support.dates import JST

D = dt.date


def pattern(**kwargs):
    kwargs.setdefault("start_time", dt.time(10))
    kwargs.setdefault("end_time", dt.time(12))
    return Pattern(**kwargs)


def days(p, until=None):
    return [s.date() for s in local_starts(p, until=until)]


def test_second_saturday_across_months():
    p = pattern(
        frequency=Frequency.MONTHLY_BY_WEEKDAY,
        start_date=D(2027, 1, 1),
        weekdays=("SA",),
        nth=2,
        count=6,
    )
    assert days(p) == [
        D(2027, 1, 9),
        D(2027, 2, 13),
        D(2027, 3, 13),
        D(2027, 4, 10),
        D(2027, 5, 8),
        D(2027, 6, 12),
    ]
    assert rrule_text(p) == "FREQ=MONTHLY;COUNT=6;BYDAY=+2SA"


def test_last_friday_of_the_month():
    p = pattern(
        frequency=Frequency.MONTHLY_BY_WEEKDAY,
        start_date=D(2026, 1, 1),
        weekdays=("FR",),
        nth=-1,
        count=4,
    )
    assert days(p) == [D(2026, 1, 30), D(2026, 2, 27), D(2026, 3, 27), D(2026, 4, 24)]


def test_every_other_week_on_two_weekdays():
    p = pattern(
        frequency=Frequency.WEEKLY,
        start_date=D(2026, 12, 1),
        weekdays=("TU", "FR"),
        interval=2,
        until=D(2026, 12, 31),
    )
    assert days(p) == [
        D(2026, 12, 1),
        D(2026, 12, 4),
        D(2026, 12, 15),
        D(2026, 12, 18),
        D(2026, 12, 29),
    ]


def test_the_31st_skips_short_months_and_minus_one_means_the_last_day():
    on_31st = pattern(
        frequency=Frequency.MONTHLY_BY_DAY, start_date=D(2027, 1, 1), day_of_month=31, count=4
    )
    assert days(on_31st) == [D(2027, 1, 31), D(2027, 3, 31), D(2027, 5, 31), D(2027, 7, 31)]
    last = pattern(
        frequency=Frequency.MONTHLY_BY_DAY, start_date=D(2027, 1, 1), day_of_month=-1, count=3
    )
    assert days(last) == [D(2027, 1, 31), D(2027, 2, 28), D(2027, 3, 31)]


def test_session_at_half_past_midnight_stays_on_its_japanese_weekday():
    p = pattern(
        frequency=Frequency.WEEKLY,
        start_date=D(2026, 12, 2),
        weekdays=("WE",),
        start_time=dt.time(0, 30),
        end_time=dt.time(2, 0),
        count=2,
    )
    (start, end), _ = expand(p)
    assert start.astimezone(JST).weekday() == 2  # Wednesday in Japan
    assert start == dt.datetime(2026, 12, 2, 0, 30, tzinfo=JST)
    assert start.astimezone(dt.UTC) == dt.datetime(
        2026, 12, 1, 15, 30, tzinfo=dt.UTC
    )  # Tuesday in UTC
    assert end - start == dt.timedelta(hours=1, minutes=30)


def test_eight_in_the_morning_jst_is_the_same_day():
    p = pattern(
        frequency=Frequency.ONCE,
        start_date=D(2026, 12, 3),
        start_time=dt.time(8),
        end_time=dt.time(9),
    )
    [(start, _end)] = expand(p)
    assert start.astimezone(JST).date() == D(2026, 12, 3)
    assert start.astimezone(dt.UTC) == dt.datetime(2026, 12, 2, 23, 0, tzinfo=dt.UTC)


def test_a_session_running_past_midnight_ends_the_next_day():
    p = pattern(
        frequency=Frequency.ONCE,
        start_date=D(2026, 12, 31),
        start_time=dt.time(23),
        end_time=dt.time(1),
    )
    [(_start, end)] = expand(p)
    assert end == dt.datetime(2027, 1, 1, 1, 0, tzinfo=JST)


def test_until_is_written_in_utc_for_feeds():
    p = pattern(
        frequency=Frequency.WEEKLY,
        start_date=D(2026, 12, 1),
        weekdays=("TU",),
        until=D(2027, 3, 30),
    )
    assert rrule_text(p) == "FREQ=WEEKLY;UNTIL=20270330T145959Z;BYDAY=TU"


def test_expansion_stops_at_the_given_date_and_is_capped():
    p = pattern(
        frequency=Frequency.WEEKLY,
        start_date=D(2026, 12, 1),
        weekdays=("MO", "TU", "WE", "TH", "FR", "SA", "SU"),
    )
    assert len(local_starts(p, until=D(2026, 12, 7))) == 7
    assert len(local_starts(p)) == 1000  # an endless rule is cut off, never runs forever


@pytest.mark.parametrize("weekday", ["MO", "TU", "WE", "TH", "FR", "SA", "SU"])
def test_a_weekly_rule_only_lands_on_its_weekday(weekday):
    p = pattern(
        frequency=Frequency.WEEKLY, start_date=D(2026, 11, 27), weekdays=(weekday,), count=10
    )
    index = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"].index(weekday)
    assert {d.weekday() for d in days(p)} == {index}
