"""Dates as iCalendar (RFC 5545): one function makes UIDs and one writes calendars, so an
occurrence has the same UID in every feed, file and e-mail attachment, forever."""

import datetime as dt

from django.conf import settings
from django.utils import timezone

PRODID = "-//Ibasho//Ibasho//JA"


def occurrence_uid(occurrence):
    """The event's translation key (the same for every language of the page, and kept forever)
    and the date the schedule gave it (RECURRENCE-ID), which a move does not change."""
    original = occurrence.original_start.astimezone(dt.UTC)
    return f"{occurrence.event.translation_key}-{original:%Y%m%dT%H%M%SZ}@ibasho"


def signup_calendar(signup, *, request=None, method="PUBLISH", occurrences=None):
    """The dates of one sign-up (the booked date, or every coming date of an enrolled series),
    or just `occurrences` (a date that changed). The place is included only where the person
    may see it. Bytes, CRLF line endings."""
    from .models import Occurrence, SignUpStatus

    event = signup.event
    if occurrences is None and signup.occurrence_id:
        occurrences = [signup.occurrence]
    elif occurrences is None:
        occurrences = Occurrence.objects.filter(event=event).upcoming().order_by("start")
    confirmed = signup.status == SignUpStatus.CONFIRMED
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    url = request.build_absolute_uri(event.url) if request is not None else base + event.url
    # The discreet title where staff set one: calendars are often shared.
    title = event.localized.calendar_title
    entries = []
    for occurrence in occurrences:
        # The date's own place (a moved date may be elsewhere); the exact address only for
        # someone with a place, where the space keeps it back.
        space = occurrence.space or event.space
        location = ""
        if space is not None and (space.address_is_public or confirmed):
            location = space.address or space.title
        entries.append(
            {
                "occurrence": occurrence,
                "title": title,
                "location": location,
                "url": url,
                "cancelled": method == "CANCEL",
            }
        )
    return build_feed(entries, name=title, method=method, subscription=False)


# --- Feeds -----------------------------------------------------------------------------------
# Written by hand rather than through icalendar's object model: a feed holds thousands of
# dates, and building an object per property costs twenty times as much. Everything is UTC
# ("Z"), so no VTIMEZONE is needed, and every event is a plain VEVENT with its own UID.

CRLF = "\r\n"
REFRESH = "PT6H"  # how often calendar apps are asked to look again


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
    if len(line.encode()) <= 75:
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


def utc(moment):
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def build_feed(entries, *, name, url="", stamp=None, method="PUBLISH", subscription=True):
    """A VCALENDAR of `entries`: dicts with occurrence, title, location, description, url and
    `cancelled` (a cancellation for this person even if the date goes on). Any set of dates:
    the whole site, a space, one sign-up's file or e-mail attachment (`subscription=False`,
    with METHOD:REQUEST or CANCEL), later a host's private feed. `stamp` (DTSTAMP) is best the
    time of the last change, so an unchanged feed is the same bytes and keeps its ETag."""
    stamp = utc(stamp or timezone.now())
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        f"METHOD:{method}",
        f"X-WR-CALNAME:{escape_text(name)}",
    ]
    if subscription:
        lines += [
            f"X-WR-TIMEZONE:{settings.TIME_ZONE}",
            f"REFRESH-INTERVAL;VALUE=DURATION:{REFRESH}",
            f"X-PUBLISHED-TTL:{REFRESH}",
        ]
    if url:
        lines.append(f"URL:{url}")
    for entry in entries:
        occurrence = entry["occurrence"]
        cancelled = entry.get("cancelled") or occurrence.is_cancelled
        lines += [
            "BEGIN:VEVENT",
            f"UID:{occurrence_uid(occurrence)}",
            f"DTSTAMP:{stamp}",
            f"DTSTART:{utc(occurrence.start)}",
            f"DTEND:{utc(occurrence.end)}",
            f"SEQUENCE:{occurrence.sequence}",
            f"CREATED:{utc(occurrence.created_at)}",
            f"LAST-MODIFIED:{utc(occurrence.updated_at)}",
            f"STATUS:{'CANCELLED' if cancelled else 'CONFIRMED'}",
            f"SUMMARY:{escape_text(entry['title'])}",
        ]
        if entry.get("location"):
            lines.append(f"LOCATION:{escape_text(entry['location'])}")
        if entry.get("description"):
            lines.append(f"DESCRIPTION:{escape_text(entry['description'])}")
        if entry.get("url"):
            lines.append(f"URL:{entry['url']}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return (CRLF.join(fold(line) for line in lines) + CRLF).encode()
