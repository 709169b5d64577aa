"""One person's calendar file: the dates of their sign-up, for the manage page's download and
e-mail attachments, written by the same writer as the feeds (events.calendars.ical)."""

from django.conf import settings

from ..calendars.ical import build_feed, occurrence_component
from ..schedule.models import Occurrence
from ..schedule.places import PLACE_RELATIONS, calendar_location, place_of


def signup_calendar(signup, *, request=None, method="PUBLISH", occurrences=None):
    """The dates of one sign-up (the booked date, or every coming date of an enrolled series),
    or just `occurrences` (a date that changed). Bytes, CRLF line endings.

    Only a place that is really theirs (SignUp.has_place) is a confirmed entry with the exact
    address; a "maybe", a place waited for or offered is a tentative entry with the area only,
    and a cancelled sign-up (`method="CANCEL"`) takes the entries out again."""
    event = signup.event
    if occurrences is None and signup.occurrence_id:
        occurrences = [signup.occurrence]
    elif occurrences is None:
        occurrences = (
            Occurrence.objects.filter(event=event)
            .upcoming()
            .select_related(*PLACE_RELATIONS)
            .order_by("start")
        )
    has_place = signup.has_place
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    url = request.build_absolute_uri(event.url) if request is not None else base + event.url
    # Discreet where staff gave the event a discreet title: calendars are often shared.
    localized = event.localized
    title, discreet = localized.calendar_title, bool(localized.discreet_title)
    components = []
    for occurrence in occurrences:
        location = calendar_location(
            place_of(occurrence), event, discreet=discreet, has_place=has_place
        )
        components.append(
            occurrence_component(
                occurrence,
                title=title,
                location=location,
                url=url,
                cancelled=method == "CANCEL",
                tentative=not has_place,
            )
        )
    return build_feed(components, name=title, method=method, subscription=False)
