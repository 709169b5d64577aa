"""What a calendar feed holds: the dates `/events/` lists for the same filters, written the way
calendar apps keep them best.

A series becomes one VEVENT with an RRULE (its master) instead of a VEVENT per date: the feed
is a fraction of the size (a quarter in bench.feeds, where one date in seven is cancelled or
moved; less where fewer are), and apps expand it quickly. Only the dates that differ from what the
rule says (cancelled, moved, with a message, at another place, or made by a rule that has
changed since) are written out, as instances with their RECURRENCE-ID; a date of the series
that this feed does not list (moved to a space outside the filter) is an EXDATE, and a date
this feed lists without its series (moved into the filter's space) stands on its own, with a
UID of its own (`ical.standalone_identity`). One-off dates are VEVENTs of their own.
`events.ical.occurrence_identity` says which is which.

Cancelled dates of a series: those of today and the next two weeks are written out, titled
「【お休み】…」 with their reason, for the person checking this week's plans; later ones are
simply left out of the series (EXDATE), which every calendar app honours, while a cancelled
instance is shown by some apps, hidden by others. The website lists them all with their reason.
A cancelled one-off date stays a cancelled VEVENT. Both windows (the history and the cancelled
dates shown) move at local midnight, so a feed changes by the clock only then.

The database does the sorting: a date is *regular* when it is exactly as its series makes it,
and regular dates are only counted (first, last), never loaded. So the number of queries is
constant and the rows read are the exceptions, whatever the size of the schedule."""

import datetime as dt
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import BooleanField, Case, Count, F, Max, Min, Q, Sum, Value, When
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from ..schedule.i18n import pages_in_current_language
from ..schedule.listing import filter_q
from ..schedule.models import Occurrence, OccurrenceStatus, Series
from ..schedule.places import calendar_location
from ..schedule.recurrence import WEEKDAY_CODES, site_zone, start_of_day
from . import ical


# The pages a date points to, found through its relations: calendars sit below the event pages
# (events.pages) and know spaces (another app) only by the relation "spaces.SpacePage".
def related_pages(name):
    return Occurrence._meta.get_field(name).related_model


HISTORY = dt.timedelta(days=30)  # past dates stay a while, so they don't vanish abruptly
CANCELLED_SHOWN_DAYS = 14  # cancelled dates of a series written out: today and the next 14 days

# A date exactly as its series makes it: the master describes it, nothing is written for it.
REGULAR = (
    ~Q(series_key="")
    & Q(status=OccurrenceStatus.SCHEDULED, edited=False, message="", start=F("original_start"))
    & (Q(space=F("event__space")) | Q(space__isnull=True, event__space__isnull=True))
)


def listed_expression(q):
    """True for the rows a filter lets through (as a column, so they are read once)."""
    if not q:
        return Value(True, output_field=BooleanField())
    return Case(When(q, then=Value(True)), default=Value(False), output_field=BooleanField())


def raw_rows(queryset):
    """The rows of a values queryset straight from the database cursor, in the order of its
    SELECT. Django's converters parse every timestamp with a regular expression, which costs
    more than writing the whole feed; `as_datetime` does the one conversion needed."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def as_datetime(value):
    """A timestamp column as an aware datetime: PostgreSQL's driver gives one already, SQLite
    the UTC text Django stored (or a naive datetime for a column declared as one)."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if value is not None and value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value


class FeedDate:
    """A date as a feed needs it: the fields an Occurrence has, without the cost of one."""

    # The columns read, in order; `event` is set afterwards.
    FIELDS = (
        "event_id",
        "series_key",
        "original_start",
        "start",
        "end",
        "space_id",
        "status",
        "cancel_reason",
        "message",
        "message_en",
        "sequence",
        "updated_at",
        "listed",
    )
    __slots__ = (*(f for f in FIELDS if f not in ("end", "updated_at")), "event", "written")
    __slots__ += ("read_end", "read_updated_at")

    def __init__(
        self,
        event_id,
        series_key,
        original_start,
        start,
        end,
        space_id,
        status,
        cancel_reason,
        message,
        message_en,
        sequence,
        updated_at,
        listed,
    ):
        self.event_id, self.series_key, self.space_id = event_id, series_key, space_id
        self.original_start, self.start = as_datetime(original_start), as_datetime(start)
        self.read_end, self.read_updated_at = end, updated_at  # converted when written out
        self.status, self.cancel_reason, self.message = status, cancel_reason, message
        self.message_en = message_en
        self.sequence, self.listed = sequence, bool(listed)

    @property
    def end(self):
        self.read_end = as_datetime(self.read_end)
        return self.read_end

    @property
    def updated_at(self):
        self.read_updated_at = as_datetime(self.read_updated_at)
        return self.read_updated_at

    # The same rules as on the model.
    is_cancelled = Occurrence.is_cancelled
    local_date = Occurrence.local_date
    display_message = Occurrence.display_message


@dataclass
class FeedData:
    """Everything a feed is made from, read in a constant number of queries."""

    today: dt.datetime = None  # the start of today in the site's time zone: the windows
    series: list = field(default_factory=list)  # dicts: event_id, series_key, first, last, …
    exceptions: list = field(default_factory=list)  # Occurrence rows with `listed`
    series_rows: dict = field(default_factory=dict)  # (event_id, key) -> Series
    events: dict = field(default_factory=dict)  # source pk -> page in the reader's language
    sources: dict = field(default_factory=dict)  # source pk -> page in the main language
    spaces: dict = field(default_factory=dict)  # source pk -> page in the reader's language


# What `components` and `describe` read of an event page and a space page (and page.url).
EVENT_FIELDS = ("title", "url_path", "locale_id", "translation_key", "last_published_at")
EVENT_FIELDS += ("summary", "discreet_title", "space_id", "is_online")
SPACE_FIELDS = ("title", "url_path", "locale_id", "translation_key", "last_published_at")
SPACE_FIELDS += ("address", "location_policy", "area__name", "is_online")


def master_sequence(today):
    """SEQUENCE of a series' master, as a sum over all its stored dates (past ones included):
    it rises whenever what the master says changes, and only then, and never falls.
    - Any change to a date raises the date's own SEQUENCE, so the sum (a moved-away or
      cancelled date changes the master's EXDATEs without being the highest);
    - a date added (the schedule extended, UNTIL moved) adds one;
    - the clock: at midnight a date leaving the history window (DTSTART moves), a cancelled
      date coming into the days whose cancellations are shown (its EXDATE goes) and one of
      them passing (its EXDATE is back) each add one.
    Each term only grows, so a feed fetched twice with nothing changed is the same bytes."""
    cancelled = Q(status=OccurrenceStatus.CANCELLED)
    shown_until = today + dt.timedelta(days=CANCELLED_SHOWN_DAYS + 1)
    return (
        Sum("sequence")
        + Count("pk")
        + Count("pk", filter=Q(end__lt=today - HISTORY))
        + Count("pk", filter=cancelled & Q(start__lt=shown_until))
        + Count("pk", filter=cancelled & Q(start__lt=today))
    )


def load(data, *, now=None):
    """The feed's dates for the filters in `data`, from HISTORY before today to the end of the
    stored schedule."""
    today = start_of_day(now or timezone.now())
    since = today - HISTORY
    live = Occurrence.objects.filter(event__live=True, end__gte=since)
    selected = (
        related_pages("event").objects.live().filter(filter_q(data, event="", space="space__"))
    )
    listed_q = filter_q(data)
    # Series of the events this feed lists, with their span in the window; regular dates are
    # counted here and never read.
    in_window = Q(end__gte=since)
    spans = (
        Occurrence.objects.filter(event__live=True, event__in=selected.values("pk"))
        .exclude(series_key="")
        .values("event_id", "series_key")
        .annotate(
            first=Min("original_start", filter=in_window),
            last=Max("original_start", filter=in_window),
            sequence=master_sequence(today),
            changed=Max("updated_at"),
            regular=Count("pk", filter=REGULAR & in_window),
        )
        .filter(first__isnull=False)
        .order_by("first", "event_id")
    )
    series = [
        {
            "event_id": event_id,
            "series_key": key,
            "first": as_datetime(first),
            "last": as_datetime(last),
            "sequence": sequence,
            "changed": as_datetime(changed),
            "regular": regular,
        }
        for event_id, key, first, last, sequence, changed, regular in raw_rows(spans)
    ]
    # Every date that is not regular: written out when listed, an EXDATE when not.
    exceptions = raw_rows(
        live.exclude(REGULAR)
        .filter(Q(event__in=selected.values("pk")) | listed_q)
        .annotate(listed=listed_expression(listed_q))
        .order_by("start", "pk")
        .values_list(*FeedDate.FIELDS)
    )
    exceptions = [FeedDate(*row) for row in exceptions]
    feed = FeedData(today=today, series=series, exceptions=exceptions)
    keys = {s["series_key"] for s in series}
    event_ids = {s["event_id"] for s in series} | {o.event_id for o in exceptions}
    feed.series_rows = {
        (s.event_id, s.key): s for s in Series.objects.filter(event_id__in=event_ids, key__in=keys)
    }
    # Only the columns a feed writes: building whole page objects cost more than the writing.
    feed.sources = related_pages("event").objects.only(*EVENT_FIELDS).in_bulk(event_ids)
    feed.events = pages_in_current_language(feed.sources.values())
    space_ids = {o.space_id for o in exceptions if o.space_id}
    space_ids |= {e.space_id for e in feed.sources.values() if e.space_id}
    sources = (
        related_pages("space").objects.select_related("area").only(*SPACE_FIELDS).in_bulk(space_ids)
    )
    feed.spaces = pages_in_current_language(sources.values())
    return feed


def components(feed, *, discreet, url_for):
    """The VEVENTs of a feed, and the time of its last change. `url_for(page)` is an event
    page's absolute address."""
    urls = {pk: url_for(page) for pk, page in feed.events.items()}
    shown_until = feed.today + dt.timedelta(days=CANCELLED_SHOWN_DAYS + 1)

    def written(row):
        """Written out as an entry: listed by this feed, and not a cancelled date of a series
        outside the days whose cancellations are shown (the module docstring)."""
        return row.listed and not (
            row.series_key and row.is_cancelled and not feed.today <= row.start < shown_until
        )

    out, changes = [], []
    excluded, listed, written_series = {}, set(), set()
    for row in feed.exceptions:
        row.event = feed.sources[row.event_id]  # for the identity, no query
        row.written = written(row)
        if row.written:
            listed.add((row.event_id, row.series_key))
        else:
            excluded.setdefault((row.event_id, row.series_key), []).append(row.original_start)
    for span in feed.series:
        series = feed.series_rows.get((span["event_id"], span["series_key"]))
        event = feed.events[span["event_id"]]
        if series is None or not (span["regular"] or (span["event_id"], series.key) in listed):
            continue  # none of its dates is in this feed
        # Even when every listed date is an exception (a closure), the series is written, so
        # that calendar apps never see an instance without its series.
        first = span["first"]
        first_local = first.astimezone(site_zone())
        missing = excluded.get((span["event_id"], span["series_key"]), [])
        exdates = [
            moment
            for moment in (*parse_stamps(series.exdates), *missing)
            if first <= moment <= span["last"]
        ]
        changed = max(filter(None, [span["changed"], event.last_published_at]))
        changes.append(changed)
        written_series.add((span["event_id"], span["series_key"]))
        out.append(
            {
                "uid": ical.series_uid(feed.sources[span["event_id"]], series.key),
                "recurrence_id": None,
                "zoned": True,
                "start": first_local,
                "end": first_local + series.duration,
                "rrule": f"{series.rrule};UNTIL={ical.utc(span['last'])}",
                "exdates": sorted(exdates),
                "sequence": span["sequence"],
                "last_modified": changed,
                "status": "CONFIRMED",
                **describe(
                    event,
                    feed.spaces.get(feed.sources[span["event_id"]].space_id),
                    discreet,
                    title=discreet and series_title(event, series),
                    url=urls[span["event_id"]],
                ),
            }
        )
    for row in feed.exceptions:
        if not row.written:
            continue
        event = feed.events[row.event_id]
        series = feed.series_rows.get((row.event_id, row.series_key))
        changes.append(row.updated_at)
        out.append(
            ical.occurrence_component(
                row,
                **describe(
                    event,
                    feed.spaces.get(row.space_id),
                    discreet,
                    start=row.start,
                    # A series keeps one discreet title, exceptions included.
                    title=discreet and series is not None and series_title(event, series),
                    message=row.display_message.plain,
                    url=urls[row.event_id],
                ),
                # Its series is not in this feed: the date stands on its own.
                standalone=bool(row.series_key)
                and (row.event_id, row.series_key) not in written_series,
            )
        )
    changes += [e.last_published_at for e in feed.events.values() if e.last_published_at]
    return out, max(changes, default=None)


def one_date(occurrence, *, event, space, url):
    """One date as a file to import ("add this date to my calendar", before any sign-up): the
    same calendar entry as in the feeds and in a booking's file (UID and RECURRENCE-ID, see
    ical.occurrence_identity), with what anyone may know of it. `event` and `space` are the
    pages in the reader's language. Bytes."""
    fields = describe(
        event,
        space,
        False,
        start=occurrence.start,
        message=occurrence.display_message.plain,
        url=url,
    )
    component = ical.occurrence_component(occurrence, **fields)
    return ical.build_feed(
        [component], name=event.title, stamp=occurrence.updated_at, subscription=False
    )


def parse_stamps(text):
    return [
        dt.datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
        for stamp in text.split(",")
        if stamp
    ]


def describe(event, space, discreet, *, start=None, message="", title=None, url=""):
    """Title, place, description and address of an entry in the reader's language. Discreet:
    a neutral title ("Tuesday gathering"), the address or area only, and nothing else about
    what it is."""
    if discreet:
        title = event.discreet_title or title
        if not title:
            weekday = date_format(timezone.localtime(start), "l")
            title = _("%(weekday)s gathering") % {"weekday": weekday}
    else:
        title = event.title
    location = calendar_location(space, event, discreet=discreet)
    description = ""
    if not discreet:
        description = "\n".join(filter(None, [event.summary, message]))
    return {
        "title": title,
        "location": location,
        "description": description,
        "url": "" if discreet else url,
    }


def series_title(event, series):
    """The discreet title of a series: its weekdays ("Tuesday/Friday gathering"), or a plain
    "Monthly gathering" when the weekday varies."""
    days = []
    for part in series.rrule.split(";"):
        if part.startswith("BYDAY="):
            days = [code.lstrip("+-0123456789") for code in part[6:].split(",")]
    if not days:
        return _("Monthly gathering")
    monday = dt.date(2024, 1, 1)
    names = [
        date_format(monday + dt.timedelta(days=WEEKDAY_CODES.index(code)), "l") for code in days
    ]
    separator = pgettext("between weekday names", "/")
    return _("%(weekday)s gathering") % {"weekday": separator.join(names)}
