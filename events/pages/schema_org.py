"""schema.org JSON-LD for spaces (Place) and events (Event), so search engines and assistants
can say what is on, where, and whether a date is cancelled or moved. No personal data."""

import json

from django.utils import timezone

from ..schedule.places import shows_address

EVENT_STATUS = {
    "scheduled": "https://schema.org/EventScheduled",
    "cancelled": "https://schema.org/EventCancelled",
    "moved": "https://schema.org/EventRescheduled",
}


def place_data(space, request):
    data = {"@type": "Place", "name": space.title, "url": space.get_full_url(request)}
    if space.address and shows_address(space):
        data["address"] = {
            "@type": "PostalAddress",
            "streetAddress": space.address,
            "addressCountry": "JP",
        }
    return data


def event_data(event, occurrences, request):
    """One schema.org Event per upcoming date of the event."""
    url = event.get_full_url(request)
    items = []
    for occurrence in occurrences:
        if occurrence.is_cancelled:
            status = EVENT_STATUS["cancelled"]
        elif occurrence.is_moved:
            status = EVENT_STATUS["moved"]
        else:
            status = EVENT_STATUS["scheduled"]
        item = {
            "@type": "Event",
            "name": event.title,
            "description": event.summary,
            "url": url,
            "startDate": timezone.localtime(occurrence.start).isoformat(),
            "endDate": timezone.localtime(occurrence.end).isoformat(),
            "eventStatus": status,
            "isAccessibleForFree": True,
        }
        space = getattr(occurrence, "display_space", None)
        if event.is_online and space is None:
            item["eventAttendanceMode"] = "https://schema.org/OnlineEventAttendanceMode"
            item["location"] = {"@type": "VirtualLocation", "url": url}
        else:
            item["eventAttendanceMode"] = "https://schema.org/OfflineEventAttendanceMode"
            if space is not None:
                item["location"] = place_data(space, request)
        if occurrence.is_moved and occurrence.original_start != occurrence.start:
            item["previousStartDate"] = timezone.localtime(occurrence.original_start).isoformat()
        items.append(item)
    return items


def to_json_ld(data):
    """JSON safe to place inside <script type="application/ld+json">."""
    payload = (
        {"@context": "https://schema.org", "@graph": data}
        if isinstance(data, list)
        else {
            "@context": "https://schema.org",
            **data,
        }
    )
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
