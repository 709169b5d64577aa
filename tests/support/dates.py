"""Dates as the tests write them: the site's time zone, a moment in it, a weekly rule."""

import datetime as dt
from zoneinfo import ZoneInfo

JST = ZoneInfo("Asia/Tokyo")


def at(*args):
    """A moment in the site's time zone: at(2026, 12, 1, 9, 0)."""
    return dt.datetime(*args, tzinfo=JST)


def weekly(start_date, weekdays, start="13:00", end="16:00", **extra):
    """A weekly rule as make_event takes it."""
    import datetime as dt

    return {
        "frequency": "weekly",
        "start_date": start_date,
        "weekdays": list(weekdays),
        "start_time": dt.time.fromisoformat(start),
        "end_time": dt.time.fromisoformat(end),
        **extra,
    }
