"""Recurrence in the site's wall-clock time.

A rule is expanded on naive local dates and times and only then given the site's time zone, so
that "every Tuesday at 13:30" stays a Tuesday at 13:30 whatever UTC says. Rules are also written
out as RFC 5545 RRULE text for calendar feeds. Expansion itself is python-dateutil's."""

import datetime as dt
import hashlib
from dataclasses import astuple, dataclass
from zoneinfo import ZoneInfo

from dateutil import rrule as du
from django.conf import settings
from django.utils import timezone

WEEKDAY_CODES = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
# Safety net against rules that would produce absurd numbers of dates.
MAX_OCCURRENCES_PER_RULE = 1000
MAX_RULE_YEARS = 5


class Frequency:
    ONCE = "once"
    WEEKLY = "weekly"
    MONTHLY_BY_WEEKDAY = "monthly_weekday"
    MONTHLY_BY_DAY = "monthly_day"


@dataclass(frozen=True)
class Pattern:
    """The parts of a schedule rule that decide its dates (see events.models.ScheduleRule)."""

    frequency: str
    start_date: dt.date
    start_time: dt.time
    end_time: dt.time
    interval: int = 1
    weekdays: tuple[str, ...] = ()
    nth: int | None = None  # 1..5, or -1 for "the last"
    day_of_month: int | None = None  # 1..31, or -1 for "the last day"
    until: dt.date | None = None
    count: int | None = None

    @property
    def duration(self):
        start = dt.datetime.combine(self.start_date, self.start_time)
        end = dt.datetime.combine(self.start_date, self.end_time)
        if end <= start:  # a session running past midnight
            end += dt.timedelta(days=1)
        return end - start


def series_key(pattern):
    """A short fingerprint of everything that decides a recurring pattern's dates: dates made
    by one version of a rule share it (and with it their calendar UID), a changed rule is a
    new series. "" for a one-off date."""
    if pattern.frequency == Frequency.ONCE:
        return ""
    return hashlib.sha256(repr(astuple(pattern)).encode()).hexdigest()[:16]


def site_zone():
    return ZoneInfo(settings.TIME_ZONE)


def start_of_day(moment):
    """Midnight at the start of the day of `moment`, in the site's time zone."""
    local = timezone.localtime(moment, site_zone())
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def _weekday(code):
    return getattr(du, code)


def build_rrule(pattern):
    """The dateutil rule for a pattern, on naive local datetimes; None for a one-off date."""
    if pattern.frequency == Frequency.ONCE:
        return None
    dtstart = dt.datetime.combine(pattern.start_date, pattern.start_time)
    until = dt.datetime.combine(pattern.until, dt.time.max) if pattern.until else None
    kwargs = {
        "dtstart": dtstart,
        "interval": pattern.interval,
        "until": until,
        "count": pattern.count,
    }
    if pattern.frequency == Frequency.WEEKLY:
        days = pattern.weekdays or (WEEKDAY_CODES[pattern.start_date.weekday()],)
        return du.rrule(du.WEEKLY, byweekday=[_weekday(d) for d in days], wkst=du.MO, **kwargs)
    if pattern.frequency == Frequency.MONTHLY_BY_WEEKDAY:
        days = pattern.weekdays or (WEEKDAY_CODES[pattern.start_date.weekday()],)
        return du.rrule(du.MONTHLY, byweekday=[_weekday(d)(pattern.nth) for d in days], **kwargs)
    if pattern.frequency == Frequency.MONTHLY_BY_DAY:
        return du.rrule(du.MONTHLY, bymonthday=pattern.day_of_month, **kwargs)
    raise ValueError(f"unknown frequency {pattern.frequency!r}")


def rrule_text(pattern):
    """The RFC 5545 RRULE value (without "RRULE:"), or "" for a one-off date."""
    rule = build_rrule(pattern)
    if rule is None:
        return ""
    text = str(rule).split("RRULE:", 1)[1]
    if pattern.until:
        # RFC 5545: with a zoned DTSTART, UNTIL must be in UTC.
        last = dt.datetime.combine(pattern.until, dt.time(23, 59, 59), tzinfo=site_zone())
        text = ";".join(
            part
            if not part.startswith("UNTIL=")
            else "UNTIL=" + last.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
            for part in text.split(";")
        )
    return text


def local_starts(pattern, *, until=None):
    """Naive local start datetimes of the pattern, up to and including the date `until`."""
    first = dt.datetime.combine(pattern.start_date, pattern.start_time)
    rule = build_rrule(pattern)
    if rule is None:
        return [first] if until is None or first.date() <= until else []
    stop = dt.datetime.combine(until, dt.time.max) if until else None
    starts = []
    for start in rule:
        if stop is not None and start > stop:
            break
        starts.append(start)
        if len(starts) >= MAX_OCCURRENCES_PER_RULE:
            break
    return starts


def expand(pattern, *, until=None):
    """Aware (start, end) pairs in the site's time zone, up to the date `until`."""
    zone = site_zone()
    duration = pattern.duration
    return [
        (start.replace(tzinfo=zone), (start + duration).replace(tzinfo=zone))
        for start in local_starts(pattern, until=until)
    ]
