"""One person's calendar file: the dates of their sign-up, for the manage page's download and
e-mail attachments, written by the same writer as the feeds (events.calendars.ical)."""

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from ..calendars.feeds import HISTORY
from ..calendars.ical import build_feed, occurrence_component
from ..schedule.models import Occurrence
from ..schedule.places import PLACE_RELATIONS, calendar_location, place_of
from .models import SignUp, SignUpStatus


def sequence_offset(signup, *, cancelling):
    """How far this person's SEQUENCE stands above the date's own. A person who cancels is sent
    a CANCEL one above the last invitation; should they sign up for the same date again, the new
    invitation must stand above that CANCEL, or their calendar keeps the entry cancelled. So each
    earlier sign-up for the same date(s) with this address that they cancelled counts two."""
    offset = 1 if cancelling else 0
    if signup.email:
        earlier = SignUp.objects.filter(
            event=signup.event_id,
            occurrence=signup.occurrence_id,
            email__iexact=signup.email,
            status=SignUpStatus.CANCELLED,
            pk__lt=signup.pk,
        ).count()
        offset += 2 * earlier
    return offset


def signup_calendar(signup, *, request=None, method="PUBLISH", occurrences=None, manage_url=None):
    """The dates of one sign-up (the booked date, or every coming date of an enrolled series),
    or just `occurrences` (a date that changed), as a file to import or an e-mail attachment.
    Bytes, CRLF line endings.

    Only a place that is really theirs (SignUp.has_place) is a confirmed entry with the exact
    address; a "maybe", a place waited for or offered is a tentative entry with the area only,
    and a cancelled sign-up (`method="CANCEL"`) takes the entries out again."""
    if occurrences is None:
        occurrences = signup_dates(signup, since=timezone.now())
    title, components = entries(
        signup, request=request, method=method, occurrences=occurrences, manage_url=manage_url
    )
    return build_feed(components, name=title, method=method, subscription=False)


def subscribed_calendar(signup, *, request, manage_url=None):
    """(bytes, time of the last change) of the manage page's calendar link, which a calendar
    app may subscribe to and fetch again every few hours: it follows what happens to the
    booking (a date moved or cancelled, a place confirmed, the booking cancelled) like the
    public feeds. An enrolled series keeps its dates of the last weeks there, as the feeds do
    (an app deletes what a feed no longer holds), and the file is stamped with its last
    change, so that it is the same bytes until something changes."""
    method = "PUBLISH" if signup.is_active else "CANCEL"
    occurrences = signup_dates(signup, since=timezone.now() - HISTORY)
    title, components = entries(
        signup, request=request, method=method, occurrences=occurrences, manage_url=manage_url
    )
    moments = [signup.updated_at, signup.event.last_published_at]
    changed = max(filter(None, [*moments, *(o.updated_at for o in occurrences)]))
    return build_feed(components, name=title, method=method, stamp=changed), changed


def signup_dates(signup, *, since):
    """The booked date, or the dates of an enrolled series that end after `since`."""
    if signup.occurrence_id:
        return [signup.occurrence]
    dates = Occurrence.objects.filter(event=signup.event_id, end__gte=since)
    return list(dates.select_related(*PLACE_RELATIONS).order_by("start"))


def entries(signup, *, request, method, occurrences, manage_url=None):
    """(calendar name, VEVENTs) of these dates of one sign-up. With `manage_url` (the person's
    private page), each entry leads back to it (URL and a line of DESCRIPTION), so that the
    calendar is a way back to the booking when the link is lost."""
    event = signup.event
    has_place = signup.has_place
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    url = request.build_absolute_uri(event.url) if request is not None else base + event.url
    extra = {}
    if manage_url:
        url = manage_url
        extra["description"] = _("Your booking (to see it, change it or cancel): %(url)s") % {
            "url": manage_url
        }
    # Discreet where staff gave the event a discreet title: calendars are often shared.
    localized = event.localized
    title, discreet = localized.calendar_title, bool(localized.discreet_title)
    # The person's own cancellation; the organiser's raises the date's SEQUENCE itself.
    offset = sequence_offset(signup, cancelling=method == "CANCEL" and not signup.is_active)
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
                sequence=occurrence.sequence + offset,
                **extra,
            )
        )
    return title, components
