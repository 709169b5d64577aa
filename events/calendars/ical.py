"""Dates as iCalendar (RFC 5545): one function says how calendars know a date, one writes
calendars, so a date is the same calendar entry in every feed, file and e-mail attachment,
forever.

How a date is known (`occurrence_identity`):
- a date made by a recurring rule is an instance of that rule's series: the series' UID (the
  event's translation key, the same for every language of the page, and the series key) and
  RECURRENCE-ID, the start the rule gave it, which a move does not change;
- any other date (a one-off event) is a VEVENT of its own, its UID the translation key and
  that start;
- a date of a series in a feed without its series (moved into the space the feed is for) is
  a VEVENT of its own too, with a UID of its own (`standalone_identity`).
Both are stored on the date when it is made and never change (see
events.schedule.models.Series)."""

import datetime as dt
import functools
from email.utils import parseaddr

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Timezone

from ..schedule.recurrence import site_zone

PRODID = "-//Ibasho//Ibasho//JA"
CRLF = "\r\n"
REFRESH = "PT6H"  # how often calendar apps are asked to look again


def series_uid(event, key):
    return f"{event.translation_key}-{key}@ibasho"


def occurrence_identity(occurrence):
    """(UID, RECURRENCE-ID or None) of a date: see the module docstring."""
    if occurrence.series_key:
        return series_uid(occurrence.event, occurrence.series_key), occurrence.original_start
    return f"{occurrence.event.translation_key}-{utc(occurrence.original_start)}@ibasho", None


def standalone_identity(occurrence):
    """(UID, None) of a date of a series written on its own: in a feed that lists the date but
    not its series (a date moved into a space the feed is for), where an instance without its
    series would be dropped or shown out of context. Its UID is its own, derived from the
    series' and the start the rule gave it, so it is the same entry each time it is written."""
    uid = series_uid(occurrence.event, occurrence.series_key).removesuffix("@ibasho")
    return f"{uid}-{utc(occurrence.original_start)}@ibasho", None


def occurrence_uid(occurrence):
    return occurrence_identity(occurrence)[0]


def occurrence_component(occurrence, **fields):
    """One date as a VEVENT: an instance of its series (with RECURRENCE-ID) or a date of its
    own. `fields`: title, location, description, url, cancelled and tentative (for this
    person); `standalone`: a date of a series written without it (see standalone_identity)."""
    standalone = fields.pop("standalone", False)
    identity = standalone_identity if standalone else occurrence_identity
    uid, recurrence_id = identity(occurrence)
    cancelled = fields.pop("cancelled", False) or occurrence.is_cancelled
    # TENTATIVE: in someone's own file, a date they have no confirmed place on.
    tentative = fields.pop("tentative", False)
    if occurrence.is_cancelled:
        # Some calendar apps show a cancelled entry like any other: the title says it too, so
        # nobody sets out for a date that is not happening.
        fields["title"] = _("[Cancelled] %(title)s") % {"title": fields["title"]}
    return {
        "uid": uid,
        "recurrence_id": recurrence_id,
        "start": occurrence.start,
        "end": occurrence.end,
        "sequence": occurrence.sequence,
        "last_modified": occurrence.updated_at,
        "status": "CANCELLED" if cancelled else "TENTATIVE" if tentative else "CONFIRMED",
        **fields,
    }


# --- The writer --------------------------------------------------------------------------------
# Written by hand rather than through icalendar's object model: a feed holds thousands of
# entries, and building an object per property costs twenty times as much. Series use the
# site's time zone (TZID, with its VTIMEZONE), so that "every Tuesday at 13:30" stays a Tuesday
# whatever UTC says; everything else is UTC ("Z").


def escape_text(value):
    """RFC 5545 TEXT: backslash, semicolon, comma and line breaks escaped."""
    return (
        str(value)
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line):
    """Lines of at most 75 octets, continued with a space, never splitting a UTF-8 character."""
    if len(line) <= 18 or len(line.encode()) <= 75:  # 18 characters are at most 72 octets
        return line
    parts, current, size, limit = [], [], 0, 75
    for char in line:
        width = len(char.encode())
        if size + width > limit:
            parts.append("".join(current))
            current, size, limit = [], 0, 74  # the leading space takes one octet
        current.append(char)
        size += width
    parts.append("".join(current))
    return (CRLF + " ").join(parts)


_STAMP = str.maketrans("", "", "-:")


def utc(moment):
    """20261201T040000Z. isoformat() and a translation table: several times faster than
    strftime, which matters over thousands of dates."""
    if moment.utcoffset():
        moment = moment.astimezone(dt.UTC)
    return moment.isoformat().translate(_STAMP)[:15] + "Z"


def local(moment):
    """20261201T130000 in the site's time zone (for TZID=...), whatever zone is active."""
    return moment.astimezone(site_zone()).isoformat().translate(_STAMP)[:15]


@functools.cache
def vtimezone_lines(tzid):
    """The VTIMEZONE of a zone, from icalendar (which knows the zone database's rules)."""
    lines = Timezone.from_tzid(tzid).to_ical().decode().replace("\r\n ", "").splitlines()
    # Its COMMENT (the years the rules were read for) is for people, not calendar apps.
    return [fold(line) for line in lines if not line.startswith("COMMENT:")]


# iTIP methods (RFC 5546) that are a message from an organiser to the people invited.
SCHEDULING_METHODS = ("REQUEST", "CANCEL")


def organizer_line():
    """The neutral organiser of an invitation or a cancellation: the site's own sender address
    (DEFAULT_FROM_EMAIL, which nobody reads replies to), never a person of the centre."""
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    name = name.replace('"', "")
    common_name = f';CN="{name}"' if name else ""
    return fold(f"ORGANIZER{common_name}:mailto:{address}")


def component_lines(component, stamp, tzid, organizer=None):
    """One VEVENT. `component`: uid, recurrence_id (aware or None), start, end, sequence,
    last_modified, status, title, location, description, url, and for a series master rrule
    and exdates (aware datetimes); `zoned` writes the times with the site's TZID."""
    zoned = component.get("zoned") or component.get("recurrence_id") is not None
    lines = ["BEGIN:VEVENT", f"UID:{component['uid']}", f"DTSTAMP:{stamp}"]
    if zoned:
        prefix = f";TZID={tzid}:"
        if component.get("recurrence_id") is not None:
            lines.append(f"RECURRENCE-ID{prefix}{local(component['recurrence_id'])}")
        lines.append(f"DTSTART{prefix}{local(component['start'])}")
        lines.append(f"DTEND{prefix}{local(component['end'])}")
    else:
        lines.append(f"DTSTART:{utc(component['start'])}")
        lines.append(f"DTEND:{utc(component['end'])}")
    if component.get("rrule"):
        lines.append(fold(f"RRULE:{component['rrule']}"))
    if component.get("exdates"):
        values = ",".join(local(moment) for moment in component["exdates"])
        lines.append(fold(f"EXDATE;TZID={tzid}:{values}"))
    if organizer:
        lines.append(organizer)
    lines += [
        f"SEQUENCE:{component['sequence']}",
        f"LAST-MODIFIED:{utc(component['last_modified'])}",
        f"STATUS:{component['status']}",
        fold(f"SUMMARY:{escape_text(component['title'])}"),
    ]
    if component.get("location"):
        lines.append(fold(f"LOCATION:{escape_text(component['location'])}"))
    if component.get("description"):
        lines.append(fold(f"DESCRIPTION:{escape_text(component['description'])}"))
    if component.get("url"):
        lines.append(fold(f"URL:{component['url']}"))
    lines.append("END:VEVENT")
    return lines


def build_feed(components, *, name, url="", stamp=None, method="PUBLISH", subscription=True):
    """A VCALENDAR of `components` (see component_lines). Any set of dates: the whole site, a
    space, one sign-up's file or e-mail attachment (`subscription=False`, with METHOD:REQUEST
    or CANCEL), later a host's private feed. `stamp` (DTSTAMP) is best the time of the last
    change, so an unchanged feed is the same bytes and keeps its ETag. REQUEST and CANCEL, which
    RFC 5546 sends from an organiser, name the site's sender as ORGANIZER and list no attendee:
    nobody is asked to accept or decline, and nobody's address is in the file."""
    stamp = utc(stamp or timezone.now())
    tzid = settings.TIME_ZONE
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        f"METHOD:{method}",
        fold(f"X-WR-CALNAME:{escape_text(name)}"),
    ]
    if subscription:
        lines += [
            f"X-WR-TIMEZONE:{tzid}",
            f"REFRESH-INTERVAL;VALUE=DURATION:{REFRESH}",
            f"X-PUBLISHED-TTL:{REFRESH}",
        ]
    if url:
        lines.append(fold(f"URL:{url}"))
    if any(c.get("zoned") or c.get("recurrence_id") is not None for c in components):
        lines += vtimezone_lines(tzid)
    organizer = organizer_line() if method in SCHEDULING_METHODS else None
    for component in components:
        lines += component_lines(component, stamp, tzid, organizer)
    lines.append("END:VCALENDAR")
    return (CRLF.join(lines) + CRLF).encode()
